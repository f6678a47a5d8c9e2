"""Fixtures shared by tests/test_gui_files.py and tests/test_gui_faults.py: a real main window
whose dialogs are answered by the test, private settings, and app folders under tmp_path."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

import designer.files.share
from designer import messages
from designer.files import recovery_copies
from designer.files import safety as file_safety
from designer.main_window import MainWindow
from models.winpaths import is_temporary_location
from conftest import answer_modal, show_window


class Prompts:
    """Records every dialog; answers `choose` boxes from `answers` (else Discard where offered, or the first button),
    Save As from `save_as_paths`, and the save summary with `summary`."""

    def __init__(self):
        self.shown: list[tuple[str, str, str]] = []  # (kind, title, text)
        self.answers: list[str | None] = []
        self.save_as_paths: list[str] = []
        self.save_as_starts: list[str] = []
        self.summary: tuple[str, str] | None = ("Test Author", "")
        self.opened_urls: list[str] = []

    def choose(self, parent, title, text, buttons, icon=None, detail=""):
        self.shown.append(("choose", title, text))
        default = "Discard" if "Discard" in buttons else buttons[0]  # never lose, never block
        answer = self.answers.pop(0) if self.answers else default
        assert answer is None or answer in buttons, (answer, buttons)
        return answer

    def titles(self, kind: str | None = None) -> list[str]:
        return [t for k, t, _ in self.shown if kind in (None, k)]


@pytest.fixture(autouse=True)
def forget_recent_files(private_settings):
    QSettings().remove("files")


@pytest.fixture(autouse=True)
def app_folders(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(recovery_copies, "recovery_folder", lambda: tmp_path / "recovery")
    monkeypatch.setattr(designer.files.share, "share_root", lambda: tmp_path / "share")
    return tmp_path / "recovery"


@pytest.fixture
def docs() -> Path:
    """A documents folder that the app does not count as temporary: files in the system's
    temporary folder count as opened from an email and open with the save-elsewhere banner.
    The home folder, unless it is itself inside the temporary folder (as on some CI
    machines), else a folder beside the tests."""
    for place in (Path.home(), Path(__file__).parent / ".documents"):
        if not is_temporary_location(place / "folder" / "model.svcmodel"):
            place.mkdir(exist_ok=True)
            break
    folder = Path(tempfile.mkdtemp(prefix="smd-docs-", dir=place))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def prompts(monkeypatch) -> Prompts:
    p = Prompts()
    monkeypatch.setattr(messages, "choose", p.choose)
    monkeypatch.setattr(file_safety, "ask_summary", lambda parent, name, author="": p.summary)

    def save_name(parent, caption, start, *args, **kwargs):
        p.save_as_starts.append(start)
        return (p.save_as_paths.pop(0) if p.save_as_paths else ""), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)

    def open_url(url):
        p.opened_urls.append(url.toLocalFile())
        return True
    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return p


@pytest.fixture
def window(qtbot, prompts):
    return show_window(qtbot, MainWindow())


REAL_CHOOSE = messages.choose  # before any test patches it


def grab_question(monkeypatch, png: str, click: str, action) -> list[str]:
    """Show the real message box while `action` runs, save it as `png`, click `click`."""
    monkeypatch.setattr(messages, "choose", REAL_CHOOSE)
    seen = []

    def answer(box):
        box.grab().save(png)
        seen.append(box.text() + "\n" + box.informativeText())
        seen.append([b.text() for b in box.buttons() if b.isVisible()])
        next(b for b in box.buttons() if b.text() == click).click()
    poller = answer_modal(answer, QMessageBox)
    try:
        action()
    finally:
        poller.stop()  # asked nothing: nothing later may be answered in its place
    return seen
