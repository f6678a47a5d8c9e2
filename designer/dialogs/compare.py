"""File > Compare with...: what changed between the open model and another file.

The dialog lists the differences grouped (models.diff does the comparing) and can copy or print
them. While it is open the canvas marks them: added items with a green ring, changed ones with a
dashed purple one, removed components as faint dashed ghosts at their old positions, and lots of
the plan shown that are new or changed with a word on their bottom edge. The marks are overlay
items of this module's own, removed when the dialog closes; the canvas item classes are untouched.

The later version (by the revision logs) is the newer side. When that is the open model, ids
of added and changed items are ids on the canvas and removed ones are drawn as ghosts from the
other file; when it is the other file, what it removes or changes is marked on the canvas and
what it adds is drawn as ghosts (DiffMarkers' canvas_is_new).
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPainterPath, QPen, QTextDocument
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QGraphicsItem,
                               QGraphicsLineItem, QGraphicsPathItem, QGraphicsRectItem,
                               QGraphicsSimpleTextItem,
                               QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from models import ModelFileError, read_model
from models.diff import ModelDiff, Section, diff_models, is_later_version
from models.schema import ServiceModel
from models.wording import and_list, when_words

from ..canvas.items import BOX_H, BOX_W, Z_COMPONENT, Z_LOT_TAG, Z_PATHWAY
from ..widgets.plain_text import plain_tooltip
from ..printing.lot_areas import LOT_PAD
from .. import messages
from ..widgets.screens import fit_to_screen

# Dark and unlike any lot colour (models.catalogue.LOT_COLOURS), on a white rim, so a mark
# shows on every lot's tint; "changed" is also dashed, for greyscale and colour-blind readers.
ADDED = QColor("#006d2c")
CHANGED = QColor("#6a1b9a")
REMOVED = QColor("#77767b")
MAX_GHOST_NAME = 28  # characters of a removed component's name drawn inside its ghost

Node = tuple[str, list]  # one line of the grouped list and the lines under it


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def outline(diff: ModelDiff) -> list[Node]:
    """The comparison as a tree of plain lines: sections, items, field changes."""
    nodes: list[Node] = []

    def leaf(text: str) -> Node:
        return one_line(text), []

    def group(title: str, children: list[Node]) -> None:
        if children:
            nodes.append((f"{title} ({len(children)})", children))

    def section(title: str, part: Section) -> None:
        group(f"{title} added", [leaf(f"+ {i.name}") for i in part.added])
        group(f"{title} removed", [leaf(f"- {i.name}") for i in part.removed])
        group(f"{title} changed", [(one_line(f"* {i.name}"),
                                    [leaf(c.sentence()) for c in i.changes])
                                   for i in part.changed])

    if diff.model:
        nodes.append(("Model", [leaf(c.sentence()) for c in diff.model]))
    section("Components", diff.components)
    group("Components moved on the canvas", [leaf(f"~ {m.name}") for m in diff.moved])
    section("Pathways", diff.pathways)
    section("Funding sources", diff.funding_sources)
    group("Lot plans added", [leaf(f"+ {i.name}") for i in diff.plans_added])
    group("Lot plans removed", [leaf(f"- {i.name}") for i in diff.plans_removed])
    for plan in diff.plans_changed:
        children = [leaf(c.sentence()) for c in plan.changes]
        children += [leaf(f"+ lot {i.name} added") for i in plan.lots_added]
        children += [leaf(f"- lot {i.name} removed") for i in plan.lots_removed]
        for lot in plan.lots_changed:
            lines = [leaf("Now includes " + ", ".join(i.name for i in lot.joined))] \
                if lot.joined else []
            if lot.left:
                lines.append(leaf("No longer includes " + ", ".join(i.name for i in lot.left)))
            lines += [leaf(c.sentence()) for c in lot.changes]
            children.append((one_line(f"Lot {lot.name}"), lines))
        nodes.append((one_line(f"Lot plan {plan.name}"), children))
    # No +/- here: a finding that appears is bad news, not an addition to colour green.
    group("Findings that appeared",
          [leaf(f"{f.severity.capitalize()}: {f.message}") for f in diff.findings_appeared])
    group("Findings that went",
          [leaf(f"{f.severity.capitalize()}: {f.message}") for f in diff.findings_gone])
    return nodes


# --- marks on the canvas ------------------------------------------------------------------------

def _inert(item: QGraphicsItem, z: float) -> QGraphicsItem:
    """Overlay items are drawn only: clicks and drags go to the canvas items under them."""
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    item.setAcceptHoverEvents(False)
    item.setZValue(z)
    return item


def _tag(text: str, colour: QColor) -> QGraphicsSimpleTextItem:
    tag = QGraphicsSimpleTextItem(text)  # simple text items never interpret HTML
    font = QFont()
    font.setPixelSize(12)
    font.setBold(True)
    tag.setFont(font)
    tag.setBrush(colour)
    return tag


class DiffMarkers:
    """Overlay items on a ModelScene showing a ModelDiff; follow boxes as they move.

    The canvas holds one side of the diff and `other` the other side. When the canvas is the
    newer side (`canvas_is_new`), what was added or changed is on the canvas and what was
    removed is drawn as ghosts from `other`; when the other file is the newer one, what it
    removes or changes is marked on the canvas and what it adds is drawn as ghosts."""

    def __init__(self, scene, diff: ModelDiff, other: ServiceModel, canvas_is_new: bool = True):
        self.scene, self.diff, self.other = scene, diff, other
        self.items: list[QGraphicsItem] = []
        components, pathways = diff.components, diff.pathways
        # (ids on the canvas, colour, word) and (items of the other side drawn as ghosts).
        here, there = ((components.added, ADDED, "new"), (components.removed, REMOVED, "removed"))
        paths_here, paths_there = ((pathways.added, ADDED, "new"), (pathways.removed, REMOVED))
        if not canvas_is_new:
            here, there = (components.removed, REMOVED, "removed"), (components.added, ADDED, "new")
            paths_here, paths_there = (pathways.removed, REMOVED, "removed"), (pathways.added, ADDED)
        self.rings = [({i.id for i in here[0]}, here[1], here[2]),
                      ({i.id for i in components.changed}, CHANGED, "changed")]
        self.ghosts = ([other.component(i.id) for i in there[0]], there[1], there[2])
        self.glows = [({i.id for i in paths_here[0]}, *paths_here[1:]),
                      ({i.id for i in pathways.changed}, CHANGED, "changed")]
        self.lines = ([other.pathway(i.id) for i in paths_there[0]], paths_there[1])
        self.canvas_is_new = canvas_is_new
        doc = scene.doc
        for signal in self._signals(doc):
            signal.connect(self.draw)
        self.draw()

    @property
    def marked(self) -> dict[str, set[str]]:
        """Component ids ringed on the canvas, by word ("new", "removed", "changed")."""
        return {word: ids for ids, _, word in self.rings}

    @staticmethod
    def _signals(doc):
        return (doc.componentChanged, doc.componentAdded, doc.componentRemoved,
                doc.pathwayChanged, doc.pathwayRemoved, doc.lotsChanged)

    def _add(self, item: QGraphicsItem, z: float) -> None:
        self.scene.addItem(_inert(item, z))
        self.items.append(item)

    def clear(self) -> None:
        if shiboken6.isValid(self.scene):  # not when the window is being destroyed
            for item in self.items:
                self.scene.removeItem(item)
        self.items = []

    def remove(self) -> None:
        doc = self.scene.doc if shiboken6.isValid(self.scene) else None
        if doc is not None:
            for signal in self._signals(doc):
                try:
                    signal.disconnect(self.draw)
                except (RuntimeError, TypeError):
                    pass
        self.clear()

    def draw(self, *_) -> None:
        self.clear()
        if not shiboken6.isValid(self.scene):
            return
        for ids, colour, word in self.rings:
            for cid in ids:
                item = self.scene.components.get(cid)
                if item is not None:
                    self._halo(item.pos(), colour, word)
        for ids, colour, word in self.glows:
            for pid in ids:
                item = self.scene.pathways.get(pid)
                if item is not None:
                    glow = QGraphicsPathItem(item.shape())
                    glow.setPen(Qt.PenStyle.NoPen)
                    glow.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 90))
                    self._add(glow, Z_PATHWAY - 0.5)
                    # A third of the way along, clear of the pathway's own label midway.
                    self._word(item.point_at(0.3), word, colour, Z_PATHWAY + 0.5)
        components, colour, word = self.ghosts
        for component in components:
            if component is not None and component.position is not None:
                self._ghost(QPointF(component.position.x, component.position.y),
                            component.name, colour, word)
        pathways, colour = self.lines
        for pathway in pathways:
            ends = [self._where(cid) for cid in (pathway.source, pathway.target)]
            if None not in ends:
                line = QGraphicsLineItem(QLineF(*ends))
                pen = QPen(colour, 2, Qt.PenStyle.DashLine)
                pen.setCosmetic(True)
                line.setPen(pen)
                line.setOpacity(0.7)
                self._add(line, Z_PATHWAY - 0.5)
        self._lot_marks()

    def _lot_marks(self) -> None:
        """A word on the bottom edge of each lot of the plan on the canvas that is new,
        removed or changed ("L1 contract changed"); the dialog lists what changed in it."""
        model = self.scene.doc.model
        plan = model.plan()
        plan_diff = next((d for d in self.diff.plans_changed if plan and d.id == plan.id), None)
        if plan_diff is None:
            return  # the plan is unchanged, or new as a whole (the dialog says so)
        on_canvas = plan_diff.lots_added if self.canvas_is_new else plan_diff.lots_removed
        words = {i.id: ("new lot", ADDED) if self.canvas_is_new else ("lot removed", REMOVED)
                 for i in on_canvas}
        for lot_diff in plan_diff.lots_changed:
            words[lot_diff.id] = (lot_change_words(lot_diff), CHANGED)
        for lot in plan.lots:
            boxes = [self.scene.components[m].pos() for m in lot.components
                     if m in self.scene.components]
            if lot.id not in words or not boxes:
                continue
            word, colour = words[lot.id]
            # Under the lowest member, on the region's edge there (the region is the members'
            # padded boxes bridged, so its bounding box's corner may be outside it).
            lowest = max(boxes, key=lambda p: (p.y(), -p.x()))
            at = lowest + QPointF(-BOX_W / 2 - LOT_PAD + 12, BOX_H / 2 + LOT_PAD)
            self._word(at, f"{lot.code} {word}".strip(), colour, Z_LOT_TAG + 0.1)

    def _where(self, component_id: str) -> QPointF | None:
        """A ghost pathway's end: the box on the canvas if it is there, else the ghost."""
        if component_id in self.scene.components:
            return self.scene.components[component_id].pos()
        other = self.other.component(component_id)
        if other is None or other.position is None:
            return None
        return QPointF(other.position.x, other.position.y)

    def _halo(self, centre: QPointF, colour: QColor, word: str) -> None:
        rect = QRectF(-BOX_W / 2, -BOX_H / 2, BOX_W, BOX_H).adjusted(-7, -7, 7, 7)
        path = QPainterPath()
        path.addRoundedRect(rect, 12, 12)
        style = Qt.PenStyle.SolidLine if colour == ADDED else Qt.PenStyle.DashLine
        for pen in (QPen(QColor("white"), 9), QPen(colour, 5, style)):
            ring = QGraphicsPathItem(path)  # a rim around the box, above lots and arrows
            ring.setPen(pen)
            ring.setPos(centre)
            self._add(ring, Z_LOT_TAG - 0.5)  # under the lot's name tag, which stays readable
        # The word hangs from the ring's bottom edge, clear of the box's name and of the lot's
        # name tag above the box.
        self._word(centre + QPointF(-BOX_W / 2 + 10, BOX_H / 2 + 5), word, colour,
                   Z_COMPONENT + 0.4, "below")

    def _word(self, anchor: QPointF, word: str, colour: QColor, z: float,
              side: str = "on") -> None:
        """`word` in `colour` on a white label, its left end at `anchor`: centred "on" it, or
        hanging "below" or standing "above" it. The same size on screen at any zoom, so it
        reads with the whole model fitted to the window without covering a box's name."""
        tag = _tag(word, colour)
        size = tag.boundingRect()
        top = {"on": -size.height() / 2, "below": 1.0, "above": -size.height() - 1}[side]
        back = QGraphicsRectItem(size.adjusted(-4, -1, 4, 1).translated(0, top))
        back.setPen(QPen(colour, 1.5))
        back.setBrush(QColor("white"))
        back.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        back.setPos(anchor)
        tag.setParentItem(_inert(back, z))
        tag.setPos(0, top)
        self._add(back, z)
        self.items.append(_inert(tag, 0))  # removed with its label

    def _ghost(self, centre: QPointF, name: str, colour: QColor, word: str) -> None:
        """A dashed outline with the name where a component of the other side is, and `word`
        above it: "removed" (it was there before) or "new" (the other file adds it)."""
        path = QPainterPath()
        path.addRoundedRect(QRectF(-BOX_W / 2, -BOX_H / 2, BOX_W, BOX_H), 8, 8)
        ghost = QGraphicsPathItem(path)
        pen = QPen(colour, 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        ghost.setPen(pen)
        ghost.setBrush(QBrush(QColor(colour.red(), colour.green(), colour.blue(), 25)))
        ghost.setPos(centre)
        ghost.setOpacity(0.8)
        self._add(ghost, Z_COMPONENT - 1)
        name = one_line(name)
        if len(name) > MAX_GHOST_NAME:
            name = name[:MAX_GHOST_NAME - 1] + "…"
        label = _tag(name, colour)
        label.setPos(centre - QPointF(label.boundingRect().width() / 2, 9))
        self._add(label, Z_COMPONENT - 0.9)
        self._word(centre + QPointF(-BOX_W / 2 + 10, -BOX_H / 2 - 2), word, colour,
                   Z_COMPONENT - 0.9, "above")


# --- the dialog ---------------------------------------------------------------------------------

def lot_change_words(lot_diff) -> str:
    """'contract changed', 'members and funding changed': what a lot's diff touches."""
    parts = []
    if lot_diff.joined or lot_diff.left:
        parts.append("members")
    fields = [c.field for c in lot_diff.changes]
    if any(f.startswith("contract.") for f in fields):
        parts.append("contract")
    if any(f.startswith("funding[") for f in fields):
        parts.append("funding")
    if any(not f.startswith(("contract.", "funding[")) for f in fields):
        parts.append("details")
    return (and_list(parts) if parts else "") + " changed"


def text_document(text: str) -> QTextDocument:
    document = QTextDocument()
    document.setPlainText(text)
    font = QFont()
    font.setPointSize(10)
    document.setDefaultFont(font)
    return document


def print_text(parent: QWidget | None, text: str) -> bool:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # on use: a heavy module

    printer = QPrinter()
    if QPrintDialog(printer, parent).exec() != QDialog.DialogCode.Accepted:
        return False
    text_document(text).print_(printer)
    return True


class CompareDialog(QDialog):
    def __init__(self, diff: ModelDiff, heading: str, parent: QWidget | None = None,
                 markers: DiffMarkers | None = None):
        super().__init__(parent)
        self.diff, self.markers = diff, markers
        self.setWindowTitle("Compare versions")
        self.setObjectName("compare-dialog")
        fit_to_screen(self, 620, 560)
        title = QLabel(heading)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)  # names both files and revisions: plain weight, it is long
        if markers is None:
            legend_text = "No differences." if diff.is_empty else ""
        elif markers.canvas_is_new:
            legend_text = ("On the canvas: green rings mark what is new, dashed purple rings what "
                           "changed, dashed grey outlines what was removed.")
        else:
            legend_text = ("On the canvas: dashed purple rings mark what the other file changes, "
                           "grey rings what it removes, dashed green outlines what it adds.")
        legend = QLabel(legend_text)
        legend.setTextFormat(Qt.TextFormat.PlainText)
        legend.setWordWrap(True)
        legend.setVisible(bool(legend.text()))
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Differences")
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setUniformRowHeights(True)
        self._fill(outline(diff))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("&Copy")
        copy.setToolTip("Copy the differences as text, to paste into an email")
        copy.clicked.connect(self.copy)
        print_button = QPushButton("&Print...")
        print_button.clicked.connect(lambda: print_text(self, self.diff.to_text()))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(legend)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.finished.connect(self._closed)

    def _fill(self, nodes: list[Node]) -> None:
        def add(parent, text: str, children: list[Node]) -> None:
            item = QTreeWidgetItem(parent, [text])  # item text is always plain
            if len(text) > 60:  # elided when the dialog is narrow: the whole line on hover
                item.setToolTip(0, plain_tooltip(text))
            colour = {"+": ADDED, "-": REMOVED, "*": CHANGED}.get(text[:1])
            if colour is not None:
                item.setForeground(0, colour.darker(140))
            for child_text, grandchildren in children:
                add(item, child_text, grandchildren)

        if not nodes:
            QTreeWidgetItem(self.tree, ["No differences: both hold the same model."])
        for text, children in nodes:
            add(self.tree, text, children)
        self.tree.expandToDepth(1)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.diff.to_text())

    def _closed(self) -> None:
        if self.markers is not None:
            self.markers.remove()
            self.markers = None


