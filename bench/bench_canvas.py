"""Canvas benchmarks (Qt, offscreen): scene build and first paint, dragging, zooming at fit.

Each is compared with a bare QGraphicsScene holding the same number of plain rectangles (one
per component, at the same places and size) and lines (one per pathway), shown in a plain
QGraphicsView of the same size with the same antialiasing, showing the same part of the scene
at the same zoom, so the ratio is what our items, lot regions and bookkeeping cost over Qt's
own.
"""

from __future__ import annotations

import gc
import statistics
import time

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QTransform
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsScene, QGraphicsView

from models.geometry import BOX_H, BOX_W  # the app's own boxes
from models.schema import ServiceModel

from .timing import Result, once, paired

VIEW_W, VIEW_H = 1600, 1000
SCENE_RATIO_LIMIT = 2.0
DRAG_LIMIT = {5000: 0.008}  # seconds per move event, from the issue
DRAG_MOVES = 30
DRAG_BUDGET = 15.0  # seconds of moves before stopping early
NODEGRAPHQT_MAX = 5000  # about 19 s at 5,000 here, and more than linear above


def canvas_missing() -> str | None:
    try:
        import designer.canvas  # noqa: F401
        import designer.canvas.lot_regions  # noqa: F401
        import designer.document  # noqa: F401
    except ImportError as e:
        return f"canvas not available ({e})"
    return None


def application() -> QApplication:
    return QApplication.instance() or QApplication(["bench"])


def settle() -> None:
    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()


# --- the app's canvas and the bare one -----------------------------------------------------

class AppCanvas:
    """The canvas as the main window builds it: ModelScene, lot regions and CanvasView."""

    def __init__(self, model: ServiceModel, with_lots: bool = True):
        from designer.canvas import CanvasView, ModelScene
        from designer.canvas.lot_regions import LotRegions
        from designer.document import Document

        self.doc = Document(model)  # runs the checks: not part of the scene build
        self._parts = (ModelScene, LotRegions if with_lots else None, CanvasView)

    def build_and_paint(self) -> None:
        ModelScene, LotRegions, CanvasView = self._parts
        self.scene = ModelScene(self.doc)
        self.regions = LotRegions(self.scene) if LotRegions else None
        self.view = CanvasView(self.scene)
        self.view.resize(VIEW_W, VIEW_H)
        self.view.fit_to_window()
        self.view.grab()

    def zoom_step(self, zoom_in: bool) -> None:
        self.view.set_zoom(self.view.zoom() * (1.2 if zoom_in else 1 / 1.2))
        self.view.grab()

    def close(self) -> None:
        shiboken6.delete(self.view)
        shiboken6.delete(self.scene)  # and with it the lot regions and every item
        del self.view, self.scene, self.regions
        gc.collect()


class BareCanvas:
    def __init__(self, model: ServiceModel):
        self.boxes = [(c.position.x, c.position.y) for c in model.components]
        where = {c.id: (c.position.x, c.position.y) for c in model.components}
        self.lines = [(*where[p.source], *where[p.target]) for p in model.pathways]
        self.like: tuple[QTransform, QRectF] | None = None  # what the app's view shows

    def show_like(self, view: QGraphicsView) -> None:
        """Show the part of the scene `view` shows, at its zoom: the app's fit-to-window keeps
        names readable, so on a large model it shows the top-left part, not the whole."""
        self.like = (view.transform(), view.mapToScene(view.viewport().rect()).boundingRect())

    def build_and_paint(self) -> None:
        self.scene = QGraphicsScene()
        pen, brush, line_pen = QPen(QColor("#4a4a4a")), QBrush(QColor("#b9d7f0")), \
            QPen(QColor("#5e5e5e"))
        for x, y in self.boxes:
            self.scene.addRect(x - BOX_W / 2, y - BOX_H / 2, BOX_W, BOX_H, pen, brush)
        for x1, y1, x2, y2 in self.lines:
            self.scene.addLine(x1, y1, x2, y2, line_pen)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHints(QPainter.RenderHint.Antialiasing)
        self.view.resize(VIEW_W, VIEW_H)
        if self.like is None:
            self.view.fitInView(self.scene.itemsBoundingRect(),
                                Qt.AspectRatioMode.KeepAspectRatio)
        else:
            transform, visible = self.like
            self.view.setSceneRect(visible)  # the view then shows exactly that part
            self.view.setTransform(transform)
        self.view.grab()

    def zoom_step(self, zoom_in: bool) -> None:
        factor = 1.2 if zoom_in else 1 / 1.2
        self.view.scale(factor, factor)
        self.view.grab()

    def close(self) -> None:
        shiboken6.delete(self.view)
        shiboken6.delete(self.scene)
        del self.view, self.scene
        gc.collect()


