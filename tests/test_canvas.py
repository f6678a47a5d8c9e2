"""The canvas driven with real mouse and key events: items mirror the model, a drag is one undo
step, dragging from the edge handle connects, refusals reach the status bar, zoom and nudge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.canvas import CanvasView, ModelScene
from designer.canvas.items import BOX_W, GRID
from designer.widgets.plain_text import plain_tooltip
from designer.document import Document
from models.schema import Component, ServiceModel
from models.templates import EXAMPLE, load_template


def small_model() -> ServiceModel:
    return ServiceModel.model_validate({
        "title": "Small",
        "components": [
            {"id": "self", "kind": "self_referral", "name": "Self-referral",
             "position": {"x": 0, "y": 0}},
            {"id": "adult", "kind": "adult_treatment", "name": "Adult treatment",
             "position": {"x": 300, "y": 0}},
            {"id": "rec", "kind": "recovery_service", "name": "<b>Recovery</b> & friends",
             "position": {"x": 600, "y": 200}},
        ],
        "pathways": [{"source": "self", "target": "adult"}],
    })


@pytest.fixture
def canvas(qtbot):
    doc = Document(small_model())
    scene = ModelScene(doc)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(300, 100)
    messages = []
    scene.statusMessage.connect(messages.append)
    return doc, scene, view, messages


def at(view: CanvasView, x: float, y: float) -> QPoint:
    return view.mapFromScene(QPointF(x, y))


def drag(view: CanvasView, start, end, modifier=Qt.KeyboardModifier.NoModifier, steps=5):
    port = view.viewport()
    a, b = at(view, *start), at(view, *end)
    QTest.mousePress(port, Qt.MouseButton.LeftButton, modifier, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(port, a + (b - a) * i / steps)
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, modifier, b)


def test_items_mirror_the_model_and_follow_undo(canvas):
    doc, scene, view, _ = canvas
    assert set(scene.components) == {"self", "adult", "rec"}
    assert set(scene.pathways) == {"self->adult"}
    new_id = doc.add_component("inpatient_detox", 300, 300)
    assert scene.components[new_id].pos() == QPointF(300, 300)
    doc.undo_stack.undo()
    assert new_id not in scene.components
    doc.remove_items(["adult"])
    assert "adult" not in scene.components and not scene.pathways
    doc.undo_stack.undo()
    assert scene.pathways["self->adult"].target is scene.components["adult"]


def test_names_are_plain_text(canvas):
    _, scene, _, _ = canvas
    item = scene.components["rec"]
    assert item.name == "<b>Recovery</b> & friends"
    assert "&lt;b&gt;Recovery&lt;/b&gt; &amp; friends" in item.toolTip()
    assert plain_tooltip("<i>x</i>").count("<i>") == 0


def test_drag_moves_the_selection_as_one_undo_step_and_snaps(canvas):
    doc, scene, view, _ = canvas
    scene.select_ids(["self", "adult"])
    before = doc.undo_stack.count()
    drag(view, (300, 10), (367, 93))  # press inside the adult box (not on its handle)
    assert doc.undo_stack.count() == before + 1
    adult, self_ = doc.model.component("adult").position, doc.model.component("self").position
    assert (adult.x, adult.y) != (300, 0)
    assert adult.x % GRID == 0 and adult.y % GRID == 0
    assert (self_.x, self_.y) == (adult.x - 300, adult.y)  # moved together
    arrow = scene.pathways["self->adult"]
    assert arrow.boundingRect().intersects(scene.components["adult"].sceneBoundingRect())
    doc.undo_stack.undo()
    assert (doc.model.component("adult").position.x, doc.model.component("adult").position.y) \
        == (300, 0)
    assert scene.components["adult"].pos() == QPointF(300, 0)


def test_drag_from_the_handle_connects_and_a_duplicate_is_refused(canvas):
    doc, scene, view, messages = canvas
    handle = (300 + BOX_W / 2, 0)
    port = view.viewport()
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     at(view, *handle))
    QTest.mouseMove(port, at(view, 600, 200))
    assert scene.components["rec"].drop_target  # the box it would end on is outlined
    QTest.mouseMove(port, at(view, 450, 300))
    assert not scene.components["rec"].drop_target
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       at(view, 450, 300))
    assert "release over another box" in messages[-1] and len(doc.model.pathways) == 1
    drag(view, handle, (600, 200))
    assert any(p.source == "adult" and p.target == "rec" for p in doc.model.pathways)
    assert len(scene.pathways) == 2
    assert "Added a pathway" in messages[-1]
    drag(view, (0, 0), (300, 0), Qt.KeyboardModifier.ShiftModifier)  # Shift+drag: same again
    assert "already a pathway" in messages[-1]
    drag(view, handle, (300, 0))
    assert messages[-1] == "A component cannot have a pathway to itself."
    assert len(doc.model.pathways) == 2
    doc.undo_stack.undo()
    assert len(scene.pathways) == 1


def test_arrow_keys_nudge_and_wheel_zooms(canvas, qtbot):
    doc, scene, view, _ = canvas
    scene.select_ids(["rec"])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert (doc.model.component("rec").position.x, doc.model.component("rec").position.y) == \
        (600 + GRID, 200 + GRID)
    doc.undo_stack.undo()
    assert doc.model.component("rec").position.x == 600 + GRID
    zoom = view.zoom()
    view.zoom_in()
    assert view.zoom() > zoom
    view.fit_to_window()
    for item in scene.components.values():
        assert view.mapToScene(view.viewport().rect()).boundingRect().contains(
            item.sceneBoundingRect())


def test_tab_walks_through_components_then_leaves(canvas):
    _, scene, view, _ = canvas
    view.setFocus()
    visited = [view.select_next() for _ in range(4)]
    assert visited == ["self", "adult", "rec", "self"]
    scene.select_ids([])
    seen = []
    for _ in range(3):
        assert view.focusNextPrevChild(True)
        seen.append(scene.selected_ids()[0])
    assert seen == [["self"], ["adult"], ["rec"]]
    view.focusNextPrevChild(True)  # past the last one: focus may leave, selection clears
    assert scene.selected_ids() == ([], [])


def test_wheel_zooms_and_middle_drag_pans(canvas, qtbot):
    from PySide6.QtCore import QPoint as P
    from PySide6.QtGui import QWheelEvent
    _, scene, view, _ = canvas
    port = view.viewport()
    zoom = view.zoom()
    centre = port.rect().center()
    event = QWheelEvent(QPointF(centre), QPointF(view.mapToGlobal(centre)), P(0, 0), P(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(port, event)
    assert view.zoom() == pytest.approx(zoom * 1.2)
    before = view.mapToScene(centre)
    QTest.mousePress(port, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseMove(port, centre + P(80, 40))
    QTest.mouseRelease(port, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier,
                       centre + P(80, 40))
    after = view.mapToScene(centre)
    assert after.x() < before.x() and after.y() < before.y()
    assert doc_unchanged(scene)


def doc_unchanged(scene) -> bool:
    return scene.doc.undo_stack.count() == 0


def test_error_badge_follows_the_findings(qtbot):
    model = small_model()
    model.components.append(Component(id="prison", kind="prison_release", name="Prison",
                                      position={"x": 0, "y": 200}))
    doc = Document(model)
    scene = ModelScene(doc)
    assert scene.components["prison"].error_text  # prison-no-continuity names it
    assert not scene.components["rec"].error_text
    doc.add_pathway("prison", "adult")
    doc.run_checks()
    assert not scene.components["prison"].error_text


def test_leicestershire_draws_quickly_and_fits(qtbot):
    doc = Document(load_template(EXAMPLE))
    scene = ModelScene(doc)
    assert len(scene.components) == len(doc.model.components)
    assert len(scene.pathways) == len(doc.model.pathways)


def test_snap_can_be_turned_off_and_rubber_band_selects(canvas):
    doc, scene, view, _ = canvas
    scene.snap = False
    scene.select_ids([])
    drag(view, (300, 10), (313, 27))
    p = doc.model.component("adult").position
    assert (p.x, p.y) == (313, 17)
    drag(view, (-150, -60), (420, 60))  # from empty canvas around the first two boxes
    assert sorted(scene.selected_ids()[0]) == ["adult", "self"]


def test_a_reconnected_pathway_is_redrawn_between_its_new_ends(canvas):
    doc, scene, _, _ = canvas
    doc.update_pathway("self->adult", {"target": "rec"})
    assert scene.pathways["self->adult"].target is scene.components["rec"]
    assert scene.pathways["self->adult"] not in scene.components["adult"].pathways
    doc.undo_stack.undo()
    assert scene.pathways["self->adult"].target is scene.components["adult"]


def test_fit_never_hides_the_names_and_refits_until_the_user_zooms(qtbot):
    from designer.canvas.items import LOD_TEXT
    from designer.canvas.view import READABLE_ZOOM
    doc = Document(load_template(EXAMPLE))
    scene = ModelScene(doc)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(400, 300)  # far too small for the whole model
    view.show()
    qtbot.waitExposed(view)
    view.fit_to_window()
    assert view.zoom() == pytest.approx(READABLE_ZOOM) and READABLE_ZOOM >= LOD_TEXT
    # It shows the start of the diagram (top left) and scrolls for the rest.
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    items = scene.itemsBoundingRect()
    assert visible.left() <= items.left() and visible.top() <= items.top()
    assert view.horizontalScrollBar().maximum() > 0
    view.resize(1800, 1100)  # room for everything: it fits again by itself
    qtbot.waitUntil(lambda: view.zoom() > READABLE_ZOOM)
    assert view.mapToScene(view.viewport().rect()).boundingRect().contains(items)
    # Once the user scrolls, a resize leaves their view alone.
    view.resize(900, 600)
    zoom = view.zoom()
    bar = view.horizontalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderSingleStepAdd)
    view.resize(1000, 650)
    QApplication.processEvents()
    assert view.zoom() == zoom


def test_names_get_a_third_line_before_they_are_cut_short(qtbot):
    from designer.canvas.items import name_layout
    width = 140.0
    setting, lines = name_layout("Clinical treatment and prescribing", width)
    assert " ".join(lines) == "Clinical treatment and prescribing" and len(lines) == 3
    setting, lines = name_layout("Custody, liaison and diversion, courts", width)
    assert " ".join(lines) == "Custody, liaison and diversion, courts"
    setting, lines = name_layout("Adult treatment", width)
    assert lines == ("Adult treatment",) and setting == 0  # short names keep the large type
    too_long = "Integrated community drug and alcohol treatment, recovery and aftercare service"
    setting, lines = name_layout(too_long, width)
    assert len(lines) == 3 and lines[-1].endswith("…")  # the tool tip has the whole name


@pytest.mark.parametrize("template", ["leicestershire", "luton"])
def test_pathway_labels_sit_off_the_boxes_and_each_other(qapp, template):
    """Boxes are drawn over pathways: a label under one cannot be read ("Open access" under
    the treatment box). The shared label placer (models/labels.py) keeps each label next to
    its own arrow, clear of every box and every other label."""
    scene = ModelScene(Document(load_template(template)))
    boxes = [c.box().translated(c.pos()) for c in scene.components.values()]
    labelled = [p for p in scene.pathways.values() if p.label]
    assert labelled
    for pathway in labelled:
        rect = pathway.label_rect()
        assert not any(b.intersects(rect) for b in boxes), pathway.label
        assert not any(o.label_rect().intersects(rect) for o in labelled if o is not pathway)
