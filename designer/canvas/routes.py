"""The canvas's arrows from the same router as the printed diagram (models/routing.py) and
their labels from models/labels.py. Routing runs once after each change to the model (a drag
ends in one move edit), coalesced by a zero timer; while a box is dragged, its arrows are
quick curves (PathwayItem.adjust), so dragging stays smooth."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QTimer, Signal
from PySide6.QtGui import QFontMetricsF

from models.labels import place_labels
from models.routing import route_pathways

from .items import LABEL_FONT, LABEL_LINE

ROUTE_LIMIT = 1000  # above this many pathways (about 500 components) the canvas keeps quick
# curves: routing and labels there take longer than an edit should wait (print still routes)


def _one_line(label: str) -> float:
    return min(QFontMetricsF(LABEL_FONT).horizontalAdvance(label) + 6, 160.0)


def _two_lines(label: str) -> tuple[float, float]:
    """The label's size wrapped onto two lines, for a spot too narrow for one."""
    metrics = QFontMetricsF(LABEL_FONT)
    words = label.split()
    best = metrics.horizontalAdvance(label)
    for i in range(1, len(words)):
        best = min(best, max(metrics.horizontalAdvance(" ".join(words[:i])),
                             metrics.horizontalAdvance(" ".join(words[i:]))))
    return min(best + 5, 160.0), 2 * LABEL_LINE - 4


class CanvasRoutes(QObject):
    routed = Signal()  # the arrows and their labels were placed again (lot tags follow)

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
        sizes = {pid: [(_one_line(item.label), LABEL_LINE), _two_lines(item.label)]
                 for pid, item in items.items() if item.label and pid in routes}
        labels = place_labels(boxes, routes, sizes, box_pad=1.0)  # screen text is larger
        for pid, item in items.items():
            if pid in routes:
                label = labels.get(pid)
                item.set_route(routes[pid], QRectF(*label[0]) if label else None)
        self.routed.emit()