def bench_scene(size: int, model: ServiceModel, repeats: int,
                slow_after: float) -> tuple[list[Result], float]:
    """Scene build + first paint (with and without lot regions) and a zoom step at fit.

    Returns the results and the seconds of the first full build. The first build warms fonts,
    icons and caches, so it is left out of the figures, unless it took over `slow_after`
    seconds: then it is the figure (one run), since repeating would not finish in time."""
    app_canvas, bare = AppCanvas(model), BareCanvas(model)
    first = once(app_canvas.build_and_paint)
    bare.show_like(app_canvas.view)
    slow = first > slow_after
    if slow:
        b = once(bare.build_and_paint)
        full = (first, b, first / b)
    else:
        app_canvas.close()
        bare.build_and_paint()
        bare.close()
        full = _measure(app_canvas, bare, repeats, keep_last=True)
    s, b, r = full
    results = [Result(size, "scene build + first paint", s, "bare QGraphicsScene", b, r,
                      f"<= {SCENE_RATIO_LIMIT:g}x", r <= SCENE_RATIO_LIMIT,
                      note="ModelScene + lot regions + CanvasView at fit"
                           + (", one run" if slow else ""))]

    # One wheel step in or out at fit-to-window, painted, on the canvas left built above.
    steps = 1 if slow else max(4, repeats * 2)
    zs, zb, zr = [], [], []
    for i in range(steps):
        s = once(lambda: app_canvas.zoom_step(i % 2 == 0))
        b = once(lambda: bare.zoom_step(i % 2 == 0))
        zs.append(s)
        zb.append(b)
        zr.append(s / b)
    results.append(Result(size, "zoom step + paint at fit", statistics.median(zs),
                          "bare QGraphicsScene", statistics.median(zb), statistics.median(zr),
                          note="one wheel step, every item repainted" +
                               (", one run" if slow else "")))
    app_canvas.close()
    bare.close()

    s, b, r = _measure(AppCanvas(model, with_lots=False), bare, 1 if slow else repeats,
                       keep_last=False)
    results.insert(1, Result(size, "  same without lot regions", s, "bare QGraphicsScene", b, r,
                             note="ModelScene + CanvasView at fit"))
    return results, first


def _measure(subject: AppCanvas, bare: BareCanvas, repeats: int,
             keep_last: bool) -> tuple[float, float, float]:
    times_s, times_b, ratios = [], [], []
    for i in range(repeats):
        s, b = once(subject.build_and_paint), once(bare.build_and_paint)
        times_s.append(s)
        times_b.append(b)
        ratios.append(s / b)
        if not (keep_last and i == repeats - 1):
            subject.close()
            bare.close()
    return statistics.median(times_s), statistics.median(times_b), statistics.median(ratios)


# --- dragging ------------------------------------------------------------------------------

def _mouse(widget, kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton,
           buttons: Qt.MouseButton) -> QMouseEvent:
    """A mouse event at `pos` in `widget`, with its true global position: the scene finds
    the item under the mouse from the global one, so a made-up one hits another item."""
    return QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons,
                       Qt.KeyboardModifier.NoModifier)


def drag_times(view: QGraphicsView, start: QPointF, moves: int) -> list[float]:
    """Press on `start` (scene), move `moves` times, release; seconds per move event,
    each including the repaint and queued work it causes."""
    app = QApplication.instance()
    viewport = view.viewport()
    at = view.mapFromScene(start)
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    app.sendEvent(viewport, _mouse(viewport, QEvent.Type.MouseButtonPress, at, left, left))
    settle()
    times = []
    for i in range(1, moves + 1):
        pos = at + QPoint(7 * i, 3 * i)
        t = time.perf_counter()
        app.sendEvent(viewport, _mouse(viewport, QEvent.Type.MouseMove, pos, none, left))
        app.processEvents()
        times.append(time.perf_counter() - t)
        if sum(times) > DRAG_BUDGET and len(times) >= 3:
            break  # each move is slow enough already; the median of a few says it
    app.sendEvent(viewport, _mouse(viewport, QEvent.Type.MouseButtonRelease, pos, left, none))
    settle()
    return times


