"""designer.app.run: a second launch hands its file to the running app and exits; the running
app opens forwarded files in windows of their own."""

from __future__ import annotations

from designer import app as app_module
from designer.main_window import MainWindow
from models import write_model
from models.templates import load_template


class Secondary:
    """Stands in for the running app's socket: this process is not the primary one."""
    sent: list[list[str]] = []

    def __init__(self, app_id, parent=None):
        pass

    def is_primary(self):
        return False

    def send_paths(self, paths):
        Secondary.sent.append(paths)
        return True


def test_a_second_launch_forwards_its_file_and_starts_no_window(qapp, monkeypatch, tmp_path):
    monkeypatch.delenv("SMD_NO_SINGLE_INSTANCE")
    monkeypatch.setattr(app_module, "SingleInstance", Secondary)
    monkeypatch.setattr(MainWindow, "__init__", lambda *a: (_ for _ in ()).throw(
        AssertionError("no window should open")))
    assert app_module.run([str(tmp_path / "x.svcmodel")]) == 0
    assert Secondary.sent == [[str(tmp_path / "x.svcmodel")]]


def test_forwarded_files_open_in_new_windows(qtbot, tmp_path):
    path = tmp_path / "luton.svcmodel"
    write_model(path, load_template("luton"))
    before = list(app_module._WINDOWS)
    app_module.open_windows([str(path)])
    new = [w for w in app_module._WINDOWS if w not in before]
    assert len(new) == 1 and new[0].doc.path == path
    for window in new:
        qtbot.addWidget(window)
        window.doc.undo_stack.setClean()
