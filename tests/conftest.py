"""Shared test set-up: Qt runs offscreen, and small helpers to build models by hand."""

import os
import sys
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every app a test starts stands alone: otherwise the first would receive the files of the
# next (designer/app.py forwards a second launch's files to the running app).
os.environ["SMD_NO_SINGLE_INSTANCE"] = "1"
# The app's own data folder (recovery copies, shared email drafts, the log) goes to a fresh
# folder per test run, never the user's: a window left modified writes a recovery copy there.
# Linux reads XDG_DATA_HOME; models/applog.py reads LOCALAPPDATA on Windows, but Qt there asks
# the shell for the folder and ignores the environment, so its test mode is switched on below.
_DATA = tempfile.mkdtemp(prefix="smd-test-data-")
os.environ["XDG_DATA_HOME"] = _DATA
if sys.platform == "win32":
    os.environ["LOCALAPPDATA"] = _DATA


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    """Window geometry, recent files and the like go to the run's own folder, never the user's.
    An INI file, not the native format: on Windows that is the registry, which setPath cannot
    move."""
    from PySide6.QtCore import QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.getbasetemp() / "settings"))
    if sys.platform == "win32":
        QStandardPaths.setTestModeEnabled(True)  # %LOCALAPPDATA%\qttest, not the user's data
    QApplication.setOrganizationName("Service Model Designer tests")


_MODAL_POLLERS: list = []


def answer_modal(act, kind=None):
    """Run `act(dialog)` on the next modal dialog (of type `kind`) once it is shown.

    Polls every 20 ms until then; every poller stops when its test ends (see
    `_stop_modal_pollers`), so a test that failed before its dialog appeared cannot answer
    some later test's dialog."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    timer = QTimer()
    timer.setInterval(20)

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or (kind is not None and not isinstance(dialog, kind)):
            return
        timer.stop()
        act(dialog)
    timer.timeout.connect(poll)
    timer.start()
    _MODAL_POLLERS.append(timer)
    return timer


@pytest.fixture(autouse=True)
def _stop_modal_pollers():
    yield
    while _MODAL_POLLERS:
        _MODAL_POLLERS.pop().stop()


def show_window(qtbot, window, width: int = 1400, height: int = 900):
    """A real main window on the offscreen screen, closed by qtbot after the test."""
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    if hasattr(window, "doc"):  # the window runs its document's first check after it paints
        qtbot.waitUntil(lambda: window.doc.checked)
    return window


@pytest.fixture
def luton_window(qtbot, monkeypatch):
    """The main window on the Luton template's three-lot plan (the real decision); questions
    answer Discard where offered, else their first button."""
    from designer import messages
    from designer.document import Document
    from designer.main_window import MainWindow
    from models.templates import load_template

    monkeypatch.setattr(messages, "choose",
                        lambda parent, title, text, buttons, *a, **k:
                        "Discard" if "Discard" in buttons else buttons[0])
    model = load_template("luton")
    model.active_plan = "three-lots"
    doc = Document(model)
    yield show_window(qtbot, MainWindow(doc), 1400, 900)
    # The document outlives the window here: keep its signals from reaching deleted actions.
    doc.blockSignals(True)
    doc.undo_stack.blockSignals(True)


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


FLOW_KEYS = {"annual_referrals", "capacity", "episode_months", "completion_percent"}


def without_flow_figures(raw: dict) -> dict:
    """A template's JSON with its illustrative demand and capacity figures taken out, for tests
    that set their own figures (or need none) and must not depend on the template's."""
    for component in raw["components"]:
        for key in FLOW_KEYS:
            component.pop(key, None)
    for pathway in raw["pathways"]:
        pathway.pop("share_percent", None)
    return raw
