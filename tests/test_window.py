"""The real main window, offscreen: add from the palette, connect, rename, move, delete, undo and
redo each, edit properties, save, reopen, refuse a bad file without touching the open model."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QRectF, QSettings, QSizeF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFormLayout

from designer import messages
from designer.canvas import PathwayItem
from conftest import answer_modal, show_window
from designer.main_window import MainWindow
from models import read_model
from models.templates import EXAMPLE, load_template

DATA = Path(__file__).parent / "data"


@pytest.fixture
def boxes(monkeypatch):
    """Record message boxes instead of showing them; questions answer Discard."""
    shown = []

    def choose(parent, title, text, buttons, icon=messages.Icon.Question, detail=""):
        shown.append(("question" if icon == messages.Icon.Question else "warning", title, text))
        return "Discard" if "Discard" in buttons else buttons[0]
    monkeypatch.setattr(messages, "choose", choose)
    return shown


@pytest.fixture
def window(qtbot, boxes):
    return show_window(qtbot, MainWindow())


def dump(model):
    return model.model_dump(exclude={"revisions"})


def palette_item(window, kind_id):
    return next(i for i in window.palette.kind_items() if i.data(0, Qt.ItemDataRole.UserRole)
                == kind_id)


def test_opens_on_the_example_fitted_and_titled(window):
    assert window.doc.model == load_template(EXAMPLE)
    assert window.windowTitle().endswith("[*] - Service Model Designer")
    assert not window.isWindowModified()
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    QApplication.processEvents()
    assert all(visible.intersects(i.sceneBoundingRect()) for i in window.scene.components.values())
    assert "errors" in window.counts_label.text()


def test_add_from_palette_then_undo_and_redo(window):
    before = len(window.doc.model.components)
    item = palette_item(window, "harm_reduction")
    window.palette.tree.itemDoubleClicked.emit(item, 0)
    assert len(window.doc.model.components) == before + 1
    added = window.doc.model.components[-1]
    assert added.kind == "harm_reduction" and window.scene.selected_ids()[0] == [added.id]
    assert window.isWindowModified()
    window.act_undo.trigger()
    assert len(window.doc.model.components) == before
    assert added.id not in window.scene.components
    window.act_redo.trigger()
    assert added.id in window.scene.components


def test_enter_on_a_palette_kind_adds_it(window):
    before = len(window.doc.model.components)
    window.palette.tree.setCurrentItem(palette_item(window, "exit"))
    window.palette.tree.setFocus()
    QTest.keyClick(window.palette.tree, Qt.Key.Key_Return)
    assert len(window.doc.model.components) == before + 1
    assert window.doc.model.components[-1].kind == "exit"


def test_quick_add_by_typing_detox_and_enter(window, qtbot):
    before = len(window.doc.model.components)
    window.palette.search.setFocus()
    QTest.keyClicks(window.palette.search, "detox")
    QTest.keyClick(window.palette.search, Qt.Key.Key_Return)
    assert len(window.doc.model.components) == before + 1
    assert window.doc.model.components[-1].kind == "inpatient_detox"
    assert window.palette.search.text() == ""


def test_drop_from_palette_adds_where_dropped(window):
    mime = window.palette.tree.mimeData([palette_item(window, "family_support")])
    pos = window.view.mapFromScene(QPointF(600, 900))
    event = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.view.dropEvent(event)
    added = window.doc.model.components[-1]
    assert added.kind == "family_support"
    assert abs(added.position.x - 600) <= 20 and abs(added.position.y - 900) <= 20


def test_connect_then_undo_and_redo(window):
    count = len(window.doc.model.pathways)
    assert window.scene.connect_components("harm", "rehab")
    assert len(window.doc.model.pathways) == count + 1
    window.act_undo.trigger()
    assert len(window.doc.model.pathways) == count
    window.act_redo.trigger()
    assert len(window.scene.pathways) == count + 1
    assert window.scene.connect_components("harm", "rehab") is None
    assert "already a pathway" in window.statusBar().currentMessage()


def test_rename_with_f2_is_one_undo_step(window, qtbot):
    window.scene.select_ids(["adult"])
    window.view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F2)
    field = window.properties.name_edit
    assert field.hasFocus() or QApplication.focusWidget() is field
    steps = window.doc.undo_stack.count()
    QTest.keyClicks(field, "Adult service <east>")
    assert window.doc.model.component("adult").name == "Adult service <east>"
    assert window.doc.undo_stack.count() == steps + 1  # typing merged
    assert window.scene.components["adult"].name == "Adult service <east>"
    window.act_undo.trigger()
    assert window.doc.model.component("adult").name == "Adult community treatment"
    assert field.text() == "Adult community treatment"  # the editor follows undo
    window.act_redo.trigger()
    assert field.text() == "Adult service <east>"


def test_move_with_arrow_keys_then_undo_and_redo(window):
    window.scene.select_ids(["recovery", "family"])
    window.view.setFocus()
    start = {c: (window.doc.model.component(c).position.x, window.doc.model.component(c).position.y)
             for c in ("recovery", "family")}
    QTest.keyClick(window.view, Qt.Key.Key_Down)
    moved = window.doc.model.component("recovery").position
    assert (moved.x, moved.y) == (start["recovery"][0], start["recovery"][1] + 20)
    window.act_undo.trigger()
    assert (window.doc.model.component("family").position.y) == start["family"][1]
    window.act_redo.trigger()
    assert (window.doc.model.component("family").position.y) == start["family"][1] + 20


def test_delete_then_undo_restores_pathways_and_lots(window):
    original = dump(window.doc.model)
    window.scene.select_ids(["adult"])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.doc.model.component("adult") is None
    assert "adult" not in window.scene.components
    assert window.statusBar().currentMessage() == \
        'Deleted "Adult community treatment". Undo (Ctrl+Z) brings it back.'
    window.doc.run_checks()
    assert window.doc.counts()["error"] > 0  # the core service is now missing
    window.act_undo.trigger()
    assert dump(window.doc.model) == original
    assert window.scene.selected_ids() == (["adult"], [])  # what came back is selected
    assert window.properties.currentWidget() is window.properties.component_page
    window.act_redo.trigger()
    assert window.doc.model.component("adult") is None


def test_property_editor_fields(window):
    window.scene.select_ids(["detox"])
    props = window.properties
    assert props.currentWidget() is props.component_page
    assert props.cost_spin.prefix() == "£"
    props.cost_spin.setValue(250_000)
    assert window.doc.model.component("detox").estimated_annual_cost == 250_000
    assert "250,000" in props.cost_spin.text()
    props.cost_spin.setValue(props.cost_spin.minimum())
    assert window.doc.model.component("detox").estimated_annual_cost is None
    props.cohort_boxes["young_people"].click()
    assert "young_people" in window.doc.model.component("detox").cohorts
    props.upper_age_spin.setValue(props.upper_age_spin.minimum())
    assert window.doc.model.component("detox").upper_age is None
    listed = props.localities_list
    localities = [listed.item(i).text() for i in range(listed.count())]
    assert localities[:2] == window.doc.model.all_localities()[:2]
    window.scene.select_ids([])
    assert props.currentWidget() is props.model_page
    props.title_edit.setText("")
    QTest.keyClicks(props.title_edit, "New title")
    assert window.doc.model.title == "New title"
    window.act_undo.trigger()
    assert window.doc.model.title == load_template(EXAMPLE).title


def test_clicking_a_finding_selects_its_components(window):
    window.doc.remove_items([], [p.id for p in window.doc.model.pathways if p.source == "prison"])
    window.doc.run_checks()
    tree = window.checks.tree
    errors = tree.topLevelItem(0)
    assert errors.text(0).startswith("Errors (")
    target = next(errors.child(i) for i in range(errors.childCount())
                  if errors.child(i).data(0, Qt.ItemDataRole.UserRole).components)
    finding = target.data(0, Qt.ItemDataRole.UserRole)
    tree.itemClicked.emit(target, 0)
    assert sorted(window.scene.selected_ids()[0]) == sorted(finding.components)
    assert any(item.error_text for item in window.scene.components.values())


def test_table_edits_go_through_the_undo_stack(window):
    table = window.tables.components
    row = next(i for i, c in enumerate(window.doc.model.components) if c.id == "ips")
    assert table.setData(table.index(row, 0), "Work and skills")
    assert window.doc.model.component("ips").name == "Work and skills"
    window.act_undo.trigger()
    assert table.index(row, 0).data() == "Individual placement and support (IPS)" or \
        table.index(row, 0).data() == window.doc.model.component("ips").name


def test_tables_follow_adds_renames_and_deletes_and_sort_by_name(window):
    """The tables look components up through an index: it must follow every kind of edit."""
    doc, tables = window.doc, window.tables
    view = tables.pathway_view
    assert view.horizontalHeader().sortIndicatorSection() == -1  # file order at first
    new = doc.add_component("harm_reduction", 260, 700, "Aardvark outreach")
    window.scene.connect_components(new, "ips")
    names = [(doc.model.component(p.source).name, doc.model.component(p.target).name)
             for p in doc.model.pathways]
    rows = [(tables.pathways.index(r, 0).data(), tables.pathways.index(r, 1).data())
            for r in range(tables.pathways.rowCount())]
    assert rows == names
    doc.update_component(new, {"name": "Zebra outreach"})
    row = tables.components.row_of(new)
    assert tables.components.index(row, 0).data() == "Zebra outreach"
    assert tables.pathways.index(len(names) - 1, 0).data() == "Zebra outreach"
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert view.model().index(0, 0).data() == "Zebra outreach"
    doc.remove_items([new])
    assert tables.components.row_of(new) is None
    assert tables.pathways.rowCount() == len(names) - 1
    window.act_undo.trigger()
    assert tables.components.index(tables.components.row_of(new), 0).data() == "Zebra outreach"

def test_save_reopen_and_compare(window, tmp_path, qtbot):
    window.doc.add_component("harm_reduction", 260, 700, "Pharmacy needle exchange")
    window.scene.connect_components("self", window.doc.model.components[-1].id)
    path = tmp_path / "edited.svcmodel"
    assert window.files.write(path)
    assert not window.isWindowModified()
    assert window.windowTitle().startswith("edited.svcmodel")
    reopened = MainWindow()
    qtbot.addWidget(reopened)
    assert reopened.open_file(str(path))
    assert dump(reopened.doc.model) == dump(window.doc.model)
    assert dump(read_model(path)) == dump(window.doc.model)
    assert str(path.resolve()) in reopened.recent.files()


def test_bad_file_is_refused_with_one_line_and_model_untouched(window, boxes):
    window.doc.add_component("exit", 0, 900)
    before = dump(window.doc.model)
    undo_steps = window.doc.undo_stack.count()
    assert not window.open_file(str(DATA / "bad" / "unknown-cohort.svcmodel"), ask=False)
    kind, title, text = boxes[-1]
    assert kind == "warning" and "unknown-cohort.svcmodel" in text and "\n" not in text
    assert "cohort" in text
    assert dump(window.doc.model) == before
    assert window.doc.undo_stack.count() == undo_steps


def test_unsaved_changes_prompt_before_new_and_close(window, boxes, monkeypatch):
    window.doc.add_component("exit", 0, 900)
    window.new_blank()
    assert boxes[-1][0] == "question"
    assert window.doc.model.components == []
    assert not window.isWindowModified()
    window.doc.add_component("exit", 0, 0)
    monkeypatch.setattr(messages, "choose", lambda *a, **k: "Cancel")
    assert not window.close()
    assert window.isVisible()


def test_dropping_a_file_on_the_window_opens_it(window, tmp_path):
    path = tmp_path / "luton.svcmodel"
    from models import write_model
    from models.templates import load_template as load
    write_model(path, load("luton"), keep_backup=False)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.doc.path == path
    assert window.doc.model.title == load("luton").title


def test_every_widget_has_an_accessible_name(window):
    from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox,
                                   QComboBox, QHeaderView, QLineEdit, QPlainTextEdit,
                                   QWidget)
    kinds = (QLineEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox, QAbstractItemView)
    unnamed = [w for w in window.findChildren(QWidget) if isinstance(w, kinds)
               and not w.accessibleName() and w.objectName() != "qt_spinbox_lineedit"
               and not isinstance(w, QHeaderView)  # read as part of its table
               and not isinstance(w.parent(), (QAbstractSpinBox, QComboBox))
               and w.isVisibleTo(window)]
    assert not unnamed, [type(w).__name__ for w in unnamed]
    for button in window.findChildren(QAbstractButton):
        if button.isVisibleTo(window) and not button.text() and not button.accessibleName():
            assert button.toolTip() or button.objectName().startswith("qt_")


def test_python_main_opens_a_file(qtbot, boxes, tmp_path, monkeypatch):
    import designer.app as app_module
    shown = []
    monkeypatch.setattr(app_module.QApplication, "exec", lambda self=None: 0)
    original = app_module.MainWindow.show
    monkeypatch.setattr(app_module.MainWindow, "show",
                        lambda self: (shown.append(self), original(self)))
    path = tmp_path / "x.svcmodel"
    path.write_text('{"format": "service-model", "version": 1, "title": "From the command '
                    'line", "components": [], "pathways": []}', encoding="utf-8")
    assert app_module.run([str(path)]) == 0
    assert shown[0].doc.model.title == "From the command line"
    shown[0].doc.undo_stack.setClean()
    shown[0].close()
    assert app_module.run([str(DATA / "bad" / "not-json.svcmodel")]) == 0
    assert boxes[-1][0] == "warning"
    assert shown[1].doc.model.title == load_template(EXAMPLE).title
    shown[1].close()


def test_invalid_input_is_shown_at_the_field_and_not_applied(window):
    window.scene.select_ids(["adult"])
    props = window.properties
    props.name_edit.setFocus()
    props.name_edit.textEdited.emit("x" * 10_001)  # longer than the schema allows
    assert window.doc.model.component("adult").name == "Adult community treatment"
    assert props.component_page.error.isVisibleTo(props)
    assert "10000" in props.component_page.error.text().replace(",", "")
    assert "border" in props.name_edit.styleSheet()
    props.name_edit.textEdited.emit("Adult service")
    assert not props.component_page.error.isVisibleTo(props)
    assert props.name_edit.styleSheet() == ""
    window.scene.select_ids([])
    props.title_edit.setFocus()
    props.title_edit.textEdited.emit("t" * 10_001)
    assert window.doc.model.title == load_template(EXAMPLE).title
    assert props.model_page.error.isVisibleTo(props)


def test_settings_and_recent_files_are_remembered(window, qtbot, tmp_path):
    path = tmp_path / "kept.svcmodel"
    assert window.files.write(path)
    window.save_settings()
    assert QSettings().value("window/state") is not None
    window.recent.fill(window.menus["recent"], window.open_file)
    names = [a.text() for a in window.menus["recent"].actions()]
    assert "kept.svcmodel" in names
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.recent.files()[0] == str(path.resolve())


def test_table_rows_chosen_by_keyboard_select_on_the_canvas(window):
    window.docks["tables"].show()
    window.docks["tables"].raise_()
    view = window.tables.component_view
    view.setFocus()
    view.selectRow(3)
    expected = view.model().index(3, 0).data(Qt.ItemDataRole.UserRole)
    assert window.scene.selected_ids()[0] == [expected]
    assert window.properties.component_id == expected


def test_right_click_menu_adds_here_or_edits_what_is_under_the_mouse(window):
    empty = window.view.mapFromScene(QPointF(2000, 2000))
    menu = window.canvas_menu(empty)
    add = menu.actions()[0].menu()
    detox = next(a for a in add.actions() if a.text() == "Inpatient detox")
    detox.trigger()
    added = window.doc.model.components[-1]
    assert added.kind == "inpatient_detox" and added.position.x == 2000
    on_box = window.view.mapFromScene(window.scene.components["adult"].pos())
    menu = window.canvas_menu(on_box)
    assert window.scene.selected_ids()[0] == ["adult"]
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert texts[:3] == ["Connect To...", "Rename", "Delete"]
    assert "Remove from lot" in texts  # the Lots feature's entries join the same menu


def test_first_screen_at_1024x768_draws_the_names(qtbot, boxes):
    from designer.canvas.items import LOD_TEXT
    from designer.canvas.view import READABLE_ZOOM
    QSettings().remove("window")  # a first run: the default dock layout
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1024, 768)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.view.viewport().width() > 400)
    QTest.qWait(50)
    assert w.view.zoom() >= READABLE_ZOOM >= LOD_TEXT
    assert w.view.viewport().width() >= 500  # the docks leave the canvas half the window
    # The top-left of the diagram (where it starts reading) is on screen; the rest scrolls.
    visible = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    first = min(w.scene.components.values(), key=lambda i: (i.pos().x(), i.pos().y()))
    assert visible.contains(first.sceneBoundingRect())
    # The rest of the model is off screen, so the minimap shows that there is more.
    assert not visible.contains(w.scene.itemsBoundingRect())
    assert w.minimap.isVisible() and w.act_minimap.isChecked()
    # A bigger window fits again while the user has not zoomed or scrolled...
    w.resize(1600, 1000)
    qtbot.waitUntil(lambda: w.view.zoom() > READABLE_ZOOM)
    # ...but not once they have.
    w.view.zoom_in()
    zoom = w.view.zoom()
    w.resize(1300, 900)
    QTest.qWait(50)
    assert w.view.zoom() == zoom


def test_pressing_the_inner_half_of_the_dot_starts_a_pathway(window):
    """The dot on the right edge overlaps the box and the arrows that leave there: a press
    anywhere on it, inner half included, starts a connection (not a move, not the arrow)."""
    window.view.set_zoom(1.0)
    adult, family = window.scene.components["adult"], window.scene.components["family"]
    window.view.centerOn(adult)
    steps, count = window.doc.undo_stack.count(), len(window.doc.model.pathways)
    assert not any(p.source == "adult" and p.target == "family" for p in window.doc.model.pathways)
    port = window.view.viewport()
    start = window.view.mapFromScene(adult.mapToScene(adult.handle_centre() + QPointF(-4, 0)))
    end = window.view.mapFromScene(family.sceneBoundingRect().center())
    # Arrows leave from under the dot (their ports spread along the edge, so one passes
    # under it rather than through its centre): the press must still go to the box.
    dot = QRectF(adult.handle_centre() - QPointF(6, 6), QSizeF(12, 12))
    assert any(isinstance(i, PathwayItem) for i in window.scene.items(adult.mapRectToScene(dot)))
    QTest.mouseMove(port, start)
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 6):
        QTest.mouseMove(port, start + (end - start) * i / 5)
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert len(window.doc.model.pathways) == count + 1
    assert any(p.source == "adult" and p.target == "family" for p in window.doc.model.pathways)
    assert window.doc.undo_stack.count() == steps + 1  # one step: the connection, no move
    assert window.doc.undo_stack.undoText().startswith("Connect")


def _answer_next_dialog(qtbot, answer):
    """Run `answer(dialog)` on the next modal dialog once it is shown."""
    answer_modal(answer)


def test_connect_to_by_keyboard_from_the_canvas(window, qtbot):
    window.scene.select_ids(["harm"])
    window.view.setFocus()
    count = len(window.doc.model.pathways)
    target = window.doc.model.component("rehab").name

    def choose(dialog):
        assert dialog.search.accessibleName() == "Component to connect to"
        assert window.doc.model.component("harm").name not in \
            [dialog.matches.item(i).text() for i in range(dialog.matches.count())]  # not itself
        dialog.search.setFocus()
        QTest.keyClicks(dialog.search, target)
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)  # one Return: a unique match connects
    _answer_next_dialog(qtbot, choose)
    QTest.keyClick(window.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert len(window.doc.model.pathways) == count + 1
    assert any(p.source == "harm" and p.target == "rehab" for p in window.doc.model.pathways)
    assert window.scene.selected_ids()[0] == ["harm"] and window.focusWidget() is window.view
    assert "Added a pathway" in window.statusBar().currentMessage()
    window.act_undo.trigger()
    assert len(window.doc.model.pathways) == count


def test_add_pathway_from_the_tables_panel(window):
    window.docks["tables"].show()
    window.docks["tables"].raise_()
    tables = window.tables
    tables.setCurrentIndex(1)
    count = len(window.doc.model.pathways)
    assert tables.add_button.accessibleName() == "Add pathway"
    tables.from_combo.setCurrentIndex(tables.from_combo.findData("family"))
    tables.to_combo.setCurrentIndex(tables.to_combo.findData("ips"))
    QTest.mouseClick(tables.add_button, Qt.MouseButton.LeftButton)
    assert any(p.source == "family" and p.target == "ips" for p in window.doc.model.pathways)
    assert len(window.doc.model.pathways) == count + 1
    assert tables.pathway_view.model().rowCount() == count + 1
    assert window.scene.selected_ids()[1]  # the new arrow is selected on the canvas
    QTest.mouseClick(tables.add_button, Qt.MouseButton.LeftButton)  # the same again
    assert "already a pathway" in tables.add_message.text()
    assert len(window.doc.model.pathways) == count + 1


def test_new_components_land_in_clear_space(window, qtbot):
    """Quick add and a palette double-click put the box where it covers no box and no lot."""
    from designer.canvas.items import BOX_H, BOX_W
    QApplication.processEvents()
    for add in ("quick", "double-click", "quick"):
        before = set(window.scene.components)
        if add == "quick":
            window.palette.search.setFocus()
            QTest.keyClicks(window.palette.search, "detox")
            QTest.keyClick(window.palette.search, Qt.Key.Key_Return)
        else:
            window.palette.tree.itemDoubleClicked.emit(palette_item(window, "harm_reduction"), 0)
        QApplication.processEvents()
        window.lots.regions.rebuild()
        [new] = set(window.scene.components) - before
        box = window.scene.components[new].sceneBoundingRect()
        assert box.width() >= BOX_W and box.height() >= BOX_H
        for cid, item in window.scene.components.items():
            if cid != new:
                assert not item.sceneBoundingRect().intersects(box), (new, cid)
        for region in window.lots.regions.regions.values():
            assert not region.region.intersects(box), region.lot.name
        visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
        assert visible.contains(box)


def test_f2_enter_keeps_the_name_and_esc_cancels_both_back_to_the_canvas(window):
    window.scene.select_ids(["adult"])
    window.view.setFocus()
    field = window.properties.name_edit
    QTest.keyClick(window.view, Qt.Key.Key_F2)
    assert QApplication.focusWidget() is field
    QTest.keyClicks(field, "Adult hub")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.doc.model.component("adult").name == "Adult hub"
    assert window.view.hasFocus() and window.scene.selected_ids()[0] == ["adult"]
    QTest.keyClick(window.view, Qt.Key.Key_F2)
    assert QApplication.focusWidget() is field
    QTest.keyClicks(field, "Something else")
    assert window.doc.model.component("adult").name == "Something else"
    QTest.keyClick(field, Qt.Key.Key_Escape)
    assert window.doc.model.component("adult").name == "Adult hub"
    assert field.text() == "Adult hub"
    assert window.view.hasFocus() and window.scene.selected_ids()[0] == ["adult"]
    window.act_undo.trigger()  # the kept rename is one undo step
    assert window.doc.model.component("adult").name == "Adult community treatment"


def test_lot_tags_sit_above_the_arrows_and_show_the_whole_name(window):
    from designer.canvas.items import Z_COMPONENT, Z_PATHWAY
    QApplication.processEvents()
    regions = window.lots.regions.regions
    assert regions
    for region in regions.values():
        tags = region.tags
        assert tags.scene() is window.scene
        assert Z_PATHWAY < tags.zValue() < Z_COMPONENT
        assert tags.tags and all(text == region.label() for _, text in tags.tags)


def test_a_very_long_name_keeps_the_properties_form_in_view(window):
    long_name = "Community recovery and peer support network " * 7
    window.doc.update_component("recovery", {"name": long_name})
    window.scene.select_ids(["recovery"])
    QApplication.processEvents()
    heading = window.properties.component_page.heading
    assert len(heading.text().splitlines()) <= 2 and heading.text().endswith("…")
    assert "Community recovery" in heading.toolTip() and long_name.strip()[-20:] in \
        heading.toolTip()
    assert heading.height() < 4 * heading.fontMetrics().lineSpacing()
    assert window.properties.name_edit.text() == long_name


def test_a_narrow_properties_dock_puts_labels_above_fields(window, qtbot):
    # A council laptop's dock is about 330 px: "Name" beside its field left the name cut to a
    # few letters; there every label goes above its field, which gets the whole width.
    window.scene.select_ids(["adult"])
    editor = window.properties
    for width, wrapped in ((330, True), (600, False)):
        editor.resize(width, 700)
        qtbot.waitUntil(lambda: editor.component_page.widget().width()
                        <= editor.component_page.viewport().width())
        page = editor.component_page
        name = editor.name_edit
        assert (page.form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.WrapAllRows) == wrapped
        assert name.width() >= (0.8 if wrapped else 0.4) * page.viewport().width()
        assert page.horizontalScrollBar().maximum() == 0


def test_long_findings_wrap_and_get_most_of_the_width(window, qtbot):
    model = load_template("luton")
    model.plan("three-lots").lot("clinical").contract.annual_value = 1_400_000  # underpriced
    window.doc.set_model(model, None)
    plan = next(p for p in window.doc.model.lot_plans if "Three" in p.name)
    window.doc.set_active_plan(plan.id)
    window.doc.run_checks()
    tree = window.checks.tree
    warnings = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                    if tree.topLevelItem(i).text(0).startswith("Warnings"))
    warnings.setExpanded(True)
    long_one = next(warnings.child(i) for i in range(warnings.childCount())
                    if "worth" in warnings.child(i).text(0))
    tree.header().resizeSection(0, 420)
    QApplication.processEvents()
    line = tree.fontMetrics().lineSpacing()
    assert tree.visualItemRect(long_one).height() >= 2 * line  # wrapped, not cut
    window.checks.resize(1000, 200)
    QApplication.processEvents()
    assert tree.columnWidth(0) >= 0.6 * tree.viewport().width()


def test_the_first_check_runs_by_itself_once_the_window_has_painted(qtbot, boxes):
    # Starting does not wait for networkx and the checks: they run just after the first paint.
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.doc.checked and window.counts_label.text() == "Checking…"
    assert window.checks.tree.topLevelItem(0).text(0) == "Checking the model…"
    window.resize(1200, 800)
    window.show()
    qtbot.waitUntil(lambda: window.doc.checked)
    assert "errors" in window.counts_label.text() and window.doc.flow is not None
    assert window.checks.tree.topLevelItem(0).text(0).startswith("Errors")
