"""Log-off or an upgrade with unsaved changes (issue 19, item 6): Qt's commit-data request
writes the recovery copy silently and the window then closes without "Save changes?"."""

from __future__ import annotations

import sys

import pytest

from designer import session_end
from gui_files_helpers import (app_folders, docs, forget_recent_files, prompts,  # noqa: F401
                               window)
from models import read_model, write_model
from models.templates import load_template


def test_log_off_writes_the_recovery_copy_and_closes_without_asking(window, prompts, docs,
                                                                     app_folders):
    path = docs / "luton.svcmodel"
    write_model(path, load_template("luton"))
    before = path.read_bytes()
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Edited before log-off"})
    window.files.copies.set_autosave(False)  # even with recovery copies switched off

    assert session_end.commit_data([window]) == 1
    assert window.close()  # as Qt closes every window once the data is committed
    assert prompts.shown == []  # no "Save changes?" to stall the log-off
    [copy] = [p for p in app_folders.glob("*.svcmodel")]
    assert read_model(copy).title == "Edited before log-off"
    assert path.read_bytes() == before  # the user's file is theirs to save next time
    window.files.copies.set_autosave(True)


def test_an_unmodified_window_writes_nothing(window, prompts, app_folders):
    assert session_end.commit_data([window]) == 0
    assert window.close() and prompts.shown == []
    assert list(app_folders.glob("*.svcmodel")) == []


@pytest.mark.skipif(sys.platform == "win32", reason="registers for real on Windows")
def test_restart_registration_is_windows_only():
    assert session_end.register_restart() is False
