"""The printed diagram: the model itself painted onto any QPainter (PDF, SVG, PNG, printer).

This draws the model, not the designer's canvas: no selection, handles, grid or hover, and
always the light print palette. Everything is in scene units (component positions are box
centres, as in models.layout) with real pen widths, so lines and text scale with the page.
Lots are tinted, hatched regions behind their components, and every member box carries the
lot code, so a greyscale copy still tells the lots apart. Drawing avoids clip paths (the SVG
generator ignores them): hatches are intersected geometrically and callers cover the outside
of a tiled diagram instead. Names print in full (up to three lines, a font step smaller if
need be); one that still does not fit is cut short behind a key number, and the pack prints
the full name under the diagram. Lot badges are painted last: no pathway label hides them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from models import catalogue
from models.geometry import BOX_H, BOX_W
from models.layout import layered_positions
from models.labels import place_labels
from models.lot_tags import place_tags, segments, tag_texts
from models.routing import route_pathways
from models.wording import wrap_words
from models.lots import unassigned_services
from models.schema import Lot, LotPlan, ServiceModel

from ..shapes import component_shape
from .box_index import BoxIndex
from .lot_areas import FADE, LOT_PAD, blend, lot_ink, lot_region, paint_lot_fill
from .geometry import record, recording
from .text import Style

EXTENT_MARGIN = 24.0  # white space around the drawing
INK = QColor("#1a1a1a")
PATHWAY_INK = QColor("#404040")
UNASSIGNED = QColor("#c00000")
# Faded (outside the lot) boxes and pathways on a lot's page: clearly secondary, yet their
# names still read in a greyscale copy (mid-grey text on an almost white fill).
FADED_FILL = 0.8  # how far a faded box's fill moves towards white
FADED_LINE = QColor("#9a9a9a")  # box outlines, pathways and arrowheads
FADED_TEXT = QColor("#5e5e5e")  # names, lot codes and pathway labels
FADED_KIND = QColor("#7a7a7a")  # the kind line under a name
NAME_SIZES = (17.0, 15.0)  # the name font, and the step down for names that need it
NAME_PITCH = 1.2  # name lines at most this many font sizes apart (Segoe UI's own is 1.33)


@lru_cache(maxsize=None)
def styles() -> dict[str, Style]:
    # Created on first use: fonts need the QGuiApplication.
    return {"name": Style(NAME_SIZES[0], bold=True), "kind": Style(12),
            "label": Style(12, italic=True), "code": Style(12, bold=True),
            "flag": Style(11, bold=True)}


@lru_cache(maxsize=None)
def name_style(size: float) -> Style:
    return Style(size, bold=True)


@dataclass
class PlanFacts:
    home: dict[str, Lot]  # component id -> its lot (lot_of)
    unassigned: set[str]  # unassigned_services
    fits: dict[str, NameFit]  # name_fits


@dataclass
class Diagram:
    """Where everything goes, in scene units; built once per model and reused for each page."""
    model: ServiceModel
    boxes: dict[str, QRectF]
    extent: QRectF
    names: dict[str, str] = field(default_factory=dict)
    # Worked out on first use and kept, since every page asks again (boxes never change).
    _index: BoxIndex | None = field(default=None, repr=False, compare=False)
    _routes: dict[str, QPainterPath] | None = field(default=None, repr=False, compare=False)
    _regions: dict = field(default_factory=dict, repr=False, compare=False)
    _components: dict | None = field(default=None, repr=False, compare=False)
    _positions: dict | None = field(default=None, repr=False, compare=False)
    _route_index: BoxIndex | None = field(default=None, repr=False, compare=False)
    _touching: dict | None = field(default=None, repr=False, compare=False)
    _by_id: dict | None = field(default=None, repr=False, compare=False)
    _plans: dict = field(default_factory=dict, repr=False, compare=False)
    _labels: dict | None = field(default=None, repr=False, compare=False)
    _label_index: BoxIndex | None = field(default=None, repr=False, compare=False)

    def component(self, component_id: str):
        """The component with this id, or None."""
        if self._components is None:
            self._components = {c.id: c for c in self.model.components}
            self._positions = {c.id: i for i, c in enumerate(self.model.components)}
        return self._components.get(component_id)

    def position(self, component_id: str) -> int:
        """Where the component comes in the model (the order boxes are painted in)."""
        self.component(component_id)
        return self._positions[component_id]

    def index(self) -> BoxIndex:
        """The boxes by grid cell: "which boxes are near here" without testing every box."""
        if self._index is None:
            self._index = BoxIndex(self.boxes)
        return self._index

    def route_index(self) -> BoxIndex:
        """The pathways' routes by grid cell (their bounding boxes, padded: a straight
        vertical route's box has no width and would intersect nothing), so a page finds the
        pathways near its crop without testing every pathway."""
        if self._route_index is None:
            self._route_index = BoxIndex({pid: route.boundingRect().adjusted(-1, -1, 1, 1)
                                          for pid, route in pathway_routes(self).items()})
        return self._route_index

    def _pathway_maps(self) -> tuple[dict, dict]:
        """(component id -> its pathways, pathway id -> pathways), each as (position in the
        model, pathway): a lot's page asks about its own few, not all of the model's."""
        if self._touching is None:
            self._touching, self._by_id = {}, {}
            for i, p in enumerate(self.model.pathways):
                self._by_id.setdefault(p.id, []).append((i, p))
                for end in dict.fromkeys((p.source, p.target)):
                    self._touching.setdefault(end, []).append((i, p))
        return self._touching, self._by_id

    def pathways_touching(self, component_ids) -> list:
        """The pathways to or from any of these components, in model order (each once)."""
        touching, _ = self._pathway_maps()
        found = {i: p for cid in component_ids for i, p in touching.get(cid, ())}
        return [found[i] for i in sorted(found)]

    def pathways_near(self, rect: QRectF) -> list:
        """The routed pathways whose (padded) route bounds intersect `rect`, in model order."""
        _, by_id = self._pathway_maps()
        found = {i: p for pid in self.route_index().near(rect) for i, p in by_id[pid]}
        return [found[i] for i in sorted(found)]

    def plan_facts(self, plan: LotPlan | None) -> PlanFacts:
        """Each component's lot, the unassigned services and the name settings under
        `plan`: whole-model work, done once per plan rather than for every page. Kept while
        the lots' ids, codes, names, colours and members stay the same (this diagram is
        already a snapshot of the components)."""
        key = None if plan is None else (plan.id, tuple(
            (lot.id, lot.code, lot.name, lot.colour, tuple(lot.components)) for lot in plan.lots))
        if key not in self._plans:
            self._plans[key] = _plan_facts(self, plan)
        return self._plans[key]


def layout_diagram(model: ServiceModel) -> Diagram:
    automatic = layered_positions(model) if any(c.position is None for c in model.components) \
        else {}
    boxes = {}
    for c in model.components:
        x, y = (c.position.x, c.position.y) if c.position is not None else automatic[c.id]
        boxes[c.id] = QRectF(x - BOX_W / 2, y - BOX_H / 2, BOX_W, BOX_H)
    names = {c.id: c.name or c.kind_info.name for c in model.components}
    diagram = Diagram(model, boxes, QRectF(0, 0, BOX_W, BOX_H), names)
    extent = QRectF()
    for box in boxes.values():
        extent = extent.united(box)
    # Pathways run beside the outer boxes and carry labels: keep them on the page too.
    for route in pathway_routes(diagram).values():
        extent = extent.united(route.boundingRect())
    for rect, _ in pathway_labels(diagram).values():
        extent = extent.united(rect)
    if boxes:
        diagram.extent = extent.adjusted(-EXTENT_MARGIN, -EXTENT_MARGIN, EXTENT_MARGIN,
                                         EXTENT_MARGIN)
    return diagram


# --- shapes ------------------------------------------------------------------------------------

def _box(r: QRectF) -> tuple[float, float, float, float]:
    return r.x(), r.y(), r.width(), r.height()


def lot_tags(diagram: Diagram, lot: Lot) -> list[tuple[QRectF, str]]:
    """Where the lot's name tags go on paper and what they say: one inside each piece of its
    region, clear of every box and pathway label (models/lot_tags.py), the name shortened or
    the code alone where the whole name finds no room; none in a piece too small for one."""
    region = lot_region(diagram, lot)
    if region._tags is None:
        style = styles()["code"]
        texts = tag_texts(lot.code, lot.name)
        sizes = [(style.width(t) + 10, style.line_height + 2) for t in texts]
        area = region.outline.boundingRect()
        if diagram._label_index is None:
            diagram._label_index = BoxIndex({pid: rect for pid, (rect, _) in
                                             pathway_labels(diagram).items()})
        obstacles = [*diagram.index().near(area).values(),
                     *diagram._label_index.near(area).values()]
        routes = pathway_routes(diagram)
        arrows = [s for p in diagram.pathways_near(area) for s in segments(
            [(e.x, e.y) for e in (routes[p.id].elementAt(i)
                                  for i in range(routes[p.id].elementCount()))])]
        region._tags = [(QRectF(*spot), texts[i]) for spot, i in
                        place_tags([_box(p) for p in region.parts],
                                   [_box(o) for o in obstacles], sizes, arrows)]
    return region._tags


def _paint_lot_tags(painter: QPainter, diagram: Diagram, lots: list[Lot],
                    faded: Callable[[Lot], bool], shown: QRectF | None) -> None:
    """Each lot's name tags (lot_tags), a white label in the lot's ink like a box's badge;
    with `shown`, only tags wholly inside it."""
    style = styles()["code"]
    for lot in lots:
        fade = faded(lot)
        for rect, text in lot_tags(diagram, lot):
            if shown is not None and not shown.contains(rect):
                continue
            painter.setPen(QPen(blend(lot_ink(lot), "white", FADE) if fade else lot_ink(lot),
                                1.2))
            painter.setBrush(QColor("white"))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(FADED_TEXT if fade else INK)
            style.draw(painter, rect, text, Qt.AlignCenter)


# --- pathways ----------------------------------------------------------------------------------

def pathway_routes(diagram: Diagram) -> dict[str, QPainterPath]:
    """An orthogonal route per pathway id, round the boxes (models/routing.py, the router
    the canvas uses too); ends on a box's side are spread along it, never shared."""
    if diagram._routes is None:
        diagram._routes = _pathway_routes(diagram)
    return diagram._routes


