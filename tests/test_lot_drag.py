"""Dragging a box in a lot: its part of the lot moves with it at once (a shadow), the lot is
shaped exactly when the mouse rests or is released, and no other lot is reshaped meanwhile."""

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from designer.canvas.lot_regions import SETTLE_MS

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


def send(viewport, kind, pos: QPoint, button, buttons):
    # The true global position: the scene finds the item under the mouse from it.
    QApplication.sendEvent(viewport, QMouseEvent(kind, QPointF(pos),
                                                 QPointF(viewport.mapToGlobal(pos)), button,
                                                 buttons, Qt.KeyboardModifier.NoModifier))
    QApplication.processEvents()


def test_a_dragged_box_takes_its_lot_along_and_leaves_the_other_lots_alone(luton_window,
                                                                            qtbot):
    window = luton_window
    lots = window.lots.regions
    scene, view = window.scene, window.view
    plan = window.doc.model.plan()
    engagement = next(lot for lot in plan.lots if lot.code == "L2")
    box_id = engagement.components[0]
    item = scene.components[box_id]
    view.centerOn(item)
    QApplication.processEvents()
    before = {lot_id: region.fill for lot_id, region in lots.regions.items()}
    viewport = view.viewport()
    at = view.mapFromScene(item.pos())
    send(viewport, QEvent.Type.MouseButtonPress, at, LEFT, LEFT)
    for step in range(1, 6):
        send(viewport, QEvent.Type.MouseMove, at + QPoint(0, 40 * step), NONE, LEFT)
    start = QPointF(item.pos())
    assert item.pos().y() > view.mapToScene(at).y()  # the box moved

    # During the drag: a shadow under the box, the lot without it, the other lots as they were.
    shadows = lots._shadows[box_id]
    assert len(shadows) == 1 and shadows[0].pos() == item.pos()
    assert shadows[0].scene() is scene
    own = lots.regions[engagement.id]
    assert not own.region.contains(item.mapRectToScene(item.box()).center())
    for lot_id, fill in before.items():
        if lot_id != engagement.id:
            assert lots.regions[lot_id].fill is fill

    # The mouse rests: the exact region, with the box where it is now.
    qtbot.wait(SETTLE_MS * 3)
    assert not lots._shadows and shadows[0].scene() is None
    assert own.region.contains(item.mapRectToScene(item.box()).center())

    send(viewport, QEvent.Type.MouseMove, at + QPoint(0, 260), NONE, LEFT)
    assert lots._shadows  # moving again
    send(viewport, QEvent.Type.MouseButtonRelease, at + QPoint(0, 260), LEFT, NONE)
    qtbot.wait(10)
    assert not lots._shadows
    assert item.pos() != start
    moved = window.doc.model.component(box_id).position
    assert (moved.x, moved.y) == (item.pos().x(), item.pos().y())
    assert lots.regions[engagement.id].region.contains(
        item.mapRectToScene(item.box()).center())


def test_the_no_lot_halo_follows_a_dragged_service(luton_window, qtbot):
    window = luton_window
    window.lots.unassign(["family"])
    qtbot.waitUntil(lambda: "family" in window.lots.regions.marks)
    mark = window.lots.regions.marks["family"]
    item = window.scene.components["family"]
    window.view.centerOn(item)
    QApplication.processEvents()
    viewport = window.view.viewport()
    at = window.view.mapFromScene(item.pos())
    send(viewport, QEvent.Type.MouseButtonPress, at, LEFT, LEFT)
    for step in range(1, 4):
        send(viewport, QEvent.Type.MouseMove, at + QPoint(0, 40 * step), NONE, LEFT)
    assert mark.box.contains(item.mapRectToScene(item.box()))  # during the drag, not after
    send(viewport, QEvent.Type.MouseButtonRelease, at + QPoint(0, 120), LEFT, NONE)
