"""Issue 14: the first five minutes of a new commissioner, end to end, through the real window's
own actions and real key and mouse events: a blank model, eleven boxes by quick-add,
connections by drag and by Ctrl+K, layout, fit, lots, contract, funding, save, close, reopen.

Screenshots of each stage go to $SMD_JOURNEY_SHOTS when set (else the test's own folder). Run
it on a laptop-sized screen as well:
    QT_QPA_PLATFORM=xcb SMD_JOURNEY_SHOTS=out xvfb-run -s "-screen 0 1366x768x24" \\
        python -m pytest tests/test_journey.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from designer import messages
from designer.files import safety as file_safety
from designer.main_window import MainWindow
from models import read_model
from test_first_minutes import answer_next_dialog, boxes, on_screen, visible_rect

# (what to type in quick-add, the component's name as created)
ELEVEN = [("self referral", "Self-referral"), ("gp referral", "GP referral"),
          ("probation referral", "Probation referral"), ("access hub", "Access hub"),
          ("harm reduction", "Harm reduction"), ("adult treatment", "Adult treatment"),
          ("shared care", "Shared care"), ("inpatient detox", "Inpatient detox"),
          ("residential rehab", "Residential rehab"), ("recovery service", "Recovery service"),
          ("exit", "Exit")]
DRAGGED = [("Self-referral", "Access hub"), ("GP referral", "Access hub")]
BY_NAME = [("Probation referral", "Access hub"), ("Access hub", "Harm reduction"),
           ("Access hub", "Adult treatment"), ("Adult treatment", "Shared care"),
           ("Adult treatment", "Inpatient detox"), ("Adult treatment", "Residential rehab"),
           ("Inpatient detox", "Recovery service"), ("Residential rehab", "Recovery service"),
           ("Shared care", "Recovery service"), ("Harm reduction", "Adult treatment"),
           ("Recovery service", "Exit")]


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SMD_JOURNEY_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def documents() -> Path:
    """The user's own folder (outside /tmp, which counts as an attachment folder)."""
    folder = Path(tempfile.mkdtemp(prefix="smd-journey-", dir=Path.home()))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def activate(qtbot, window) -> None:
    """Keyboard shortcuts go to the active window; back from a dialog, make sure it is."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def press(qtbot, window, key, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    activate(qtbot, window)
    window.view.setFocus()
    QTest.keyClick(window.view, key, modifiers)


def ids_by_name(window) -> dict[str, str]:
    return {c.name: c.id for c in window.doc.model.components}


def quick_add(qtbot, window, text: str) -> None:
    search = window.palette.search
    QTest.mouseClick(search, Qt.MouseButton.LeftButton)  # click into the quick-add box
    search.setFocus()
    QTest.keyClicks(search, text)
    QTest.keyClick(search, Qt.Key.Key_Return)


def drag_connect(window, source: str, target: str) -> None:
    port = window.view.viewport()
    item = window.scene.components[source]
    start = on_screen(window, source, item.handle_centre())
    QTest.mouseMove(port, start)
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(port, on_screen(window, target))
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       on_screen(window, target))


def connect_by_name(qtbot, window, source: str, target_name: str) -> None:
    def choose(dialog):
        QTest.keyClicks(dialog.search, target_name)
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    window.scene.select_ids([source])
    activate(qtbot, window)
    window.view.setFocus()
    answer_next_dialog(choose)
    QTest.keyClick(window.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)


def click_boxes(window, component_ids: list[str]) -> None:
    """Select boxes as a user does: click the first, Ctrl+click the others."""
    port = window.view.viewport()
    for n, cid in enumerate(component_ids):
        QTest.mouseClick(port, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier if n else
                         Qt.KeyboardModifier.NoModifier, on_screen(window, cid))


def start(qtbot, window) -> None:
    """Show the window as the app does. The offscreen screen is 800x800, smaller than any
    council laptop: there the window takes a 1366x768 laptop's size instead."""
    area = window.screen().availableGeometry()
    if area.width() >= 1366 and area.height() >= 768:
        window.show_first()
        qtbot.waitExposed(window)
        assert window.width() <= area.width() and window.height() <= area.height()
    else:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
    qtbot.wait(50)  # the first fit happens once the window has its size


def every_box_in_view(window) -> bool:
    shown = visible_rect(window)
    return all(shown.contains(r) for r in boxes(window).values())


