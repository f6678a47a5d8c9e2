"""Faults through the real window: failed saves (full disk, read-only folder), a crash while
modified (a killed app process) and the recovery prompt, and the bad-file corpus opened in the
window. Each must leave the user's file and the open document intact, with a dialog that says why.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from gui_files_helpers import (app_folders, docs, forget_recent_files, grab_question,  # noqa: F401
                               prompts, window)
from models import read_model, serialise, write_model
from models.recovery import RecoverySession, list_recoverable
from models.templates import load_template

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent / "data"))
from make_bad_corpus import GENERATED, write_generated  # noqa: E402

BAD = Path(__file__).parent / "data" / "bad"


def dump(model):
    return model.model_dump(exclude={"revisions"})


def saved_luton(folder: Path) -> Path:
    path = folder / "luton.svcmodel"
    write_model(path, load_template("luton"))
    return path


# --- failed saves ----------------------------------------------------------------------------

@pytest.fixture
def read_only_folder(monkeypatch):
    """Refuse to create files in a folder, as a read-only share does (tests run as root, so
    real permissions would not stop them)."""
    real_open = os.open
    refused: set[Path] = set()

    def checked_open(file, *args, **kwargs):
        if Path(file).parent in refused:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(os, "open", checked_open)
    return refused


def test_failed_save_keeps_document_modified_and_offers_save_as(window, prompts, docs,
                                                               read_only_folder, tmp_path):
    path = saved_luton(docs)
    window.open_file(str(path))
    before = path.read_bytes()
    window.doc.update_model({"title": "Edited before the failed save"})
    edited = dump(window.doc.model)
    read_only_folder.add(docs)

    prompts.answers = ["Cancel"]
    assert not window.save()
    [(kind, title, text)] = prompts.shown
    assert title == "Cannot save the file"
    assert "read-only" in text and "not changed" in text and "\n" not in text
    assert window.doc.is_modified() and window.isWindowModified()
    assert dump(window.doc.model) == edited and window.doc.model.revision == 1
    assert path.read_bytes() == before

    # The second time, the user takes the offered Save As.
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir()
    prompts.answers = ["Save As..."]
    prompts.save_as_paths.append(str(elsewhere / "luton edited.svcmodel"))
    assert window.save()
    # The name given when saving is the model's author now (issue 14: one author).
    assert dump(read_model(elsewhere / "luton edited.svcmodel")) == {**edited,
                                                                     "author": "Test Author"}
    assert not window.doc.is_modified()
    assert path.read_bytes() == before


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE (a simulated full disk) is POSIX")
def test_full_disk_and_read_only_through_the_window(window, prompts, docs, read_only_folder):
    import resource  # POSIX only: a module-level import stops the whole run on Windows

    path = saved_luton(docs)
    window.open_file(str(path))
    before = path.read_bytes()
    window.doc.update_model({"notes": "A long note. " * 500})
    edited = dump(window.doc.model)

    # A full disk: the process may write at most 4 kB to any file (write() then fails EFBIG).
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        prompts.answers = ["Cancel"]
        assert not window.save()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert "not enough space" in prompts.shown[-1][2]
    assert path.read_bytes() == before
    assert window.doc.is_modified() and dump(window.doc.model) == edited
    assert [p.name for p in docs.iterdir()] == ["luton.svcmodel"]  # no fragment, no temp file

    # A read-only folder.
    read_only_folder.add(docs)
    prompts.answers = ["Cancel"]
    assert not window.save()
    assert "read-only" in prompts.shown[-1][2]
    assert path.read_bytes() == before
    assert window.doc.is_modified() and dump(window.doc.model) == edited


# --- a crash while modified ------------------------------------------------------------------

# A real app process: the main window opens the file, is edited, and waits idle until its
# recovery copy is written; then the test kills it.
CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from designer.files import recovery_copies
    recovery_copies.recovery_folder = lambda: Path({folder!r})
    from designer.app import make_app
    from designer.main_window import MainWindow
    app = make_app()
    window = MainWindow()
    window.show()
    window.open_file({original!r}, ask=False)
    window.doc.update_model({{"title": "Luton, edited before the crash"}})
    window.doc.update_component(window.doc.model.components[0].id,
                                {{"name": "Self-referral (new online form)"}})
    print("edited", flush=True)
    app.exec()
""")


def edited_luton():
    model = load_template("luton")
    model.title = "Luton, edited before the crash"
    model.components[0].name = "Self-referral (new online form)"
    return model


