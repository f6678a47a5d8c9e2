"""Issue 14: the first five minutes of a new model, item by item, on the real window."""

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtTest import QTest

from conftest import show_window
from designer import messages
from designer.document import Document
from designer.main_window import MainWindow
from models.schema import ServiceModel

ELEVEN = ["self referral", "gp referral", "probation referral", "access hub", "harm reduction",
          "adult treatment", "shared care", "inpatient detox", "residential rehab",
          "recovery service", "exit"]


@pytest.fixture
def blank(qtbot, monkeypatch):
    monkeypatch.setattr(messages, "choose", lambda parent, title, text, buttons, *a, **k:
                        "Discard" if "Discard" in buttons else buttons[0])
    return show_window(qtbot, MainWindow(Document(ServiceModel())), 1366, 740)


def quick_add(qtbot, window, text: str) -> str:
    """Type in the palette's quick-add box and press Enter, as a user does."""
    search = window.palette.search
    search.setFocus()
    qtbot.keyClicks(search, text)
    QTest.keyClick(search, Qt.Key.Key_Return)
    (selected,) = window.scene.selected_ids()[0]
    return selected


def visible_rect(window):
    return window.view.mapToScene(window.view.viewport().rect()).boundingRect()


def boxes(window):
    return {cid: item.sceneBoundingRect() for cid, item in window.scene.components.items()}


# --- item 6: a new box goes in its stage's column, on screen, without moving others -----------
def test_quick_add_puts_each_kind_in_its_stage_column_on_screen(qtbot, blank):
    referral = quick_add(qtbot, blank, "gp referral")
    hub = quick_add(qtbot, blank, "access hub")
    treatment = quick_add(qtbot, blank, "adult treatment")
    second = quick_add(qtbot, blank, "adult treatment")
    xs = {cid: blank.scene.components[cid].pos().x() for cid in (referral, hub, treatment)}
    assert xs[referral] < xs[hub] < xs[treatment]  # before: one pile in the referral column
    assert blank.scene.components[second].pos().x() == xs[treatment]
    rects = boxes(blank)
    shown = visible_rect(blank)
    assert all(shown.contains(r) for r in rects.values())
    assert not any(a.intersects(b) for i, a in enumerate(rects.values())
                   for b in list(rects.values())[i + 1:])


# --- item 1: after layout, Fit shows the whole model; the scene follows every step ------------
def test_layout_then_fit_shows_every_box_and_undo_redo_keep_them_reachable(qtbot, blank):
    for text in ELEVEN:
        quick_add(qtbot, blank, text)
    doc, scene = blank.doc, blank.scene
    # Pile them where the old quick-add put them, far from the layout's columns.
    doc.move_components({cid: (-900, 300 + 20 * n) for n, cid in enumerate(scene.components)})
    blank.findChild(type(blank.act_undo), "act-automatic-layout").trigger()
    blank.findChild(type(blank.act_undo), "act-fit-to-window").trigger()
    shown = visible_rect(blank)
    assert all(shown.contains(r) for r in boxes(blank).values())
    for step in (doc.undo_stack.undo, doc.undo_stack.redo, doc.undo_stack.undo):
        step()
        assert scene.sceneRect().contains(scene.itemsBoundingRect())
    # The minimap redraws the model as it is now, not clipped to an old scene.
    blank.act_minimap.setChecked(True)
    qtbot.waitUntil(lambda: blank.minimap.sceneRect().contains(scene.itemsBoundingRect()),
                    timeout=2000)


# --- item 5: the first window fits the screen; dialogs too --------------------------------------
def test_first_window_size_maximises_on_a_laptop_and_fits_a_big_screen():
    from designer.screens import clamped_size, first_window_size
    assert first_window_size(QRect(0, 0, 1366, 728)) is None  # maximised
    big = first_window_size(QRect(0, 0, 1920, 1040))
    assert big.width() >= 1400 and big.height() >= 900
    assert big.width() <= 1920 and big.height() <= 1040
    # The contract window (760x760) on a laptop: no taller than the room left by the frame.
    assert clamped_size(QSize(760, 760), QRect(0, 0, 1366, 728), QSize(16, 40)) == \
        QSize(760, 688)


def test_the_app_starts_maximised_on_a_small_screen(qtbot):
    from PySide6.QtCore import QSettings
    QSettings().remove("window")  # a first run: no window size saved yet
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_first()  # the offscreen screen is 800x800: below the threshold
    qtbot.waitExposed(window)
    area = window.screen().availableGeometry()
    assert window.isMaximized()
    assert window.width() <= area.width() and window.height() <= area.height()
    window.doc.undo_stack.setClean()


def test_dialogs_are_clamped_to_their_screen(qtbot, blank, monkeypatch):
    import designer.screens as screens
    from designer.contract_editor import ContractDialog
    from designer.funding import FundingDialog
    monkeypatch.setattr(screens, "available_area", lambda widget: QRect(0, 0, 1000, 600))
    lot_id = blank.lots.new_lot("Treatment")
    funding = FundingDialog(blank.doc, blank)  # wants 1080x640
    qtbot.addWidget(funding)
    assert funding.width() <= 1000 - 16 and funding.height() <= 600 - 40
    contract = ContractDialog(blank.doc, lot_id, blank)  # wants 760x760
    qtbot.addWidget(contract)
    assert contract.height() <= 600 - 40


# --- item 4: Ctrl+K is finished from the keyboard -----------------------------------------------
def answer_next_dialog(answer):
    """Run `answer(dialog)` on the next modal dialog once it is shown."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        answer(dialog)
    QTimer.singleShot(0, act)


def ctrl_k(qtbot, window, answer):
    from PySide6.QtWidgets import QApplication
    # Back from the last dialog: shortcuts go to the active window, which offscreen Qt does
    # not hand back by itself.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.view.setFocus()
    answer_next_dialog(answer)
    QTest.keyClick(window.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_k_enter_connects_a_unique_match_and_arrows_choose_among_several(qtbot, blank):
    hub = quick_add(qtbot, blank, "access hub")
    adult = quick_add(qtbot, blank, "adult treatment")
    shared = quick_add(qtbot, blank, "shared care")
    detox = quick_add(qtbot, blank, "inpatient detox")
    pathways = lambda: {(p.source, p.target) for p in blank.doc.model.pathways}  # noqa: E731
    seen = {}

    def unique(dialog):
        QTest.keyClicks(dialog.search, "deto")  # part of a name: one match
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    blank.scene.select_ids([hub])
    ctrl_k(qtbot, blank, unique)
    assert (hub, detox) in pathways()

    def several(dialog):
        QTest.keyClicks(dialog.search, "a")  # Adult treatment, Inpatient detox, Shared care
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
        seen["note"] = dialog.note.text()
        assert dialog.isVisible()  # nothing connected yet, and no new entry made up
        QTest.keyClick(dialog.search, Qt.Key.Key_Down)
        QTest.keyClick(dialog.search, Qt.Key.Key_Down)
        seen["chosen"] = dialog.chosen()
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    blank.scene.select_ids([hub])
    ctrl_k(qtbot, blank, several)
    assert "match" in seen["note"]
    assert seen["chosen"] == detox  # second in alphabetical order after Adult treatment
    # detox is already connected: the status bar says so and nothing is added twice.
    assert len(blank.doc.model.pathways) == 1

    def up_again(dialog):
        QTest.keyClicks(dialog.search, "a")
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Up,
                    Qt.Key.Key_Up):
            QTest.keyClick(dialog.search, key)
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    blank.scene.select_ids([hub])
    ctrl_k(qtbot, blank, up_again)
    assert (hub, adult) in pathways() and shared
