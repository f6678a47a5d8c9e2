"""Saving where Windows is awkward (issue 19, items 2 and 5): a file another process holds open
(OneDrive, antivirus, a colleague over a share), and paths near Windows' 260-character limit.

A second process really holds the file. On Windows its open handle (no FILE_SHARE_DELETE) makes
ReplaceFileW/MoveFileEx fail with a sharing violation by itself; on Linux, where a rename never
minds open handles, the child takes an flock and the replace step refuses while it is held,
as Windows would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models import SaveError, read_model, write_model
from models import fileio, winfile
from models.fileio import TEMP_SUFFIX, write_bytes_atomically
from models.templates import load_template

HOLDER = textwrap.dedent("""
    import sys
    f = open(sys.argv[1], "rb")
    try:
        import fcntl
        fcntl.flock(f, fcntl.LOCK_EX)
    except ImportError:
        pass  # Windows: the open handle alone blocks the replace
    print("held", flush=True)
    sys.stdin.readline()  # until the test says let go
    f.close()
    print("released", flush=True)
    sys.stdin.readline()
""")


@pytest.fixture
def holder(monkeypatch):
    """Start a process holding a file: holder(path) -> the child, released by writing a line."""
    children = []
    if sys.platform != "win32":
        import fcntl
        real = fileio.replace_file

        def replace_unless_held(source, target):
            if not Path(target).exists():
                return real(source, target)
            with open(target, "rb") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise PermissionError(13, "The process cannot access the file because it "
                                          "is being used by another process", str(target))
                fcntl.flock(probe, fcntl.LOCK_UN)
            real(source, target)
        monkeypatch.setattr(fileio, "replace_file", replace_unless_held)

    def start(path: Path) -> subprocess.Popen:
        child = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        children.append(child)
        assert child.stdout.readline().strip() == "held"
        return child
    yield start
    for child in children:
        child.kill()
        child.wait(timeout=30)
        child.stdin.close()
        child.stdout.close()


def release(child: subprocess.Popen) -> None:
    child.stdin.write("\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "released"


def temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "LOCK_RETRY_SECONDS", 0.01)
    # SMD_SAVE_FOLDER: another place to try it, such as \\localhost\smd on Windows CI.
    base = Path(os.environ["SMD_SAVE_FOLDER"]) / tmp_path.name if os.environ.get(
        "SMD_SAVE_FOLDER") else tmp_path
    folder = base / "OneDrive - Luton Borough Council" / "Commissioning"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "luton.svcmodel"
    write_model(path, load_template("luton"))
    changed = load_template("luton")
    changed.title = "Changed while OneDrive held it"
    return path, path.read_bytes(), changed


def test_a_file_held_briefly_is_saved_once_it_is_let_go(saved, holder):
    path, _, changed = saved
    child = holder(path)
    said = []

    def waiting(text):
        said.append(text)
        if len(said) == 2:  # held through two tries, then OneDrive lets go
            release(child)
    write_model(path, changed, waiting=waiting)
    assert len(said) == 2
    assert said[0] == "Waiting for OneDrive to release luton.svcmodel…"
    assert read_model(path).title == "Changed while OneDrive held it"
    assert temp_files(path.parent) == []


def test_a_file_held_for_good_fails_clearly_and_loses_nothing(saved, holder):
    path, before, changed = saved
    holder(path)
    said = []
    with pytest.raises(SaveError) as raised:
        write_model(path, changed, waiting=said.append)
    assert len(said) == fileio.LOCK_RETRIES - 1  # every retry said it was waiting
    message = str(raised.value)
    assert "in use by another program" in message and "The file on disk was not changed" in message
    assert path.read_bytes() == before
    assert temp_files(path.parent) == []


def test_the_waiting_words_name_who_probably_holds_the_file():
    assert "the share" in winfile.waiting_words(Path("\\\\fs01\\commissioning\\luton.svcmodel"))
    assert "OneDrive" in winfile.waiting_words(Path("/x/SharePoint/Team/luton.svcmodel"))
    assert "antivirus" in winfile.waiting_words(Path("/home/jo/luton.svcmodel"))


def test_temporary_names_are_short_and_end_tmp_whatever_the_file_is_called(tmp_path):
    long_name = "Luton and Bedford joint drug and alcohol treatment model 2026 to 2031 " * 2
    assert len(fileio.temp_name("m")) < 20 and fileio.temp_name("m").endswith(".tmp")
    assert fileio.temp_name("m") != fileio.temp_name("b")
    write_model(tmp_path / f"{long_name.strip()[:150]}.svcmodel", load_template("luton"))
    assert temp_files(tmp_path) == []


# --- item 5: a path over Windows' limit is refused up front, naming the path ------------------
def deep_folder(root: Path, length: int) -> Path:
    """A folder whose full path is `length` characters, like a synced SharePoint library."""
    folder = root
    while len(str(folder)) < length - 40:
        folder = folder / "Commissioning - Substance Misuse"
    folder = folder / ("x" * (length - len(str(folder)) - 1))
    folder.mkdir(parents=True)
    assert len(str(folder)) == length
    return folder


def test_a_path_over_260_characters_is_refused_before_anything_is_written(tmp_path,
                                                                        monkeypatch):
    monkeypatch.setattr(winfile, "path_limit", lambda: winfile.WINDOWS_MAX_PATH)
    folder = deep_folder(tmp_path, 240)
    path = folder / "Luton treatment model.svcmodel"  # 271 characters
    with pytest.raises(SaveError) as raised:
        write_model(path, load_template("luton"))
    message = str(raised.value)
    assert "path is too long" in message and str(path) in message
    assert "Nothing was written" in message
    assert list(folder.iterdir()) == []
    with pytest.raises(OSError, match="path is too long"):
        write_bytes_atomically(path, b"{}")


def test_the_backup_counts_towards_the_limit_and_a_short_name_fits(tmp_path, monkeypatch):
    monkeypatch.setattr(winfile, "path_limit", lambda: winfile.WINDOWS_MAX_PATH)
    folder = deep_folder(tmp_path, 240)
    fits = folder / ("m" * (259 - 241 - len(".svcmodel")) + ".svcmodel")  # exactly 259
    write_model(fits, load_template("luton"), keep_backup=False)
    with pytest.raises(SaveError) as raised:  # its .bak would be 263 characters
        write_model(fits, load_template("luton"))
    assert str(fits) + ".bak" in str(raised.value)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has the limit")
def test_no_limit_is_checked_off_windows(tmp_path):
    assert winfile.path_limit() is None
    assert winfile.too_long([tmp_path / ("x" * 300)]) is None


def test_their_version_names_are_capped_by_the_full_path(tmp_path):
    from models.disk import name_beside
    folder = deep_folder(tmp_path, 150)
    path = folder / "Luton and Bedford joint drug and alcohol treatment model 2026.svcmodel"
    kept = name_beside(path, "their version, revision 12, saved 2026-12-06 1042")
    assert len(os.path.abspath(kept)) + len(" 999") <= winfile.WINDOWS_MAX_PATH
    assert kept.name.endswith("(their version, revision 12, saved 2026-12-06 1042).svcmodel")
    assert kept.name.startswith("Luton")
