"""Recovery copies survive a killed app and are offered, restored or discarded at the next start."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from models import ModelFileError, serialise
from models.recovery import (RecoverySession, discard, list_recoverable, process_state,
                             restore)
from models.templates import load_template

ROOT = Path(__file__).resolve().parent.parent

# The child edits the Luton template the same way `edited_luton()` does, writes a recovery
# copy, says so, and waits to be killed.
CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from models.recovery import RecoverySession
    from models.templates import load_template
    model = load_template("luton")
    model.title = "Luton, edited before the crash"
    model.components[0].name = "Self-referral (new online form)"
    session = RecoverySession({folder!r})
    session.write(model, document="7", original={original!r})
    print(session.session_id, flush=True)
    time.sleep(120)
""")


def edited_luton():
    model = load_template("luton")
    model.title = "Luton, edited before the crash"
    model.components[0].name = "Self-referral (new online form)"
    return model


def test_copy_of_a_killed_session_is_offered_and_restores_the_edited_model(tmp_path):
    folder = tmp_path / "recovery"
    original = tmp_path / "docs" / "luton.svcmodel"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), folder=str(folder),
                                            original=str(original))],
        stdout=subprocess.PIPE, text=True)
    try:
        session_id = child.stdout.readline().strip()
        assert session_id, "the child did not write its recovery copy"
        assert list_recoverable(folder) == []  # a running session's copy is not offered
    finally:
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        child.wait(timeout=30)
        child.stdout.close()

    [copy] = list_recoverable(folder)
    assert copy.session_id == session_id and copy.document == "7"
    assert copy.title == "Luton, edited before the crash"
    assert copy.original == original
    assert abs(copy.saved_at.timestamp() - time.time()) < 120
    assert serialise(restore(copy)) == serialise(edited_luton())

    # The next session adopts it: its own copy holds the model before the old one goes.
    with RecoverySession(folder) as session:
        model = session.adopt(copy)
        assert model.title == copy.title
        assert session.copy_path().read_bytes() == serialise(edited_luton())
        assert list_recoverable(folder) == []  # adopted, and this session is running
        assert not (folder / f"{session_id}.lock").exists()
    assert sorted(p.name for p in folder.iterdir()) == []  # a clean close leaves nothing


def test_clean_save_and_close_delete_the_copy(tmp_path):
    session = RecoverySession(tmp_path)
    model = load_template("luton")
    path = session.write(model, document="1")
    session.write(model, document="2")
    assert path.exists() and path.parent == tmp_path
    session.discard("1")  # the document was saved
    assert not path.exists() and session.copy_path("2").exists()
    session.close()
    assert list(tmp_path.iterdir()) == []


def dead_session(folder: Path, lock: dict, title="Dead session's model"):
    """Files as a crashed session leaves them, with a lock saying `lock`."""
    folder.mkdir(parents=True, exist_ok=True)
    sid = f"20260101-000000-{lock.get('pid', 0)}-abcdef"
    (folder / f"{sid}.lock").write_text(json.dumps(lock))
    model = load_template("luton")
    model.title = title
    (folder / f"{sid}--1.svcmodel").write_bytes(serialise(model))
    return sid


def test_a_reused_pid_does_not_hide_a_crashed_session(tmp_path):
    # Our own pid is alive, but the lock says its process started an hour earlier: after a
    # reboot the pid belongs to someone else, so the session that wrote the lock is gone.
    alive, started = process_state(os.getpid())
    assert alive
    if started is None:
        pytest.skip("this platform does not report process start times")
    sid = dead_session(tmp_path, {"pid": os.getpid(), "process_started": started - 3600})
    [copy] = list_recoverable(tmp_path)
    assert copy.session_id == sid
    assert copy.title == "Dead session's model"  # no info file: read from the copy itself
    assert copy.original is None


def test_a_running_session_with_the_same_pid_is_not_offered(tmp_path):
    alive, started = process_state(os.getpid())
    dead_session(tmp_path, {"pid": os.getpid(), "process_started": started,
                            "host": socket.gethostname()})
    assert list_recoverable(tmp_path) == []


def test_discard_removes_the_copy_and_the_ended_sessions_lock(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True)
    sid = dead_session(tmp_path, {"pid": int(finished.stdout)})  # that process has ended
    [copy] = list_recoverable(tmp_path)
    discard(copy)
    assert list(tmp_path.iterdir()) == []
    assert list_recoverable(tmp_path) == []
    assert sid


def test_unreadable_copy_is_listed_so_it_can_be_discarded(tmp_path):
    sid = dead_session(tmp_path, {"pid": 0})
    (tmp_path / f"{sid}--1.svcmodel").write_bytes(b'{"format": "service-model", "vers')
    [copy] = list_recoverable(tmp_path)
    assert copy.title.startswith("(unreadable:")
    with pytest.raises(ModelFileError):
        restore(copy)
    discard(copy)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_and_stale_locks(tmp_path):
    assert list_recoverable(tmp_path / "nowhere") == []
    (tmp_path / "x.lock").write_text("{broken")
    assert list_recoverable(tmp_path) == []
    assert not (tmp_path / "x.lock").exists()  # an ended session with no copies: tidied


def test_a_copy_records_the_original_files_stamp_and_adopting_keeps_it(tmp_path):
    """What the original file was when the session read it travels with the copy, so a
    restored document can tell whether someone saved the file after the crash."""
    folder = tmp_path / "recovery"
    stamp = {"mtime_ns": 1_764_000_000_123_456_789, "size": 4321, "sha256": "ab" * 32}
    crashed = RecoverySession(folder)
    crashed.write(edited_luton(), "1", tmp_path / "luton.svcmodel", stamp)
    crashed.lock_path.unlink()  # the process died
    [copy] = list_recoverable(folder)
    assert copy.original_stamp == stamp
    with RecoverySession(folder) as session:
        session.adopt(copy)
        notes = json.loads(session.copy_path().with_suffix(".json").read_text())
        assert notes["original_stamp"] == stamp


def test_a_copy_without_a_stamp_still_restores_with_the_stamp_unknown(tmp_path):
    # An older app wrote notes with no stamp; a damaged stamp counts as unknown too.
    for notes_stamp in (None, {"mtime_ns": "soon", "size": 1, "sha256": "x"}):
        folder = tmp_path / str(bool(notes_stamp))
        sid = dead_session(folder, {"pid": 0}, title="Older copy")
        notes = {"original": str(tmp_path / "luton.svcmodel"), "title": "Older copy",
                 "saved_at": "2026-01-01T00:00:00+00:00"}
        if notes_stamp:
            notes["original_stamp"] = notes_stamp
        (folder / f"{sid}--1.json").write_text(json.dumps(notes))
        [copy] = list_recoverable(folder)
        assert copy.original_stamp is None and copy.original == tmp_path / "luton.svcmodel"
        assert restore(copy).title == "Older copy"
