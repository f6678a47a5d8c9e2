"""Shared test set-up: Qt runs offscreen, and small helpers to build models by hand."""

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every app a test starts stands alone: otherwise the first would receive the files of the
# next (designer/app.py forwards a second launch's files to the running app).
os.environ["SMD_NO_SINGLE_INSTANCE"] = "1"
# The app's own data folder (recovery copies, shared email drafts) goes to a fresh folder per
# test run, never the user's: a window left modified writes a recovery copy there.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="smd-test-data-")


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    """Window geometry, recent files and the like go to the run's own folder, never the user's."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.getbasetemp() / "settings"))
    QApplication.setOrganizationName("Service Model Designer tests")


def show_window(qtbot, window, width: int = 1400, height: int = 900):
    """A real main window on the offscreen screen, closed by qtbot after the test."""
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture(scope="session", autouse=True)
def _release_clipboard():
    """Empty the clipboard before Python shuts down.

    The clipboard owns any QMimeData a test copied (the appraisal's Copy); left there, Qt's own
    exit handlers delete it after the interpreter is gone and the process segfaults at exit,
    which fails CI although every test passed."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()
