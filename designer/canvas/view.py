"""The canvas view: zoom (wheel, Ctrl++/Ctrl+-), pan (middle drag or Space+drag), fit, nudge
with the arrow keys, Tab between components, drops from the palette or the file manager, and
boxes dragged out of the canvas onto a lot in the Lots panel."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QKeyEvent, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsView, QTabBar

from models.placement import new_box_position

from .items import BOX_H, BOX_W, GRID, Z_LOT, Z_LOT_TAG, ComponentItem
from .scene import ModelScene

KIND_MIME = "application/x-svcmodel-kind"  # palette drags carry a kind id
COMPONENTS_MIME = "application/x-svcmodel-components"  # newline-separated component ids
ZOOM_STEP = 1.2
MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
# Fit to Window stops here and scrolls instead: names are 8 px high, and the boxes draw them
# (they skip text below LOD_TEXT).
READABLE_ZOOM = 0.42  # must stay at or above LOD_TEXT; six stage columns fit a laptop at this zoom


class CanvasView(QGraphicsView):
    fileDropped = Signal(str)
    zoomChanged = Signal(float)
    menuRequested = Signal(QPoint)  # right-click at this viewport position; the window builds it

    def __init__(self, scene: ModelScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        # The grid is drawn once per zoom and scroll, not on every repaint of a drag step.
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Service model canvas")
        self.setAccessibleDescription(
            "Components as boxes and pathways as arrows. Arrow keys move the selection, Tab "
            "moves to the next component, Delete removes, F2 renames. Drag boxes out of the "
            "canvas onto a lot in the Lots panel to put them in that lot.")
        self._pan_from: QPointF | None = None
        self._space_down = False
        # Fit again when the window or the docks resize, until the user zooms or pans.
        self.auto_fit = True
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.actionTriggered.connect(self._user_scrolled)  # only the user's own scrolling

    @property
    def model_scene(self) -> ModelScene:
        return self.scene()

    # --- zoom -------------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        self.auto_fit = False
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        # Set, not multiplied: READABLE_ZOOM must come out as itself, not 0.49999...
        self.setTransform(QTransform.fromScale(factor, factor))
        self.zoomChanged.emit(self.zoom())

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def fit_to_window(self) -> None:
        """Show the whole model, but never so small that the names are not drawn: when it
        does not fit at READABLE_ZOOM, show its top-left part at that zoom and let the user
        scroll (a diagram reads from the referral routes on the left)."""
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty():
            rect = QRectF(-200, -150, 400, 300)
        rect = rect.adjusted(-30, -30, 30, 30)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.5:  # a tiny model should not appear huge
            self.set_zoom(1.5)
        elif self.zoom() < READABLE_ZOOM:
            self.set_zoom(READABLE_ZOOM)
            visible = self.mapToScene(self.viewport().rect()).boundingRect()
            centre = rect.center()
            if rect.width() > visible.width():
                centre.setX(rect.left() + visible.width() / 2)
            if rect.height() > visible.height():
                centre.setY(rect.top() + visible.height() / 2)
            self.centerOn(centre)
        self.auto_fit = True
        self.zoomChanged.emit(self.zoom())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.auto_fit and self.scene() is not None:
            self.fit_to_window()

    def _user_scrolled(self, _action) -> None:
        self.auto_fit = False

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.set_zoom(self.zoom() * ZOOM_STEP ** (delta / 120))
        event.accept()

    # --- pan --------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
                event.button() == Qt.MouseButton.LeftButton and self._space_down):
            self._pan_from = event.position()
            self.auto_fit = False
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            horizontal, vertical = self.horizontalScrollBar(), self.verticalScrollBar()
            horizontal.setValue(horizontal.value() - round(delta.x()))
            vertical.setValue(vertical.value() - round(delta.y()))
            event.accept()
            return
        if (event.buttons() & Qt.MouseButton.LeftButton
                and not self.viewport().rect().contains(event.position().toPoint())
                and self.model_scene.dragged_ids()):
            self._drag_out(self.model_scene.take_back_drag())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def _drag_out(self, component_ids: list[str]) -> None:
        """Boxes dragged past the canvas's edge go back in place and travel on as a drag that
        a lot in the Lots panel accepts (dropping there assigns them, one undo step)."""
        mime = QMimeData()
        mime.setData(COMPONENTS_MIME, "\n".join(component_ids).encode())
        # Hovering a tab of the docked panels brings its panel (the Lots tab) to the front.
        for bar in self.window().findChildren(QTabBar):
            bar.setChangeCurrentOnDrag(True)
            bar.setAcceptDrops(True)
        drag = QDrag(self)
        drag.setMimeData(mime)
        if drag.exec(Qt.DropAction.CopyAction) == Qt.DropAction.IgnoreAction:
            self.model_scene.statusMessage.emit(
                "Nothing moved: drop boxes on a lot in the Lots panel to put them in it. "
                "To move a box further than the canvas shows, zoom out first.")

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_down
                                      else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.Leave:  # the mouse left the canvas: no dot stays behind
            self.model_scene.clear_hover()
        return super().viewportEvent(event)

    def contextMenuEvent(self, event) -> None:
        self.menuRequested.emit(event.pos())
        event.accept()

    # --- keyboard ---------------------------------------------------------------------------
    NUDGES = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
              Qt.Key.Key_Down: (0, 1)}

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if event.key() == Qt.Key.Key_Escape and self.model_scene.selectedItems():
            self.model_scene.select_ids([])  # back to the model's own properties
            return
        if event.key() in self.NUDGES and self.nudge(*self.NUDGES[event.key()],
                                                    fine=bool(event.modifiers()
                                                              & Qt.KeyboardModifier.AltModifier)):
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            return
        super().keyReleaseEvent(event)

    def nudge(self, dx: int, dy: int, fine: bool = False) -> bool:
        """Move the selected components one grid step (one pixel with Alt) as one undo step."""
        ids = self.model_scene.selected_ids()[0]
        if not ids:
            return False
        step = 1 if fine else GRID
        items = self.model_scene.components
        self.model_scene.doc.move_components(
            {cid: (items[cid].pos().x() + dx * step, items[cid].pos().y() + dy * step)
             for cid in ids}, "Nudge")
        self._say_if_covering(ids)
        return True

    def _say_if_covering(self, ids: list[str]) -> None:
        """A box nudged onto another hides it: say so, since the picture cannot."""
        items = self.model_scene.components
        moved = set(ids)
        for cid in ids:
            box = items[cid].sceneBoundingRect().adjusted(4, 4, -4, -4)
            under = [i for i in self.scene().items(box) if isinstance(i, ComponentItem)
                     and i.component_id not in moved]
            if under:
                self.model_scene.statusMessage.emit(
                    f"{items[cid].name} now covers {under[0].name}: move it on, or undo "
                    "(Ctrl+Z).")
                return

    def focusNextPrevChild(self, forward: bool) -> bool:
        # Tab walks through the components in reading order (column by column); past the last
        # one it leaves the canvas as usual, so keyboard users are never trapped here.
        if self.hasFocus() and self.model_scene.components:
            items = self._reading_order()
            current = self._current_index(items)
            at_end = current == (len(items) - 1 if forward else 0)
            if not at_end:
                self.select_next(forward)
                return True
            self.model_scene.select_ids([])
        return super().focusNextPrevChild(forward)

    def _reading_order(self) -> list[ComponentItem]:
        return sorted(self.model_scene.components.values(),
                      key=lambda i: (round(i.pos().x()), i.pos().y()))

    def _current_index(self, items: list[ComponentItem]) -> int | None:
        selected = self.model_scene.selected_ids()[0]
        return next((n for n, i in enumerate(items) if i.component_id in selected), None)

    def select_next(self, forward: bool = True) -> str:
        items = self._reading_order()
        current = self._current_index(items)
        if current is None:
            index = 0 if forward else len(items) - 1
        else:
            index = (current + (1 if forward else -1)) % len(items)
        item = items[index]
        self.model_scene.select_ids([item.component_id])
        self.ensureVisible(item, 40, 40)
        return item.component_id

    def centre_on_components(self, component_ids) -> None:
        items = [self.model_scene.components[c] for c in component_ids
                 if c in self.model_scene.components]
        if not items:
            return
        self.auto_fit = False  # the user went somewhere: a resize must not undo that
        rect = QRectF()
        for item in items:
            rect |= item.sceneBoundingRect()
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        if rect.width() > visible.width() or rect.height() > visible.height():
            self.fitInView(rect.adjusted(-60, -60, 60, 60), Qt.AspectRatioMode.KeepAspectRatio)
            self.zoomChanged.emit(self.zoom())
        else:
            self.centerOn(rect.center())

    def view_centre(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    # --- drops ------------------------------------------------------------------------------
    def _accepts(self, mime) -> bool:
        return mime.hasFormat(KIND_MIME) or any(
            url.toLocalFile().lower().endswith(".svcmodel") for url in mime.urls())

    def dragEnterEvent(self, event) -> None:
        if self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        if mime.hasFormat(KIND_MIME):
            kind_id = bytes(mime.data(KIND_MIME)).decode()
            pos = self.mapToScene(event.position().toPoint())
            self.add_component_at(kind_id, pos)
            event.acceptProposedAction()
            return
        for url in mime.urls():
            if url.toLocalFile().lower().endswith(".svcmodel"):
                event.acceptProposedAction()
                self.fileDropped.emit(url.toLocalFile())
                return
        event.ignore()

    def add_component_at(self, kind_id: str, pos: QPointF | None = None) -> str:
        """Add a component where it was dropped (snapped), or by default in its stage's column
        at the first free spot on screen (models/placement.py); selected and visible."""
        if pos is None:
            x, y = self.placement(kind_id)
        else:
            x, y = round(pos.x() / GRID) * GRID, round(pos.y() / GRID) * GRID
        component_id = self.model_scene.doc.add_component(kind_id, x, y)
        self.model_scene.select_ids([component_id])
        item = self.model_scene.components[component_id]
        if self.auto_fit:  # the user has not zoomed or scrolled: keep the whole model in view
            self.fit_to_window()
        shown = self.mapToScene(self.viewport().rect()).boundingRect()
        if not shown.contains(item.sceneBoundingRect()):  # a large model: go to the new box
            self.ensureVisible(item, 40, 40)
        self.setFocus()
        return component_id

    def placement(self, kind_id: str) -> tuple[float, float]:
        shown = self.mapToScene(self.viewport().rect()).boundingRect()
        return new_box_position(self.model_scene.doc.model, kind_id,
                                (shown.left(), shown.top(), shown.right(), shown.bottom()),
                                lambda x, y: self._is_clear(QPointF(x, y)))

    def _is_clear(self, centre: QPointF) -> bool:
        margin = GRID
        rect = QRectF(centre.x() - BOX_W / 2 - margin, centre.y() - BOX_H / 2 - margin,
                      BOX_W + 2 * margin, BOX_H + 2 * margin)
        return not any(isinstance(item, ComponentItem) or item.zValue() in (Z_LOT, Z_LOT_TAG)
                       for item in self.scene().items(rect))

    # --- background -------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor("#f7f7f5"))
        step = GRID * 5
        if self.zoom() < 0.3:
            return
        pen = QPen(QColor("#e6e6e2"), 1)
        pen.setCosmetic(True)
        painter.setPen(pen)
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        x = left
        while x < rect.right():
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            y += step