def show_comparison(window, old: ServiceModel, new: ServiceModel, heading: str,
                    modal: bool = False, mark_canvas: bool = False,
                    canvas_is_new: bool = True) -> CompareDialog:
    """`canvas_is_new`: the canvas shows `new` (else `old`), for the marks."""
    diff = diff_models(old, new)
    other = old if canvas_is_new else new
    markers = DiffMarkers(window.scene, diff, other, canvas_is_new) if mark_canvas else None
    dialog = CompareDialog(diff, heading, window, markers)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if modal:
        dialog.exec()
    else:
        dialog.show()
    return dialog


def revision_words(model: ServiceModel) -> str:
    """'revision 5, saved by Priya Shah today at 14:02', or 'no revision saved'."""
    if not model.revisions:
        return "no revision saved"
    last = model.revisions[-1]
    by = f" by {one_line(last.author)}" if last.author.strip() else ""
    return f"revision {last.number}, saved{by} {when_words(last.time)}"


def compare_with_file(window, path: str | None = None) -> CompareDialog | None:
    """Ask for another file and compare the open model with it, marking the canvas. The later
    version (by the revision logs) is the newer side, so a partner's returned copy shows what
    the partner changed; Swap Sides shows it the other way round."""
    if path is None:
        start = str(window.doc.path.parent if window.doc.path
                    else QSettings().value("files/lastFolder", "") or Path.home())
        path, _ = QFileDialog.getOpenFileName(window, "Compare with another version", start,
                                              "Service models (*.svcmodel);;All files (*)")
        if not path:
            return None
    try:
        other = read_model(path)
    except ModelFileError as e:
        messages.cannot_open(window, path, e)
        return None
    return _compare(window, other, Path(path).name, is_later_version(other, window.doc.model))


