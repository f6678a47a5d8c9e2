"""The canvas's arrows from the same router as the printed diagram (models/routing.py) and
their labels from models/labels.py. Routing runs once after each change to the model (a drag
ends in one move edit), coalesced by a zero timer; while a box is dragged, its arrows are
quick curves (PathwayItem.adjust), so dragging stays smooth."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QTimer

from models.labels import place_labels
from models.routing import route_pathways

ROUTE_LIMIT = 4000  # above this many pathways the canvas keeps quick curves (print routes)
LABEL_H = 20.0  # PathwayItem's label height


class CanvasRoutes(QObject):
    def __init__(self, scene) -> None:
        super().__init__(scene)
        self.scene = scene
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.route)
        doc = scene.doc
        for signal in (doc.componentAdded, doc.componentRemoved, doc.componentChanged,
                       doc.pathwayAdded, doc.pathwayRemoved, doc.pathwayChanged,
                       doc.modelReset):
            signal.connect(self._timer.start)
        self.route()

    def route(self) -> None:
        items = self.scene.pathways
        if not items or len(items) > ROUTE_LIMIT:
            return
        boxes = {}
        for cid, item in self.scene.components.items():
            r = item.box().translated(item.pos())
            boxes[cid] = (r.x(), r.y(), r.width(), r.height())
        ends = [(pid, item.source.component_id, item.target.component_id)
                for pid, item in items.items()]
        routes = route_pathways(boxes, ends)
        sizes = {pid: [(item._label_width, LABEL_H)] for pid, item in items.items()
                 if item.label and pid in routes}
        labels = place_labels(boxes, routes, sizes)
        for pid, item in items.items():
            if pid in routes:
                label = labels.get(pid)
                item.set_route(routes[pid], QRectF(*label[0]) if label else None)
