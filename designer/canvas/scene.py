"""The scene: items built from the Document and kept in step with its signals.

Gestures become Document edits here: a drag of any number of boxes is one MoveComponents on
release, and dragging from a box's right-edge handle (or Shift+drag from anywhere on a box) to
another box adds a pathway, or reports in the status bar why it cannot.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, Qt, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene

from models.checks import ERROR

from ..document import Document
from ..printing.box_index import BoxIndex
from .routes import CanvasRoutes
from .items import SELECTED, Z_COMPONENT, Z_DRAGGING, ComponentItem, PathwayItem

CONNECT_HINT = ("Drag from the dot on a box's right edge (or Shift+drag a box) to another box "
                "to add a pathway; Ctrl+K picks it by name.")


class ModelScene(QGraphicsScene):
    statusMessage = Signal(str)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.components: dict[str, ComponentItem] = {}
        self.pathways: dict[str, PathwayItem] = {}
        self._press_positions: dict[str, QPointF] = {}
        self._connect_from: ComponentItem | None = None
        self._connect_line: QGraphicsLineItem | None = None
        self.snap = True  # moved boxes land on the grid (Arrange > Snap to Grid)
        # Ids of boxes moved since the lot regions last looked (ComponentItem adds them), so
        # a drag step reshapes from the boxes that moved instead of mapping every box.
        self.moved: set[str] = set()
        self._drop_target: ComponentItem | None = None
        document.componentAdded.connect(self._component_added)
        document.componentRemoved.connect(self._component_removed)
        document.componentChanged.connect(self._component_changed)
        document.pathwayAdded.connect(self._pathway_added)
        document.pathwayRemoved.connect(self._pathway_removed)
        document.pathwayChanged.connect(self._pathway_changed)
        document.modelReset.connect(self.rebuild)
        document.findingsChanged.connect(self.show_findings)
        # Every edit, layout, undo and redo is one step of the stack: after each, the scene
        # (what the scroll bars and Fit can reach) grows or shrinks to the boxes.
        document.undo_stack.indexChanged.connect(self.update_scene_rect)
        self.rebuild()
        self.routes = CanvasRoutes(self)  # arrows round the boxes, as printed

    # --- model -> items ----------------------------------------------------------------------
    def _component(self, component_id: str):
        return self.doc.component(component_id)

    def _pathway(self, pathway_id: str):
        return self.doc.pathway(pathway_id)

    def rebuild(self) -> None:
        """Redraw every box and arrow from the model. Only the scene's own items go: the
        overlays' items (lot regions, compare marks) stay theirs to keep or drop, so they are
        never deleted under them."""
        # Adding or removing thousands of items with the BSP index live rebuilds it again
        # and again.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        for item in [*self.pathways.values(), *self.components.values()]:
            self.removeItem(item)
        self.components.clear()
        self.pathways.clear()
        for component in self.doc.model.components:
            self._add_component_item(component)
        for pathway in self.doc.model.pathways:
            self._add_pathway_item(pathway)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._place_labels()
        self.show_findings()
        self.update_scene_rect()

    def _place_labels(self) -> None:
        """Pathway labels off the boxes, found through a grid index of the boxes (a query of
        the scene per label would rebuild its BSP index each time: minutes at 10,000)."""
        labelled = [item for item in self.pathways.values() if item.label]
        if not labelled:
            return
        boxes = BoxIndex({cid: item.box().translated(item.pos())
                          for cid, item in self.components.items()})
        for item in labelled:
            item.place_label(boxes)

    def _add_component_item(self, component) -> None:
        item = ComponentItem(component)
        self.components[component.id] = item
        self.addItem(item)

    def _add_pathway_item(self, pathway) -> None:
        item = PathwayItem(pathway, self.components[pathway.source],
                           self.components[pathway.target])
        self.pathways[pathway.id] = item
        self.addItem(item)

    def update_scene_rect(self, *_) -> None:
        # Room around the model to drop new components; never smaller than what is drawn.
        self.setSceneRect(self.itemsBoundingRect().adjusted(-600, -400, 600, 400))

    def _component_added(self, component_id: str) -> None:
        self._add_component_item(self._component(component_id))

    def _component_removed(self, component_id: str) -> None:
        item = self.components.pop(component_id, None)
        if item is None:
            return
        for pathway in list(item.pathways):
            self._pathway_removed(pathway.pathway_id)
        self.removeItem(item)

    def _component_changed(self, component_id: str) -> None:
        item = self.components.get(component_id)
        if item is not None:
            item.sync(self._component(component_id))
            for pathway in item.pathways:
                pathway.sync(self._pathway(pathway.pathway_id))

    def _pathway_added(self, pathway_id: str) -> None:
        self._add_pathway_item(self._pathway(pathway_id))

    def _pathway_removed(self, pathway_id: str) -> None:
        item = self.pathways.pop(pathway_id, None)
        if item is not None:
            item.detach()
            self.removeItem(item)

    def _pathway_changed(self, pathway_id: str) -> None:
        item = self.pathways.get(pathway_id)
        if item is None:
            return
        pathway = self._pathway(pathway_id)
        if (item.source.component_id, item.target.component_id) != (pathway.source,
                                                                     pathway.target):
            self._pathway_removed(pathway_id)  # an end was reconnected: draw it afresh
            self._add_pathway_item(pathway)
        else:
            item.sync(pathway)

    def show_findings(self) -> None:
        """A red badge on every component named by a finding of severity error."""
        errors: dict[str, list[str]] = {}
        for finding in self.doc.findings:
            if finding.severity == ERROR:
                for component_id in finding.components:
                    errors.setdefault(component_id, []).append(finding.message)
        for component_id, item in self.components.items():
            item.set_error("\n".join(errors.get(component_id, [])))

    # --- selection ---------------------------------------------------------------------------
    def selected_ids(self) -> tuple[list[str], list[str]]:
        components, pathways = [], []
        for item in self.selectedItems():
            if isinstance(item, ComponentItem):
                components.append(item.component_id)
            elif isinstance(item, PathwayItem):
                pathways.append(item.pathway_id)
        return components, pathways

    def select_ids(self, component_ids=(), pathway_ids=()) -> None:
        self.blockSignals(True)
        self.clearSelection()
        for cid in component_ids:
            if cid in self.components:
                self.components[cid].setSelected(True)
        for pid in pathway_ids:
            if pid in self.pathways:
                self.pathways[pid].setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def clear_hover(self) -> None:
        """Take the connection dot off every box (the mouse left the canvas, or a connection
        drag ended, without the hover-leave each box would otherwise get)."""
        for item in self.components.values():
            if item.show_handle:
                item.show_handle = False
                item.update()

    # --- gestures ----------------------------------------------------------------------------
    def _component_at(self, pos: QPointF) -> ComponentItem | None:
        for item in self.items(pos):
            if isinstance(item, ComponentItem):
                return item
        return None

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            item = self._component_at(event.scenePos())
            if item is not None and (event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                                     or item.on_handle(item.mapFromScene(event.scenePos()))):
                self._start_connecting(item, event.scenePos())
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_positions = {cid: self.components[cid].pos()
                                     for cid in self.selected_ids()[0]}
            for cid in self._press_positions:
                self.components[cid].setZValue(Z_DRAGGING)

    def mouseMoveEvent(self, event) -> None:
        if self._connect_line is not None:
            self._connect_line.setLine(QLineF(self._connect_from.pos(), event.scenePos()))
            target = self._component_at(event.scenePos())
            self._highlight(target if target is not self._connect_from else None)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._connect_line is not None:
            self._finish_connecting(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.commit_drag()

    def commit_drag(self) -> None:
        """The whole drag becomes one undo step, pushed now that the mouse is released."""
        pressed, self._press_positions = self._press_positions, {}
        moved = {}
        for cid, start in pressed.items():
            item = self.components.get(cid)
            if item is None:
                continue
            item.setZValue(Z_COMPONENT)
            if item.pos() != start:
                moved[cid] = (item.pos().x(), item.pos().y())
        if moved:
            self.doc.move_components(moved)  # the scene rectangle follows (indexChanged)

    def dragged_ids(self) -> list[str]:
        """The components a left-button drag on the canvas is moving, if one is under way."""
        return list(self._press_positions) if self.mouseGrabberItem() is not None else []

    def take_back_drag(self) -> list[str]:
        """Put the boxes of an unfinished drag back where it started, with no undo step: the
        view hands the drag to another panel (a lot in the Lots dock) instead."""
        pressed, self._press_positions = self._press_positions, {}
        grabber = self.mouseGrabberItem()
        if grabber is not None:
            grabber.ungrabMouse()
        for cid, start in pressed.items():
            item = self.components.get(cid)
            if item is not None:
                item.setPos(start)
                item.setZValue(Z_COMPONENT)
        return list(pressed)

    def _start_connecting(self, item: ComponentItem, pos: QPointF) -> None:
        self._connect_from = item
        # Two pixels wide at the view's zoom, in scene units: a cosmetic pen's width is not in
        # the line's bounding rectangle, so zoomed out its removal left dashes on the new arrow.
        views = self.views()
        zoom = views[0].transform().m11() if views else 1.0
        pen = QPen(SELECTED, 2 / max(zoom, 0.05), Qt.PenStyle.DashLine)
        self._connect_line = self.addLine(QLineF(item.pos(), pos), pen)
        self._connect_line.setZValue(Z_DRAGGING + 1)
        self.statusMessage.emit(f"Connecting from {item.name}: release over another box.")

    def _highlight(self, target: ComponentItem | None) -> None:
        """Outline the box a connection would end on while the mouse is held."""
        if target is self._drop_target:
            return
        for item in (self._drop_target, target):
            if item is not None:
                item.drop_target = item is target
                item.update()
        self._drop_target = target

    def _finish_connecting(self, pos: QPointF) -> None:
        source, self._connect_from = self._connect_from, None
        self._highlight(None)
        self.clear_hover()  # no hover events came during the drag: the source kept its dot
        self.removeItem(self._connect_line)
        self._connect_line = None
        target = self._component_at(pos)
        if target is None:
            self.statusMessage.emit("No pathway added: release over another box to connect.")
            return
        self.connect_components(source.component_id, target.component_id)

    def connect_components(self, source_id: str, target_id: str) -> str | None:
        pathway_id, refusal = self.doc.add_pathway(source_id, target_id)
        if refusal:
            self.statusMessage.emit(refusal)
            return None
        model = self.doc.model
        self.statusMessage.emit(f"Added a pathway from {model.component(source_id).name} to "
                                f"{model.component(target_id).name}.")
        return pathway_id