def run_and_kill_app(tmp_path: Path, folder: Path, original: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp_path / "child-config"),
           "XDG_DATA_HOME": str(tmp_path / "child-data")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), folder=str(folder),
                                            original=str(original))],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "edited"
        deadline = time.monotonic() + 30
        while not list(folder.glob("*--*.svcmodel")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list(folder.glob("*--*.svcmodel")), "the app wrote no recovery copy"
        # The notes beside the copy come just after it.
        while not list(folder.glob("*--*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(folder.glob("*--*.json")), "the app wrote no notes beside its copy"
        assert list_recoverable(folder) == []  # a running app's copy is never offered
    finally:
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        child.wait(timeout=30)
        child.stdout.close()


def test_crash_while_modified_offers_recovery(window, prompts, docs, app_folders, tmp_path):
    original = saved_luton(docs)
    before = original.read_bytes()
    run_and_kill_app(tmp_path, app_folders, original)
    assert original.read_bytes() == before  # the copy was never written over the user's file

    prompts.answers = ["Restore"]
    window.files.copies.offer_recovery()
    [(kind, title, text)] = prompts.shown
    assert title == "Recover unsaved changes?"
    assert "Luton, edited before the crash" in text and str(original) in text
    assert time.strftime("%Y") in text  # when the copy was kept
    assert dump(window.doc.model) == dump(edited_luton())
    assert window.doc.path == original
    assert window.doc.is_modified() and window.isWindowModified()
    # The restored model is this session's copy now; the crashed session left nothing.
    assert [c.session_id for c in list_recoverable(app_folders)] == []
    assert len(list(app_folders.glob("*--*.svcmodel"))) == 1

    assert window.save()
    assert dump(read_model(original)) == {**dump(edited_luton()), "author": "Test Author"}
    assert list(app_folders.glob("*--*.svcmodel")) == []


def crashed_copy(folder: Path, original: Path | None) -> None:
    """A copy whose session is gone, as a crash leaves it (the lock of a dead process)."""
    session = RecoverySession(folder)
    session.write(edited_luton(), "1", original)
    session.lock_path.unlink()


def test_recovery_prompt_compare_then_discard(window, prompts, docs, app_folders, monkeypatch):
    original = saved_luton(docs)
    crashed_copy(app_folders, original)
    shown = []
    monkeypatch.setattr("designer.dialogs.compare.show_comparison",
                        lambda *args, **kwargs: shown.append(args))
    prompts.answers = ["Compare...", "Discard"]
    model_before = dump(window.doc.model)
    window.files.copies.offer_recovery()
    [(parent, old, new, heading)] = shown
    assert dump(old) == dump(load_template("luton")) and dump(new) == dump(edited_luton())
    assert "luton.svcmodel" in heading
    assert prompts.titles() == ["Recover unsaved changes?"] * 2
    assert list_recoverable(app_folders) == []
    assert dump(window.doc.model) == model_before


def test_recovery_prompt_as_shown(window, prompts, app_folders, monkeypatch, qtbot, tmp_path):
    """The real message box, grabbed to a PNG; Decide Later keeps the copy for next time."""
    crashed_copy(app_folders, None)
    seen = grab_question(monkeypatch,
                         str(tmp_path / "gui-faults-recovery-prompt.png"), "Decide Later",
                         window.files.copies.offer_recovery)
    assert "Luton, edited before the crash" in seen[0] and "not been saved" in seen[0]
    assert len(list_recoverable(app_folders)) == 1


# --- the bad-file corpus ---------------------------------------------------------------------

def test_bad_corpus_through_the_window(window, prompts, tmp_path):
    generated = tmp_path / "generated"
    generated.mkdir()
    write_generated(generated)
    files = sorted(BAD.iterdir()) + [generated / name for name in GENERATED]
    assert len(files) >= 30
    window.doc.update_model({"title": "The open model"})
    for path in files:
        before = serialise(window.doc.model)
        prompts.shown.clear()
        opened = window.open_file(str(path), ask=False)
        if path.name.startswith("loads-"):
            assert opened and prompts.shown == [], path.name
            window.doc.set_model(read_model(BAD / "loads-crlf.svcmodel"), None)
            window.doc.update_model({"title": "The open model"})
            continue
        assert not opened, path.name
        [(kind, title, text)] = prompts.shown
        assert (kind, title) == ("choose", "Cannot open the file"), path.name
        assert text.startswith(path.name + ":") and "\n" not in text, (path.name, text)
        assert "Traceback" not in text
        assert serialise(window.doc.model) == before, path.name
        assert window.doc.model.title == "The open model" and window.doc.is_modified()


def test_start_up_offers_copies_after_opening_the_file_given(prompts, docs, app_folders,
                                                            monkeypatch, qtbot):
    """designer.app.run: the file named on the command line opens first, then the copy a crash
    left is offered; Restore replaces it only because the user chose so."""
    from designer import app as app_module
    from designer.main_window import MainWindow

    crashed_copy(app_folders, docs / "luton.svcmodel")
    other = docs / "other.svcmodel"
    write_model(other, load_template("luton"))
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    prompts.answers = ["Restore"]
    started = []
    monkeypatch.setattr(app_module, "MainWindow",
                        lambda: started.append(MainWindow()) or started[-1])
    assert app_module.run([str(other)]) == 0
    [window] = started
    qtbot.addWidget(window)
    assert prompts.titles() == ["Recover unsaved changes?"]
    assert dump(window.doc.model) == dump(edited_luton()) and window.doc.is_modified()
