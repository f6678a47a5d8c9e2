"""The file changes under the open window: a colleague saves while our Save question is open,
the file is made read-only, its folder is deleted. Through the real window and real files."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from designer.files import safety as file_safety
from designer.files.safety import SummaryDialog
from gui_files_helpers import (app_folders, docs, forget_recent_files, prompts,  # noqa: F401
                               window)
from models import SaveError, read_model, with_revision, write_model
from models.fileio import FileChangedError
from models.templates import load_template

REAL_ASK_SUMMARY = file_safety.ask_summary  # before the prompts fixture answers it


def saved_luton(folder: Path) -> Path:
    path = folder / "luton.svcmodel"
    write_model(path, with_revision(load_template("luton"), "Ana Patel", "First draft"))
    return path


def colleague_saves(path: Path) -> bytes:
    theirs = read_model(path)
    theirs.title = "Their version"
    write_model(path, with_revision(theirs, "Priya Shah", "Added detox lot"))
    return path.read_bytes()


@pytest.fixture
def summary_answered_after_colleague_saves(monkeypatch, prompts):
    """The real summary question: while it is open, a colleague saves the file; then we
    type a summary and press Save. Records how often it was asked."""
    asked = []

    def ask(parent, name, author=""):
        def answer():
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, SummaryDialog):
                QTimer.singleShot(20, answer)
                return
            asked.append(colleague_saves(parent.doc.path))
            dialog.summary.setText("Our change")
            dialog.accept()
        QTimer.singleShot(20, answer)
        return REAL_ASK_SUMMARY(parent, name, author)
    monkeypatch.setattr(file_safety, "ask_summary", ask)
    return asked


def test_a_colleague_saving_while_the_question_is_open_is_not_overwritten(
        window, prompts, docs, summary_answered_after_colleague_saves):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    prompts.answers = ["Overwrite"]
    assert window.save()

    [theirs] = summary_answered_after_colleague_saves  # the question was asked once only
    assert prompts.titles() == ["File changed on disk"]
    [kept] = [p for p in docs.glob("*.svcmodel") if "their version" in p.name]
    assert kept.read_bytes() == theirs  # their save survives as its own file
    ours = read_model(path)
    assert ours.title == "Our version" and ours.revisions[-1].summary == "Our change"
    assert ours.revision == 4  # after theirs (3), not a second revision 3
    assert read_model(kept).title == "Their version"


def test_cancel_at_the_changed_on_disk_question_leaves_their_save(
        window, prompts, docs, summary_answered_after_colleague_saves):
    path = saved_luton(docs)
    first = path.read_bytes()
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    prompts.answers = ["Cancel"]
    assert not window.save()
    [theirs] = summary_answered_after_colleague_saves
    assert path.read_bytes() == theirs
    assert path.with_name(path.name + ".bak").read_bytes() == first  # their save's backup
    assert window.doc.is_modified() and window.doc.model.title == "Our version"
    assert [p.name for p in docs.iterdir() if p.name.startswith(".")] == []


def test_the_check_runs_just_before_the_rename(tmp_path):
    """write_model asks `unchanged` after the new bytes are written aside, before the
    rename: when it says no, nothing is written and no temporary file is left."""
    path = tmp_path / "luton.svcmodel"
    write_model(path, load_template("luton"))
    before = path.read_bytes()
    with pytest.raises(FileChangedError):
        write_model(path, with_revision(load_template("luton")), unchanged=lambda: False)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["luton.svcmodel"]


# --- a file made read-only after it was opened ---------------------------------------------

def make_read_only(path: Path) -> None:
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # 444, and the Windows attribute


def test_a_file_made_read_only_after_opening_offers_save_as(window, prompts, docs):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    assert window.files.banner.isHidden()
    make_read_only(path)
    before = path.read_bytes()
    window.doc.update_model({"title": "Our version"})
    prompts.answers = ["Cancel"]
    assert not window.save()
    assert prompts.titles() == ["Cannot save in place"]
    assert "read-only" in prompts.shown[0][2]
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o444  # not replaced by a 644 file
    assert window.doc.is_modified()
    assert not window.files.banner.isHidden()  # as when a read-only file is opened

    copy = docs / "luton copy.svcmodel"
    prompts.save_as_paths = [str(copy)]  # Save now goes straight to Save As
    assert window.save()
    assert read_model(copy).title == "Our version" and path.read_bytes() == before


def test_write_model_refuses_a_read_only_file_even_as_root(tmp_path):
    path = tmp_path / "luton.svcmodel"
    write_model(path, load_template("luton"))
    make_read_only(path)
    before = path.read_bytes()
    with pytest.raises(SaveError, match="read-only; use Save As.*not changed"):
        write_model(path, with_revision(load_template("luton")))
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["luton.svcmodel"]


# --- a deleted folder ----------------------------------------------------------------------

def test_a_deleted_folder_is_named_when_saving(window, prompts, docs):
    folder = docs / "Tender 2026"
    folder.mkdir()
    path = saved_luton(folder)
    assert window.open_file(str(path))
    shutil.rmtree(folder)
    window.doc.update_model({"title": "Our version"})
    prompts.answers = ["Cancel"]
    assert not window.save()
    [(_, title, text)] = prompts.shown
    assert title == "Cannot save the file"
    assert f"the folder {folder} no longer exists" in text
    assert "No such file" not in text and "Nothing was written." in text
    assert window.doc.is_modified()


@pytest.mark.skipif(os.name != "posix", reason="a file size limit stands in for a full disk")
def test_a_full_disk_on_a_new_file_does_not_speak_of_a_file_on_disk(tmp_path):
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    path = tmp_path / "new.svcmodel"
    child = (f"import sys; sys.path.insert(0, {str(root)!r})\n"
             "from models import SaveError, write_model\n"
             "from models.templates import load_template\n"
             f"try: write_model({str(path)!r}, load_template('luton'))\n"
             "except SaveError as e: print(e); sys.exit(3)\n")

    def small_disk():
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = subprocess.run([sys.executable, "-c", child], preexec_fn=small_disk,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    message = done.stdout.strip()
    assert "not enough space" in message and message.endswith("Nothing was written.")
    assert "file on disk" not in message
    assert not path.exists() and list(tmp_path.iterdir()) == []