def _pathway_routes(diagram: Diagram) -> dict[str, QPainterPath]:
    """The shared router's polylines (models/routing.py), as painter paths."""
    boxes = {cid: (r.x(), r.y(), r.width(), r.height()) for cid, r in diagram.boxes.items()}
    lines = route_pathways(boxes, [(p.id, p.source, p.target) for p in diagram.model.pathways])
    return {pid: _polyline_path(points) for pid, points in lines.items()}


def _polyline_path(points) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for point in points[1:]:
        path.lineTo(QPointF(*point))
    return path


def pathway_labels(diagram: Diagram) -> dict[str, tuple[QRectF, str]]:
    """Where each pathway's label goes and its text, on one line or, where one line finds
    no room, two (worked out once per diagram)."""
    if diagram._labels is None:
        style = styles()["label"]
        sizes, texts = {}, {}
        for p in diagram.model.pathways:
            if p.label.strip():
                text = style.elide(" ".join(p.label.split()), BOX_W * 0.9)
                two = style.wrap(text, style.width(text) / 2 + style.line_height, max_lines=2)
                texts[p.id] = [text, "\n".join(two)]
                sizes[p.id] = [(style.width(text) + 8, style.line_height + 2),
                               (max(style.width(line) for line in two) + 8,
                                len(two) * style.line_height + 2)]
        boxes = {cid: (r.x(), r.y(), r.width(), r.height()) for cid, r in diagram.boxes.items()}
        routes = {pid: [(e.x, e.y) for e in (path.elementAt(i)
                                             for i in range(path.elementCount()))]
                  for pid, path in pathway_routes(diagram).items()}
        diagram._labels = {pid: (QRectF(*r), texts[pid][option]) for pid, (r, option) in
                           place_labels(boxes, routes, sizes).items()}
    return diagram._labels