def _compare(window, other: ServiceModel, name: str, theirs_later: bool) -> CompareDialog:
    previous = getattr(window, "comparison", None)
    if previous is not None and shiboken6.isValid(previous):
        previous.close()
    doc = window.doc
    unsaved = ", with unsaved changes" if doc.is_modified() else ""
    theirs = f"{name} ({revision_words(other)})"
    yours = f"the open model ({doc.display_name()}, {revision_words(doc.model)}{unsaved})"
    if theirs_later:
        heading = f"What {theirs} changes, compared with {yours}"
        old, new = doc.model.model_copy(deep=True), other
    else:
        heading = f"What changed from {theirs} to {yours}"
        old, new = other, doc.model
    dialog = show_comparison(window, old, new, heading, mark_canvas=True,
                             canvas_is_new=not theirs_later)
    swap = QPushButton("&Swap Sides")
    swap.setToolTip(plain_tooltip(f"Show what the open model changes compared with {name}"
                                  if theirs_later else
                                  f"Show what {name} changes compared with the open model"))
    swap.clicked.connect(lambda: _compare(window, other, name, not theirs_later))
    dialog.buttons.addButton(swap, QDialogButtonBox.ButtonRole.ActionRole)
    window.comparison = dialog
    doc.modelReset.connect(dialog.close)  # a new model: the marks are stale
    return dialog
