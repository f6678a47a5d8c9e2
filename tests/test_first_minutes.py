"""Issue 14: the first five minutes of a new model, item by item, on the real window."""

import json

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
    from PySide6.QtCore import QSettings
    monkeypatch.setattr(messages, "choose", lambda parent, title, text, buttons, *a, **k:
                        "Discard" if "Discard" in buttons else buttons[0])
    QSettings().remove("window")  # the first run's panel sizes, not an earlier test's
    window = MainWindow(Document(ServiceModel()))
    monkeypatch.setattr(window, "save_settings", lambda: None)
    return show_window(qtbot, window, 1366, 740)


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
    from designer.widgets.screens import clamped_size, first_window_size
    assert first_window_size(QRect(0, 0, 1366, 728)) is None  # maximised
    big = first_window_size(QRect(0, 0, 1920, 1040))
    assert big.width() >= 1400 and big.height() >= 900
    assert big.width() <= 1920 and big.height() <= 1040
    # The contract window (760x760) on a laptop: no taller than the room left by the frame.
    assert clamped_size(QSize(760, 760), QRect(0, 0, 1366, 728), QSize(16, 40)) == \
        QSize(760, 688)


def test_the_app_starts_maximised_on_a_small_screen(qtbot, monkeypatch):
    from PySide6.QtCore import QSettings
    QSettings().remove("window")  # a first run: no window size saved yet
    window = MainWindow()
    qtbot.addWidget(window)
    # Closing would save it maximised for the windows of later tests.
    monkeypatch.setattr(window, "save_settings", lambda: None)
    window.show_first()  # the offscreen screen is 800x800: below the threshold
    qtbot.waitExposed(window)
    area = window.screen().availableGeometry()
    assert window.isMaximized()
    assert window.width() <= area.width() and window.height() <= area.height()
    window.doc.undo_stack.setClean()


def test_dialogs_are_clamped_to_their_screen(qtbot, blank, monkeypatch):
    import designer.widgets.screens as screens
    from designer.dialogs.contract import ContractDialog
    from designer.dialogs.funding import FundingDialog
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


# --- item 7: the small things -----------------------------------------------------------------
def on_screen(window, cid, offset=None):
    """A component's centre (or a point in it) in viewport coordinates."""
    from PySide6.QtCore import QPointF
    item = window.scene.components[cid]
    return window.view.mapFromScene(item.mapToScene(offset or QPointF(0, 0)))


def test_assign_with_no_lots_offers_a_lot_and_remove_waits_for_one(qtbot, blank):
    a = quick_add(qtbot, blank, "access hub")
    b = quick_add(qtbot, blank, "adult treatment")
    blank.scene.select_ids([a, b])
    lots = blank.lots
    assert not lots.unassign_action.isEnabled()  # before: enabled with no lots
    assert lots.assign_action.isEnabled()  # before: disabled, so Ctrl+Shift+L did nothing
    lots.assign_action.trigger()  # the question answers its first button: Create a Lot
    (lot,) = blank.doc.model.plan().lots
    assert set(lot.components) == {a, b}
    blank.scene.select_ids([a])
    assert lots.unassign_action.isEnabled()


def test_redo_has_ctrl_y_and_ctrl_shift_z_everywhere(blank):
    from PySide6.QtGui import QKeySequence
    keys = blank.act_redo.shortcuts()
    assert QKeySequence("Ctrl+Y") in keys and QKeySequence("Ctrl+Shift+Z") in keys


def test_ctrl_n_is_in_the_file_menu_and_starts_a_blank_model(qtbot, blank):
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QKeySequence
    from designer.files.safety import AUTHOR_KEY
    visible = [a for a in blank.menus["file"].actions() if not a.menu()]
    assert any(QKeySequence("Ctrl+N") in a.shortcuts() for a in visible)
    quick_add(qtbot, blank, "access hub")
    QSettings().setValue(AUTHOR_KEY, "Sam Jones")
    blank.activateWindow()
    qtbot.waitUntil(lambda: blank.isActiveWindow(), timeout=2000)
    QTest.keyClick(blank.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert blank.doc.model.components == [] and blank.doc.model.author == "Sam Jones"


def test_the_connection_dot_goes_when_a_connection_ends_or_the_mouse_leaves(qtbot, blank):
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication
    a = quick_add(qtbot, blank, "access hub")
    b = quick_add(qtbot, blank, "adult treatment")
    port = blank.view.viewport()
    source = blank.scene.components[a]
    # A connection dragged from the dot, zoomed out: the rubber line's pen is in its
    # bounding rectangle, so removing it leaves no dashes on the new arrow.
    blank.view.set_zoom(0.5)
    start = on_screen(blank, a, source.handle_centre())
    source.show_handle = True  # hovered: the dot shows, and the press starts on it
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(port, on_screen(blank, b))
    line = blank.scene._connect_line
    assert line is not None and line.pen().widthF() * 0.5 >= 2 - 1e-6  # 2 px on screen
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       on_screen(blank, b))
    assert len(blank.doc.model.pathways) == 1 and blank.scene._connect_line is None
    assert not source.show_handle  # before: the source kept its dot
    source.show_handle = True  # hovered again
    QApplication.sendEvent(port, QEvent(QEvent.Type.Leave))
    assert not source.show_handle  # before: the dot stayed after the mouse left


