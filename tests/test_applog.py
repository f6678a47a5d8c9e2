"""The log file: a bug anywhere is written down with its traceback, and the user is told where."""

from __future__ import annotations

import logging.handlers
import sys
from pathlib import Path

import pytest

import main
from models import applog


@pytest.fixture
def fresh_log(tmp_path, monkeypatch):
    """The log in a folder of the test's own, with no handler left from an earlier test."""
    def drop_handlers():
        for handler in list(applog.log.handlers):
            if isinstance(handler, logging.handlers.RotatingFileHandler):
                applog.log.removeHandler(handler)
                handler.close()
    drop_handlers()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "data"))
    yield applog.log_path()
    drop_handlers()


def test_a_bug_in_a_command_is_one_line_that_names_the_log_file(fresh_log, capsys, monkeypatch):
    import models.checks

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug, not the user's fault")
    monkeypatch.setattr(models.checks, "run_checks", broken)
    template = Path(__file__).parents[1] / "resources" / "templates" / "luton.svcmodel"
    assert main.main(["check", str(template)]) == main.EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "unexpected problem: ZeroDivisionError" in err and str(fresh_log) in err
    logged = fresh_log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged and "def broken" not in logged
    assert "in broken" in logged and "main.py check" in logged


def test_a_log_folder_that_cannot_be_made_is_said_not_hidden(tmp_path, monkeypatch):
    for handler in list(applog.log.handlers):
        applog.log.removeHandler(handler)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder would go")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    monkeypatch.setenv("LOCALAPPDATA", str(blocker))
    assert applog.setup_logging() is None
    assert applog.where_logged(None) == "The details could not be written to a log file."


def test_the_log_folder_is_qts_app_data_folder(qapp, monkeypatch, tmp_path):
    from designer.platform import app_data_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    old = qapp.applicationName(), qapp.organizationName()
    qapp.setApplicationName(applog.APP_NAME)
    qapp.setOrganizationName(applog.APP_NAME)
    try:
        assert applog.app_data_dir() == app_data_dir()
    finally:
        qapp.setApplicationName(old[0])
        qapp.setOrganizationName(old[1])


def test_a_bug_in_the_window_is_logged_and_told_in_plain_words(fresh_log, qapp, monkeypatch):
    from designer import messages, unexpected

    told = []
    monkeypatch.setattr(messages, "choose",
                        lambda parent, title, text, buttons, *a, **k: told.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    unexpected.install()
    try:
        raise KeyError("<b>not bold</b>")
    except KeyError as e:
        sys.excepthook(type(e), e, e.__traceback__)
    assert len(told) == 1
    assert "Your model is still open" in told[0] and str(fresh_log) in told[0]
    assert "Traceback (most recent call last)" in fresh_log.read_text(encoding="utf-8")


def test_help_opens_the_log_folder(qtbot, fresh_log, monkeypatch):
    from PySide6.QtGui import QAction, QDesktopServices

    from designer.main_window import MainWindow

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = MainWindow()
    qtbot.addWidget(window)
    window.findChild(QAction, "act-open-log-folder").trigger()
    assert [Path(url.toLocalFile()) for url in opened] == [fresh_log.parent]
    assert fresh_log.parent.is_dir()