def _arrow_head(path: QPainterPath, size: float = 11.0) -> QPolygonF:
    tip = path.pointAtPercent(1.0)
    back = path.pointAtPercent(max(0.0, 1.0 - size / max(path.length(), size)))
    angle = math.atan2(tip.y() - back.y(), tip.x() - back.x())
    spread = math.radians(24)
    return QPolygonF([tip,
                      tip - QPointF(math.cos(angle - spread), math.sin(angle - spread)) * size,
                      tip - QPointF(math.cos(angle + spread), math.sin(angle + spread)) * size])


# --- painting ----------------------------------------------------------------------------------

def lot_of(plan: LotPlan | None) -> dict[str, Lot]:
    return {m: lot for lot in (plan.lots if plan else []) for m in lot.components}


NEIGHBOURHOOD_MARGIN = LOT_PAD + EXTENT_MARGIN  # lot region padding, arrowheads and labels


def neighbourhood(diagram: Diagram, lot: Lot,
                  fits: Callable[[QRectF], bool] | None = None) -> tuple[set[str], QRectF | None]:
    """The part of the diagram a lot's page shows, and the components it is there for: the
    lot's members and the components one pathway away from one (either direction), their
    boxes and the pathways between them (which may bulge out beside a column), padded. With
    `fits`, neighbours are taken nearest first, and one that would make the part too big
    for `fits` is left out (its pathways then run off the edge). (set(), None) for a lot
    with no components."""
    members = {m for m in lot.components if m in diagram.boxes}
    if not members:
        return set(), None
    routes = pathway_routes(diagram)
    area = QRectF()
    for cid in members:
        area = area.united(diagram.boxes[cid])
    links: dict[str, list[str]] = {}  # neighbour -> its pathways to or from members
    for p in diagram.pathways_touching(members):  # not every pathway of the model
        ends = (p.source, p.target)
        outside = [end for end in ends if end not in members and end in diagram.boxes]
        for end in outside:
            links.setdefault(end, []).append(p.id)
        if not outside and p.id in routes:
            area = area.united(routes[p.id].boundingRect())
    m = NEIGHBOURHOOD_MARGIN

    def padded(r: QRectF) -> QRectF:
        return r.adjusted(-m, -m, m, m)

    def distance(cid: str) -> float:
        box = diagram.boxes[cid]
        dx = max(area.left() - box.right(), box.left() - area.right(), 0.0)
        dy = max(area.top() - box.bottom(), box.top() - area.bottom(), 0.0)
        return math.hypot(dx, dy)
    shown = set(members)
    for cid in sorted(links, key=lambda c: (distance(c), c)):
        trial = area.united(diagram.boxes[cid])
        for pid in links[cid]:
            if pid in routes:
                trial = trial.united(routes[pid].boundingRect())
        if fits is None or fits(padded(trial)):
            area = trial
            shown.add(cid)
    return shown, padded(area)