def test_the_minimap_keeps_off_the_boxes(qtbot, blank):
    for text in ELEVEN:
        quick_add(qtbot, blank, text)
    view, minimap = blank.view, blank.minimap
    blank.act_minimap.setChecked(True)
    view.set_zoom(0.2)
    minimap.place()
    # The whole model in view: an overview would only cover it (before: it sat on the boxes).
    assert visible_rect(blank).contains(blank.scene.itemsBoundingRect())
    assert not minimap.isVisible()
    view.set_zoom(1.5)  # part of it out of view now: the minimap shows, in the corner that
    minimap.place()     # hides the fewest boxes
    assert minimap.isVisible()

    def covered(corner_geometry):
        where = corner_geometry.translated(-view.viewport().x(), -view.viewport().y())
        area = view.mapToScene(where).boundingRect()
        return sum(area.intersects(r) for r in boxes(blank).values())
    port = view.viewport().geometry()
    corners = [minimap.geometry().translated(dx, dy) for dx, dy in (
        (0, 0), (port.left() + 8 - minimap.x(), 0), (0, port.top() + 8 - minimap.y()))]
    assert covered(corners[0]) == min(covered(c) for c in corners)


def test_a_fixed_findings_detail_line_follows_it(qtbot, blank):
    a = quick_add(qtbot, blank, "access hub")
    blank.doc.run_checks()
    tree = blank.checks.tree
    items = [tree.topLevelItem(g).child(i) for g in range(tree.topLevelItemCount())
             for i in range(tree.topLevelItem(g).childCount())]
    (item,) = [i for i in items if a in getattr(i.data(0, Qt.ItemDataRole.UserRole),
                                               "components", ())
               and i.data(0, Qt.ItemDataRole.UserRole).rule == "isolated-component"]
    tree.setCurrentItem(item)
    assert "Access hub" in blank.checks.details.text()
    blank.doc.update_component(a, {"name": "Front door"})
    blank.doc.run_checks()
    assert "Front door" in blank.checks.details.text()  # before: still "Access hub"
    b = quick_add(qtbot, blank, "adult treatment")
    blank.doc.add_pathway(a, b)
    blank.doc.run_checks()  # no longer isolated: the line goes with the finding
    assert blank.checks.details.isHidden() or "isolated" not in blank.checks.details.text()


def test_down_in_quick_add_moves_into_the_results(qtbot, blank):
    search = blank.palette.search
    search.setFocus()
    qtbot.keyClicks(search, "treat")
    QTest.keyClick(search, Qt.Key.Key_Down)
    current = blank.palette.tree.currentItem()
    # The window's focus widget (hasFocus needs an active window, which Xvfb may not give).
    assert blank.focusWidget() is blank.palette.tree and "treatment" in current.text(0).lower()


def test_nudging_a_box_onto_another_says_so(qtbot, blank):
    a = quick_add(qtbot, blank, "gp referral")
    b = quick_add(qtbot, blank, "self referral")  # the row under it, same column
    blank.doc.move_components({a: (0, 0), b: (0, 100)})
    blank.scene.select_ids([b])
    blank.view.setFocus()
    for _ in range(5):
        QTest.keyClick(blank.view, Qt.Key.Key_Up)
    assert blank.scene.components[b].pos() == blank.scene.components[a].pos()
    assert "covers GP referral" in blank.statusBar().currentMessage()


def test_a_short_plan_wide_section_shares_the_page_before(qapp):
    """Luton's pack: the short plan-wide sections after the lots (the engagement log, the
    risk register, the timeline, the coverage checks) share pages where they fit; before,
    each stood alone on a page. The header names each section, the plan once."""
    from conftest import without_flow_figures
    from designer.printing.pack import LotPack, PackOptions
    from models.fileio import parse_model
    from models.templates import template_path
    # Without the demand and capacity pages, which come between them and the appraisal
    bare = without_flow_figures(json.loads(template_path("luton").read_text(encoding="utf-8")))
    pack = LotPack(parse_model(json.dumps(bare).encode()), PackOptions(landscape=False))
    plan = "Two-lot alliance (LDAA)"
    (shared,) = [p for p in pack.pages if f"Coverage checks: {plan}" in p.sections]
    assert shared.sections == [f"Risk register: {plan}", f"Timeline: {plan}",
                               f"Coverage checks: {plan}"]
    assert shared.heading == f"Risk register: {plan}; Timeline; Coverage checks"
    lots = [p.heading.startswith("Lot ") for p in pack.pages]
    after_lots = pack.pages[len(lots) - lots[::-1].index(True):]
    assert len(after_lots) == 3  # was 5: a page for each, the appraisal under the checks
    assert not any(p.heading.startswith("Lot ") for p in pack.pages if len(p.sections) > 1)


def test_a_shared_page_header_too_long_for_portrait_drops_the_plan_name(qapp, tmp_path):
    """Luton's first-tender plan in portrait: procurement, the engagement log and the risk
    register share a page, and 'Procurement: Three lots (first tender, halted); Market
    engagement log; Risk register' is wider than the header. It printed 'Procurement: Three
    lots (first tender, halted); Market engagement l...'; now the plan's name (in the title
    block) goes and every section is named. Read from the PDF, as printed."""
    import subprocess

    from designer.printing.pack import LotPack, PackOptions, write_pdf
    from models.templates import load_template
    pack = LotPack(load_template("luton"), PackOptions(landscape=False, plan_id="three-lots"))
    pdf = tmp_path / "pack.pdf"
    assert write_pdf(pack, pdf)
    (number,) = [i + 1 for i, p in enumerate(pack.pages)
                 if "Risk register: Three lots (first tender, halted)" in p.sections]
    headers = []
    for page in range(1, pack.page_count() + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page),
                               str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        headers.append(" ".join(next(line for line in text.splitlines() if line.strip())
                                .split()))
    assert headers[number - 1] == "Procurement; Market engagement log; Risk register Lot pack"
    assert not any("\u2026" in h for h in headers), headers
    assert headers[0] == "Overview: Three lots (first tender, halted) Lot pack"  # when it fits
