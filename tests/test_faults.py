"""Saving under faults: killed mid-save, full disk, read-only folder, locked file, crash leftovers.

After every fault the file on disk must be the old model or the new one, whole and valid.
The killing tests fork the test process (POSIX only), so each child starts with the large
model already built and a save starts within a millisecond.
"""

import errno
import itertools
import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from models import (Component, Lot, LotPlan, Pathway, Position, SaveError, ServiceModel,
                    read_model, serialise, with_revision, write_model)
from models import fileio
from models.catalogue import KINDS
from models.fileio import TEMP_PREFIX, TEMP_SUFFIX, clean_stray_temp_files
from plain_user import save_as_plain_user

ROOT = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

KILL_ROUNDS = 60
MAX_CHILD_LIFE_SECONDS = 0.8
KILL_BUDGET_SECONDS = 40  # stop early on a very slow machine; the test must stay under a minute


def large_model(n: int = 2000, title: str = "National-size test model") -> ServiceModel:
    kinds = [k for k in KINDS if k != "exit"]
    components = [Component(id=f"c{i}", kind=kinds[i % len(kinds)], name=f"Service {i}",
                            position=Position(x=(i % 50) * 260.0, y=(i // 50) * 110.0))
                  for i in range(n)]
    pathways = [Pathway(source=f"c{i}", target=f"c{i + 1}") for i in range(n - 1)]
    lots = [Lot(id=f"lot-{j}", name=f"Lot {j}", components=[f"c{i}" for i in range(j, n, 10)])
            for j in range(10)]
    return ServiceModel(title=title, components=components, pathways=pathways,
                        lot_plans=[LotPlan(id="plan", name="Ten lots", lots=lots)],
                        active_plan="plan")


@pytest.fixture(scope="module")
def versions():
    """Two versions of a large model and their exact bytes: every save writes one of them."""
    old = with_revision(large_model())
    new = with_revision(old.model_copy(update={"title": "National-size test model, edited"}))
    new.components[0].name = "Service 0 renamed"
    return (old, serialise(old)), (new, serialise(new))


def assert_old_or_new(path: Path, versions):
    data = path.read_bytes()
    assert data in (versions[0][1], versions[1][1]), \
        f"{path.name} holds {len(data)} bytes that are neither version"
    read_model(path)  # loadable and valid, not only equal bytes


def strays(folder: Path) -> list[Path]:
    return sorted(folder.glob(f".*{TEMP_SUFFIX}"))


def reap(pid: int) -> int:
    """Wait for a child; its exit code, or minus the signal that killed it."""
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


# --- killed at random moments during hundreds of saves ---------------------------------------

@posix_only
@pytest.mark.slow  # kills hundreds of saves; `pytest -m "not slow"` skips it, CI runs it
def test_killed_at_random_moments_the_file_is_always_old_or_new(tmp_path, versions):
    path = tmp_path / "large.svcmodel"
    write_model(path, versions[0][0])
    saves = mmap.mmap(-1, 8)  # shared with the children: how many saves completed
    rng = random.Random(20240401)
    started = time.monotonic()
    rounds = 0
    for rounds in range(1, KILL_ROUNDS + 1):
        pid = os.fork()
        if pid == 0:  # the child saves the two versions in turn until it is killed
            try:
                for i in itertools.count():
                    write_model(path, versions[i % 2][0])
                    saves[:8] = struct.pack("q", struct.unpack("q", saves[:8])[0] + 1)
            finally:
                os._exit(1)
        # Kill during a later save than the first: wait (on the counter, not the clock, so
        # a busy machine does not matter) until this child has finished one.
        finished = struct.unpack("q", saves[:8])[0]
        deadline = time.monotonic() + 30
        while struct.unpack("q", saves[:8])[0] == finished and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, MAX_CHILD_LIFE_SECONDS))
        os.kill(pid, signal.SIGKILL)
        assert reap(pid) == -signal.SIGKILL
        assert_old_or_new(path, versions)
        backup = path.with_name(path.name + ".bak")
        if backup.exists():
            assert_old_or_new(backup, versions)
        if time.monotonic() - started > KILL_BUDGET_SECONDS:
            break
    completed = struct.unpack("q", saves[:8])[0]
    print(f"\n{rounds} kills during {completed} completed saves of "
          f"{len(versions[0][1]) / 1e6:.1f} MB in {time.monotonic() - started:.0f} s")
    assert completed >= rounds  # the kills fell across many saves, not only the first

    # What the kills left behind is tidied at the next start, once it is clearly abandoned.
    for leftover in strays(tmp_path):
        os.utime(leftover, (time.time() - 3600,) * 2)
    clean_stray_temp_files(tmp_path)
    assert strays(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["large.svcmodel", "large.svcmodel.bak"]


def _die_at(point: int) -> None:
    """In a forked child: count every file operation a save makes and die with SIGKILL at
    `point`: before an operation, or (for a write) halfway through its bytes."""
    counter = itertools.count(1)

    def wrap(owner, name, halfway=False):
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            if next(counter) == point:
                os.kill(os.getpid(), signal.SIGKILL)
            if halfway and next(counter) == point:
                fd, data = args
                real(fd, bytes(data)[:len(data) // 2])
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        setattr(owner, name, wrapper)

    wrap(os, "open")
    wrap(os, "write", halfway=True)
    wrap(os, "fsync")
    wrap(os, "close")
    wrap(os, "replace")
    wrap(Path, "write_bytes")
    wrap(Path, "read_bytes")


@posix_only
@pytest.mark.slow  # kills hundreds of saves; `pytest -m "not slow"` skips it, CI runs it
def test_killed_at_every_step_of_a_save_the_file_is_old_or_new(tmp_path, versions):
    path = tmp_path / "large.svcmodel"
    (old, old_bytes), (new, new_bytes) = versions
    outcomes = []
    for point in itertools.count(1):
        write_model(path, old)
        pid = os.fork()
        if pid == 0:
            try:
                _die_at(point)
                write_model(path, new)
            finally:
                os._exit(0)
        status = reap(pid)
        assert_old_or_new(path, versions)
        outcomes.append("new" if path.read_bytes() == new_bytes else "old")
        if status == 0:  # the save ran to the end without meeting the kill point
            assert path.read_bytes() == new_bytes
            break
        assert status == -signal.SIGKILL
        assert point < 100, "the save never finished"
    # Both outcomes happen: a kill before the swap keeps the old file, after it the new one.
    assert outcomes[0] == "old" and outcomes[-1] == "new", outcomes
    assert len(outcomes) >= 10, f"only {len(outcomes)} steps were tried"  # 9 calls, 10 points
    for leftover in strays(tmp_path):
        os.utime(leftover, (time.time() - 3600,) * 2)
    clean_stray_temp_files(tmp_path)
    assert strays(tmp_path) == []


# --- a full disk, a read-only folder, a locked file -----------------------------------------

FULL_DISK_CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {tests!r})
    from test_faults import large_model
    from models import SaveError, write_model
    try:
        write_model({path!r}, large_model())
    except SaveError as e:
        print(e)
        sys.exit(3)
""")


@posix_only
def test_full_disk_fails_the_save_with_a_clear_message_and_keeps_the_file(tmp_path):
    import resource

    path = tmp_path / "luton.svcmodel"
    from models.templates import load_template
    write_model(path, load_template("luton"))
    before = path.read_bytes()
    limit = 256 * 1024  # room for the backup copy, not for the 1 MB model

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    child = subprocess.run(
        [sys.executable, "-c", FULL_DISK_CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"),
                                                      path=str(path))],
        preexec_fn=small_disk, capture_output=True, text=True, timeout=120)
    assert child.returncode == 3, child.stderr
    message = child.stdout.strip()
    assert message.startswith("could not save luton.svcmodel: ")
    assert "not enough space" in message and "not changed" in message
    assert "\n" not in message
    assert path.read_bytes() == before
    assert strays(tmp_path) == []


def test_read_only_folder_fails_the_save_and_keeps_the_file(tmp_path, monkeypatch, versions):
    path = tmp_path / "large.svcmodel"
    write_model(path, versions[0][0])
    real_open = os.open

    def refused(file, *args, **kwargs):
        if Path(file).parent == tmp_path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(SaveError) as raised:
        write_model(path, versions[1][0])
    assert "read-only" in str(raised.value) and "not changed" in str(raised.value)
    monkeypatch.undo()
    assert path.read_bytes() == versions[0][1]
    assert strays(tmp_path) == []


def test_really_read_only_folder(tmp_path, versions):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "large.svcmodel"
    write_model(path, versions[0][0])
    newer = tmp_path / "newer.svcmodel"
    write_model(newer, versions[1][0])
    folder.chmod(0o555)
    try:
        result = save_as_plain_user(path, newer)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 3, result.stderr
    assert "not changed" in result.stdout
    assert path.read_bytes() == versions[0][1]
    assert strays(folder) == []


@pytest.fixture
def locked(monkeypatch):
    """os.replace refusing like Windows does while antivirus or OneDrive holds the file."""
    monkeypatch.setattr(fileio, "LOCK_RETRY_SECONDS", 0.001)
    real_replace = os.replace
    refusals = {"left": 0, "target": None, "tries": 0}

    def replace(source, target):
        if refusals["target"] in (None, Path(target)):
            refusals["tries"] += 1
            if refusals["left"] > 0:
                refusals["left"] -= 1
                raise PermissionError(13, "The process cannot access the file because it is "
                                          "being used by another process", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    return refusals


def test_locked_file_is_retried_until_it_is_free(tmp_path, locked, versions):
    path = tmp_path / "large.svcmodel"
    write_model(path, versions[0][0])
    locked.update(left=2, target=path, tries=0)
    write_model(path, versions[1][0])
    assert locked["tries"] == 3
    assert path.read_bytes() == versions[1][1]
    assert path.with_name(path.name + ".bak").read_bytes() == versions[0][1]
    assert strays(tmp_path) == []


@pytest.mark.parametrize("which", ["backup", "target"])
def test_file_locked_for_good_fails_the_save_and_keeps_the_file(tmp_path, locked, versions,
                                                                which):
    path = tmp_path / "large.svcmodel"
    write_model(path, versions[0][0])
    target = path if which == "target" else path.with_name(path.name + ".bak")
    locked.update(left=10**6, target=target, tries=0)
    with pytest.raises(SaveError) as raised:
        write_model(path, versions[1][0])
    assert locked["tries"] == fileio.LOCK_RETRIES
    assert "another program" in str(raised.value)
    assert path.read_bytes() == versions[0][1]
    assert strays(tmp_path) == []


def test_fresh_temp_files_of_a_save_in_progress_are_left_alone(tmp_path):
    abandoned = tmp_path / f"{TEMP_PREFIX}6f-m{TEMP_SUFFIX}"
    in_progress = tmp_path / f"{TEMP_PREFIX}de-m{TEMP_SUFFIX}"
    users_file = tmp_path / "c.svcmodel"
    for p in (abandoned, in_progress, users_file):
        p.write_bytes(b"{}")
    os.utime(abandoned, (time.time() - 3600,) * 2)
    os.utime(users_file, (time.time() - 3600,) * 2)
    assert clean_stray_temp_files(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([in_progress.name, "c.svcmodel"])


def test_an_inconsistent_model_is_never_written(tmp_path, versions):
    path = tmp_path / "large.svcmodel"
    write_model(path, versions[0][0])
    broken = versions[1][0].model_copy(deep=True)
    broken.pathways.append(Pathway(source="c0", target="no-such-component"))
    with pytest.raises(SaveError, match="not consistent"):
        write_model(path, broken)
    assert path.read_bytes() == versions[0][1]
    assert strays(tmp_path) == []


def test_a_bad_read_back_says_where_the_previous_version_is(tmp_path, monkeypatch, versions):
    # Something (a sync client, a failing disk) changes the file under us right after the swap.
    path = tmp_path / "large.svcmodel"
    write_model(path, versions[0][0])
    real_replace = os.replace

    def replace_then_spoil(source, target):
        real_replace(source, target)
        if Path(target) == path:
            path.write_bytes(b"{}")

    monkeypatch.setattr(os, "replace", replace_then_spoil)
    with pytest.raises(SaveError) as raised:
        write_model(path, versions[1][0])
    assert "large.svcmodel.bak" in str(raised.value) and "not changed" not in str(raised.value)
    assert path.with_name("large.svcmodel.bak").read_bytes() == versions[0][1]
