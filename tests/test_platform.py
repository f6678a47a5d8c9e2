"""Per-user data folder and the UI font (designer/platform.py)."""

import sys

import pytest
from PySide6.QtGui import QFontInfo

from designer.platform import WINDOWS_FONT, app_data_dir, ui_font


@pytest.fixture
def named_app(qapp):
    old = qapp.applicationName(), qapp.organizationName()
    qapp.setApplicationName("Service Model Designer")
    qapp.setOrganizationName("Service Model Designer")
    yield qapp
    qapp.setApplicationName(old[0])
    qapp.setOrganizationName(old[1])


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME is the Linux rule")
def test_app_data_dir_is_per_user_and_created(named_app, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data home"))
    folder = app_data_dir()
    assert folder == tmp_path / "data home" / "Service Model Designer" / "Service Model Designer"
    assert folder.is_dir()
    assert app_data_dir() == folder  # a second call finds it


def test_ui_font_is_usable(named_app, monkeypatch):
    font = ui_font()
    assert QFontInfo(font).family()  # resolves to a real font on this machine
    assert font.pointSizeF() > 0
    monkeypatch.setattr(sys, "platform", "win32")
    windows = ui_font()
    assert windows.families()[0] == WINDOWS_FONT
    assert len(windows.families()) == 2  # and the system font behind it
    assert QFontInfo(windows).family()  # falls back cleanly where Segoe UI is not installed