# --- component names ---------------------------------------------------------------------------

@dataclass(frozen=True)
class NameFit:
    """How a component's name is set in its box."""
    style: Style
    pitch: float  # from one line to the next
    lines: tuple[str, ...]
    show_kind: bool  # the kind line under the name (dropped to give the name a third line)
    complete: bool  # False: the name is cut short and printed in full in the page's key


def wrap_within(style: Style, text: str, widths: list[float]) -> list[str] | None:
    """Greedy word wrap with line i at most widths[i] wide, or None when the words do not fit
    in that many lines (nothing is ever elided here)."""
    lines, rest = wrap_words(text, lambda line, i: style.width(line) <= widths[i], len(widths))
    if rest or any(style.width(line) > widths[i] for i, line in enumerate(lines)):
        return None
    return lines


def _inner(kind: catalogue.Kind, box: QRectF) -> QRectF:
    """Where text goes in a box: clear of a route's notch and an exit's round ends."""
    inset = 18.0 if kind.is_route else (BOX_H / 3 if kind.is_exit else 9.0)
    return box.adjusted(inset, 6, -9 if not kind.is_exit else -BOX_H / 3, -5)


@lru_cache(maxsize=4096)
def fit_name(name: str, kind: catalogue.Kind, flag_w: float, number: int = 0) -> NameFit:
    """The largest setting that prints the whole name: up to two lines over the kind line;
    three lines without it; three lines a font step smaller. Failing all, the name is cut
    short behind its key number, e.g. "[1] Self-referral (phone, online, w…"."""
    inner = _inner(kind, QRectF(0, 0, BOX_W, BOX_H))
    width, height = inner.width(), inner.height()
    kind_h = styles()["kind"].line_height
    # "GP referral / GP referral" is noise
    kind_wanted = name.casefold() != kind.name.casefold()
    # Without a kind line the name's last line shares the bottom with the lot badge (which
    # an exit's centred text clears on both sides).
    badge_gap = (flag_w + 4) * (2 if kind.is_exit else 1) if flag_w else 0.0
    text = " ".join(name.split())
    for size in NAME_SIZES:
        style = name_style(size)
        pitch = min(style.line_height, NAME_PITCH * size)
        tries = [(n, True) for n in (1, 2)] if kind_wanted and size == NAME_SIZES[0] else []
        tries += [(n, False) for n in (1, 2, 3)]
        for count, with_kind in tries:
            if count * pitch + (kind_h if with_kind else 0) > height + 0.5:
                continue
            widths = [width] * count
            if not with_kind:
                widths[-1] -= badge_gap
            lines = wrap_within(style, text, widths)
            if lines is not None:
                return NameFit(style, pitch, tuple(lines), with_kind, True)
    style = name_style(NAME_SIZES[-1])
    pitch = min(style.line_height, NAME_PITCH * style.size)
    count = max(1, min(3, int((height + 0.5) // pitch)))
    lines = style.wrap(f"[{number}] {text}", width, max_lines=count)
    if len(lines) == count and style.width(lines[-1]) > width - badge_gap:
        lines[-1] = style.elide(lines[-1], width - badge_gap)
    return NameFit(style, pitch, tuple(lines), False, False)


def badge_text(lot: Lot | None, unassigned: bool) -> str:
    """The lot's code (its name, shortened to part of the box, if it has no code)."""
    if lot is None:
        return "UNASSIGNED" if unassigned else ""
    return lot.code or styles()["code"].elide(" ".join(lot.name.split()), BOX_W * 0.55)


def _badge_width(text: str, unassigned: bool) -> float:
    s = styles()
    return (s["flag"] if unassigned else s["code"]).width(text) + 10 if text else 0.0


def badge_rect(kind: catalogue.Kind, box: QRectF, text: str, unassigned: bool) -> QRectF:
    """Where a box's lot badge (or UNASSIGNED flag) goes: the bottom right corner."""
    width = _badge_width(text, unassigned)
    height = styles()["flag" if unassigned else "code"].line_height + 2
    return QRectF(_inner(kind, box).right() - width, box.bottom() - height - 4, width, height)


def name_fits(diagram: Diagram, plan: LotPlan | None) -> dict[str, NameFit]:
    """Each component's name setting under a plan (its lot badge takes room); names that do
    not fit are numbered 1, 2... in model order for the key printed beside the diagram.
    (Worked out once per plan: see Diagram.plan_facts. Do not change the dict.)"""
    return diagram.plan_facts(plan).fits


def _plan_facts(diagram: Diagram, plan: LotPlan | None) -> PlanFacts:
    home = lot_of(plan)
    unassigned = set(unassigned_services(diagram.model, plan))
    fits, number = {}, 0
    for c in diagram.model.components:
        lot = home.get(c.id)
        flag = badge_text(lot, lot is None and c.id in unassigned)
        args = (diagram.names[c.id], c.kind_info,
                _badge_width(flag, lot is None and c.id in unassigned))
        fit = fit_name(*args)
        if not fit.complete:
            number += 1
            fit = fit_name(*args, number=number)
        fits[c.id] = fit
    return PlanFacts(home, unassigned, fits)


def shortened_names(diagram: Diagram, plan: LotPlan | None) -> list[tuple[int, str]]:
    """(key number, full name) of the names the diagram had to cut short."""
    fits = name_fits(diagram, plan)
    return [(n + 1, diagram.names[cid]) for n, cid in
            enumerate(cid for cid, fit in fits.items() if not fit.complete)]


@dataclass
class Layers:
    """What another drawing adds to the diagram, painted in scene units: `under` over the lot
    areas and under the pathways and boxes, `over` on top of everything."""
    under: Callable[[QPainter], None] | None = None
    over: Callable[[QPainter], None] | None = None
    foot: dict[str, float] = field(default_factory=dict)  # box id -> room its name leaves


def shown_area(target: QRectF, source: QRectF) -> QRectF:
    """The part of the diagram that `target` shows when `source` is fitted into it (scaled
    uniformly, centred): `source` grown to the target's shape."""
    scale = min(target.width() / source.width(), target.height() / source.height())
    w, h = target.width() / scale, target.height() / scale
    c = source.center()
    return QRectF(c.x() - w / 2, c.y() - h / 2, w, h)


def paint_diagram(painter: QPainter, diagram: Diagram, plan: LotPlan | None, target: QRectF,
                  source: QRectF | None = None, focus_lot: str | None = None,
                  whole_boxes: bool = False, layers: Layers | None = None) -> float:
    """Paint the part `source` of the diagram (the whole extent by default) into `target`,
    scaled uniformly and centred. With `focus_lot`, that lot is drawn in full and the rest
    faded. With `whole_boxes`, only components wholly inside the target are drawn, and
    pathway labels only where they fit inside it: pathways leaving it are cut at its edge,
    and no text is cut (a crop of the diagram on a lot's page). With `layers`, more is painted
    in scene units (the flow diagram's bands and figures). Returns the scale (target units per
    scene unit)."""
    source = source or diagram.extent
    scale = min(target.width() / source.width(), target.height() / source.height())
    shown = shown_area(target, source)
    painter.save()
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setClipRect(target, Qt.IntersectClip)
    painter.translate(target.center())
    painter.scale(scale, scale)
    painter.translate(-source.center())
    visible = source.adjusted(-LOT_PAD * 2, -LOT_PAD * 2, LOT_PAD * 2, LOT_PAD * 2)
    if whole_boxes:
        visible = shown

    def drawn(box: QRectF) -> bool:
        return shown.contains(box) if whole_boxes else box.intersects(visible)

    facts = diagram.plan_facts(plan)  # once per plan, not per page
    home = facts.home
    lots = plan.lots if plan else []

    def faded_lot(lot: Lot | None) -> bool:
        return focus_lot is not None and (lot is None or lot.id != focus_lot)

    for lot in lots:
        region = lot_region(diagram, lot)
        if region.parts and region.outline.boundingRect().intersects(visible):
            paint_lot_fill(painter, region, lot, faded=faded_lot(lot))

    if layers is not None and layers.under is not None:
        layers.under(painter)
    routes = pathway_routes(diagram)
    labels = []

    def touches_focus(p) -> bool:
        return focus_lot is None or any(home.get(end) is not None and home[end].id == focus_lot
                                        for end in (p.source, p.target))

    # Faded pathways first, so the focused lot's pathways are drawn over them. Only those
    # near the visible part, found by grid cell: a lot's page costs what its crop shows.
    for p in sorted(diagram.pathways_near(visible), key=touches_focus):
        route = routes[p.id]
        focused = touches_focus(p)
        ink = PATHWAY_INK if focused else FADED_LINE
        painter.setPen(QPen(ink, 1.8 if focused else 1.4, Qt.SolidLine, Qt.RoundCap,
                            Qt.RoundJoin))
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(route)
        painter.setPen(Qt.NoPen)
        painter.setBrush(ink)
        painter.drawPolygon(_arrow_head(route))
        if p.label.strip():
            labels.append((route, " ".join(p.label.split()), ink,
                           PATHWAY_INK if focused else FADED_TEXT, p))

    fits, unassigned = facts.fits, facts.unassigned
    badges = []
    # The boxes near the visible part (by grid cell), painted in model order as before.
    near = diagram.index().near(visible)
    for cid in sorted((cid for cid, box in near.items() if drawn(box)),
                      key=diagram.position):
        box = diagram.boxes[cid]
        lot = home.get(cid)
        badge = _paint_component(painter, diagram, cid, box, lot, fits[cid],
                                 lot is None and cid in unassigned, faded_lot(lot),
                                 layers.foot.get(cid, 0.0) if layers is not None else 0.0)
        if badge is not None:
            badges.append(badge)

    # Pathway labels on a white ground, where models/labels.py put them (off the boxes, the
    # other labels and, where it can, the other arrows), then the badges over everything.
    style = styles()["label"]
    spots = pathway_labels(diagram)
    placed_labels = []  # (source, target, text, rect) for the geometry export
    for route, text, ink, text_ink, p in labels:
        spot, text = spots.get(p.id, (None, text))
        if spot is None or (whole_boxes and not shown.contains(spot)):
            continue  # a label cut at the edge would be half a word
        placed_labels.append((p.source, p.target, text, spot))
        painter.setPen(QPen(blend(ink, "white", 0.5), 0.8))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(spot, 4, 4)
        painter.setPen(text_ink)
        style.draw(painter, spot, text, Qt.AlignCenter)
    _paint_lot_tags(painter, diagram, [lot for lot in lots if lot_region(diagram, lot).parts
                                       and lot_region(diagram, lot).outline.boundingRect()
                                       .intersects(visible)],
                    faded_lot, shown if whole_boxes else None)
    for rect, flag, flag_style, ink, text_ink in badges:
        painter.setPen(QPen(ink, 1.2))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(text_ink)
        flag_style.draw(painter, rect, flag, Qt.AlignCenter)
    if layers is not None and layers.over is not None:
        layers.over(painter)
    if recording():
        _record(painter, diagram, plan, visible, drawn, placed_labels)
    painter.restore()
    return scale


def _record(painter: QPainter, diagram: Diagram, plan: LotPlan | None, visible: QRectF,
            drawn: Callable[[QRectF], bool], labels: list) -> None:
    """What this page drew, for `export --geometry`."""
    boxes = {cid: box for cid, box in diagram.index().near(visible).items() if drawn(box)}
    routes = pathway_routes(diagram)
    fits = diagram.plan_facts(plan).fits
    lots = [(lot.id, lot.code, lot_region(diagram, lot).outline) for lot in
            (plan.lots if plan else []) if lot_region(diagram, lot).parts]
    record(painter, boxes=boxes, labels=labels, lots=lots,
           arrows=[(p.source, p.target, routes[p.id]) for p in diagram.pathways_near(visible)],
           name_size=min((fits[cid].style.size for cid in boxes), default=None))


def _paint_component(painter: QPainter, diagram: Diagram, cid: str, box: QRectF,
                     lot: Lot | None, fit: NameFit, unassigned: bool, faded: bool,
                     foot: float = 0.0):
    """The box, its name and kind; returns its lot badge (rect, text, style, border ink,
    text ink) for painting last, or None. The name keeps `foot` clear at the bottom, where
    the kind line gives way to what a layer paints there."""
    c = diagram.component(cid)
    kind = c.kind_info

    def fade(colour: QColor | str) -> QColor:
        return blend(colour, "white", FADE) if faded else QColor(colour)
    shape = component_shape(kind, box)
    painter.setBrush(blend(kind.colour, "white", FADED_FILL) if faded else QColor(kind.colour))
    if unassigned:
        painter.setPen(QPen(fade(UNASSIGNED), 2.6, Qt.DashLine))
    else:
        painter.setPen(QPen(FADED_LINE if faded else INK, 1.0 if faded else 1.4))
    painter.drawPath(shape)

    s = styles()
    inner = _inner(kind, box).adjusted(0, 0, 0, -foot)
    show_kind = fit.show_kind and not foot
    # The bottom line holds the kind name on the left and the lot code (or a flag) on the right.
    flag = badge_text(lot, unassigned)
    flag_style = s["flag"] if unassigned else s["code"]
    flag_w = _badge_width(flag, unassigned)
    block = len(fit.lines) * fit.pitch + (s["kind"].line_height if show_kind else 0)
    top = inner.top() + max(0.0, (inner.height() - block) / 2)
    painter.setPen(FADED_TEXT if faded else INK)
    for i, line in enumerate(fit.lines):
        fit.style.draw(painter, QRectF(inner.left(), top + i * fit.pitch, inner.width(),
                                       fit.pitch),
                       line, (Qt.AlignHCenter if kind.is_exit else Qt.AlignLeft) | Qt.AlignVCenter)
    if show_kind:
        kind_y = top + len(fit.lines) * fit.pitch
        painter.setPen(FADED_KIND if faded else QColor("#4a4a4a"))
        s["kind"].draw(painter, QRectF(inner.left(), kind_y, inner.width(),
                                       s["kind"].line_height),
                       s["kind"].elide(kind.name, inner.width() - flag_w - 4),
                       (Qt.AlignHCenter if kind.is_exit and not flag else Qt.AlignLeft)
                       | Qt.AlignVCenter)
    if not flag:
        return None
    badge = badge_rect(kind, box, flag, unassigned)
    ink = UNASSIGNED if unassigned else lot_ink(lot)
    if not faded:
        return badge, flag, flag_style, ink, ink if unassigned else INK
    return badge, flag, flag_style, fade(ink), blend(UNASSIGNED, "white", 0.3) if unassigned \
        else FADED_TEXT