def test_first_five_minutes(qtbot, monkeypatch, shots, documents):
    monkeypatch.setattr(messages, "choose", lambda parent, title, text, buttons, *a, **k:
                        "Discard" if "Discard" in buttons else buttons[0])
    monkeypatch.setattr(file_safety, "ask_summary",
                        lambda parent, name, author="": ("Sam Jones", "First model"))
    path = documents / "my first model.svcmodel"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(path), ""))
    QSettings().remove("window")  # a first run, as the app starts it
    window = MainWindow()
    qtbot.addWidget(window)
    monkeypatch.setattr(window, "save_settings", lambda: None)  # later tests start afresh
    start(qtbot, window)

    # A blank model (Ctrl+N), then eleven boxes by quick-add.
    press(qtbot, window, Qt.Key.Key_N)
    assert window.doc.model.components == []
    for text, name in ELEVEN:
        quick_add(qtbot, window, text)
        assert window.doc.model.components[-1].name == name
    assert every_box_in_view(window)  # placed in their columns, the view keeps them all
    window.grab().save(str(shots / "1-eleven-boxes.png"))

    # Connections: two dragged from the dot, the rest by Ctrl+K and the name.
    ids = ids_by_name(window)
    for source, target in DRAGGED:
        drag_connect(window, ids[source], ids[target])
    for source, target in BY_NAME:
        connect_by_name(qtbot, window, ids[source], target)
    pairs = {(p.source, p.target) for p in window.doc.model.pathways}
    assert pairs == {(ids[a], ids[b]) for a, b in DRAGGED + BY_NAME}

    # Automatic Layout (Ctrl+L), Fit to Window (Ctrl+0): every box inside the view.
    press(qtbot, window, Qt.Key.Key_L)
    press(qtbot, window, Qt.Key.Key_0)
    assert every_box_in_view(window)
    assert window.scene.sceneRect().contains(window.scene.itemsBoundingRect())
    window.grab().save(str(shots / "2-laid-out-and-fitted.png"))

    # Two lots: the treatment services and the recovery service, selected by clicking.
    lots = window.lots
    window.docks["lots"].show()
    window.docks["lots"].raise_()
    click_boxes(window, [ids[n] for n in ("Access hub", "Harm reduction", "Adult treatment",
                                          "Shared care", "Inpatient detox",
                                          "Residential rehab")])
    lots.new_lot_action.trigger()
    click_boxes(window, [ids["Recovery service"]])
    lots.new_lot_action.trigger()
    treatment, recovery = window.doc.model.plan().lots
    assert len(treatment.components) == 6 and recovery.components == [ids["Recovery service"]]

    # Contract terms of the treatment lot: its annual value typed in.
    lots.select_lot(treatment.id)
    lots.contract_action.trigger()
    contract = lots.dialogs["contract"]
    qtbot.waitExposed(contract)
    value = contract.editor.annual_value
    value.setFocus()
    value.selectAll()
    QTest.keyClicks(value, "3200000")
    QTest.keyClick(value, Qt.Key.Key_Return)
    assert window.doc.model.plan().lots[0].contract.annual_value == 3_200_000
    qtbot.wait(100)
    contract.grab().save(str(shots / "3-contract.png"))
    contract.close()

    # Funding: no source yet, so nothing may say the lots are covered.
    window.findChild(type(window.act_undo), "act-funding").trigger()
    funding = lots.dialogs["funding"]
    qtbot.waitExposed(funding)
    window.doc.run_checks()
    funding.reload()
    assert "covers" not in funding.findings.text()
    source = funding.add_source("Public health grant", 3_000_000)
    funding.reload()
    funding.allocations.item(0, 0).setText("2.5m")  # typed into the cell
    window.doc.run_checks()
    funding.reload()
    said = funding.findings.text()
    assert "£2,500,000" in said and "£3,200,000" in said and "covers" not in said
    qtbot.wait(100)  # laid out before the picture
    funding.grab().save(str(shots / "4-funding.png"))
    funding.close()
    assert source in {s.id for s in window.doc.model.funding_sources}

    # Save (Ctrl+S asks where, the first time), close, reopen: the same model.
    press(qtbot, window, Qt.Key.Key_S)
    assert path.exists() and not window.doc.is_modified()
    assert window.doc.model.author == "Sam Jones"
    window.grab().save(str(shots / "5-saved.png"))
    saved = window.doc.model.model_dump()
    assert window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    monkeypatch.setattr(again, "save_settings", lambda: None)
    start(qtbot, again)
    assert again.open_file(str(path))
    assert again.doc.model.model_dump() == saved
    assert read_model(path).model_dump() == saved
    again.view.fit_to_window()
    assert every_box_in_view(again)
    again.grab().save(str(shots / "6-reopened.png"))