def busiest_component(model: ServiceModel) -> str:
    """A component near the middle of the model with the most pathways: the worst case."""
    degree: dict[str, int] = {}
    for p in model.pathways:
        degree[p.source] = degree.get(p.source, 0) + 1
        degree[p.target] = degree.get(p.target, 0) + 1
    middle = model.components[len(model.components) // 2:]
    return max(middle, key=lambda c: degree.get(c.id, 0)).id


def bench_drag(size: int, model: ServiceModel) -> list[Result]:
    """Drag in the real main window at 100% zoom, against a plain movable rectangle."""
    from designer.document import Document
    from designer.main_window import MainWindow

    model = model.model_copy(deep=True)  # the drag moves a component
    window = MainWindow(Document())
    window.resize(VIEW_W, VIEW_H)
    window.show()
    window.doc.set_model(model, None)  # as File > Open does
    settle()
    component_id = busiest_component(model)
    item = window.scene.components[component_id]
    window.view.reset_zoom()
    window.view.centerOn(item)
    settle()
    start = item.pos()
    ours = drag_times(window.view, start, DRAG_MOVES)
    if window.scene.components[component_id].pos() == start:
        raise RuntimeError(f"the drag did not move {component_id}: the mouse missed it")
    window.doc.undo_stack.clear()
    window.doc.undo_stack.setClean()
    window.hide()
    shiboken6.delete(window)

    bare = BareCanvas(model)
    bare.build_and_paint()
    bare.view.show()
    bare.view.resetTransform()
    x, y = model.component(component_id).position.x, model.component(component_id).position.y
    rect = next(i for i in bare.scene.items(QPointF(x, y)) if i.type() == 3)  # a rect item
    rect.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                  | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
    bare.view.centerOn(x, y)
    settle()
    plain = drag_times(bare.view, QPointF(x, y), DRAG_MOVES)
    if rect.pos() == QPointF(0, 0):
        raise RuntimeError("the baseline's drag did not move its rectangle")
    bare.view.hide()
    bare.close()

    s, b = statistics.median(ours), statistics.median(plain)
    limit = DRAG_LIMIT.get(size)
    return [Result(size, "drag: one move event", s, "plain movable rect", b, s / b,
                   f"<= {limit * 1e3:g} ms" if limit else "", (s <= limit) if limit else None,
                   note=f"main window, 100% zoom, median of {len(ours)} moves, worst "
                        f"{max(ours) * 1e3:.0f} ms")]


# --- NodeGraphQt, the closest open-source peer -----------------------------------------------

def nodegraphqt_missing() -> str | None:
    try:
        import NodeGraphQt  # noqa: F401
    except Exception as e:  # it imports Qt.py, which may find no binding
        return f"NodeGraphQt does not import ({type(e).__name__}: {e})"
    return None


def nodegraphqt_build(model: ServiceModel) -> None:
    from NodeGraphQt import BaseNode, NodeGraph

    class Box(BaseNode):
        __identifier__ = "bench"
        NODE_NAME = "Box"

        def __init__(self):
            super().__init__()
            self.add_input("in", multi_input=True)
            self.add_output("out", multi_output=True)

    graph = NodeGraph()
    graph.register_node(Box)
    nodes = {c.id: graph.create_node("bench.Box", name=c.name[:40],
                                     pos=[c.position.x, c.position.y], push_undo=False,
                                     selected=False)
             for c in model.components}
    for p in model.pathways:
        nodes[p.source].output(0).connect_to(nodes[p.target].input(0), push_undo=False)
    viewer = graph.viewer()
    viewer.resize(VIEW_W, VIEW_H)
    viewer.grab()


def bench_nodegraphqt(size: int, model: ServiceModel, repeats: int,
                      slow_after: float) -> list[Result]:
    """The same graph built and painted in NodeGraphQt, against our scene (lot regions and
    all). A NodeGraphQt build slower than `slow_after` seconds is measured once."""
    app_canvas = AppCanvas(model)
    first = once(lambda: nodegraphqt_build(model))
    if first > slow_after:
        ours = once(app_canvas.build_and_paint)
        s, b, r = first, ours, first / ours
    else:
        s, b, r = paired(lambda: nodegraphqt_build(model), app_canvas.build_and_paint, repeats)
    app_canvas.close()
    return [Result(size, "NodeGraphQt: same graph, build+paint", s, "our scene build", b, r,
                   note="ratio above 1: NodeGraphQt is slower"
                        + (", one run" if first > slow_after else ""))]
