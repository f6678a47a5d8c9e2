"""A hostile model open in every window and dialog: no text from the file is rendered as HTML.

Every name, title, code, locality, note, revision entry and the file name itself holds
`<img src="x.png"><b>bold</b>`, and so do some pathway labels. Qt renders a label or tool tip as rich text when its format is
rich or automatic and the text looks like HTML; such a text must not hold the file's tags (a
tool tip would load the image, on Windows from a network share with the user's credentials).
The scan walks every widget of every top-level window: labels, tool tips, What's This, item
and header tool tips of item views and combo boxes, tab tool tips, action tool tips, canvas
items, and text edits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, Qt as GuiQt
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QGraphicsView,
                               QHeaderView, QListWidget,
                               QLabel, QTabBar, QTextEdit, QWidget)

from designer import messages
from designer.dialogs import compare
from designer.files.safety import SummaryDialog
from designer.docks.lots import MergeDialog
from gui_files_helpers import (REAL_CHOOSE, app_folders, docs, forget_recent_files,  # noqa: F401
                               prompts, window)
from models import with_revision, write_model
from models.templates import load_template

TAGS = '<img src="x.png"><b>bold</b>'
RAW = ("<img", "<b>")
FORMATS_RENDERED = (Qt.TextFormat.RichText, Qt.TextFormat.MarkdownText)


def hostile_model():
    model = load_template("luton")
    model.title = f"{TAGS} title"
    model.authority = f"{TAGS} authority"
    model.notes = f"{TAGS} notes"
    model.localities = [f"{TAGS} town", *model.localities]
    for i, c in enumerate(model.components):
        c.name = f"{TAGS} component {i}"
        c.notes = f"{TAGS} note {i}"
        c.localities = [f"{TAGS} town"]
    for pathway in model.pathways[:5]:
        pathway.label = f"{TAGS} label"
    for p, plan in enumerate(model.lot_plans):
        plan.name = f"{TAGS} plan {p}"
        for i, lot in enumerate(plan.lots):
            lot.name = f"{TAGS} lot {i}"
            lot.code = f"<b>{i}</b>"[:8]
            lot.notes = f"{TAGS} lot note"
    for i, source in enumerate(model.funding_sources):
        source.name = f"{TAGS} money {i}"
        source.partner = f"{TAGS} partner {i}"
    for c in model.components:
        c.current_provider = f"{TAGS} provider"
    plan = model.plan("three-lots")  # the procurement window's records
    for record in (*plan.engagement, *plan.risks, *plan.timeline):
        for key in ("who", "said", "changed", "risk", "owner", "mitigation", "label"):
            if hasattr(record, key):
                setattr(record, key, f"{TAGS} {key}")
    model.active_plan = "three-lots"
    return with_revision(model, f"{TAGS} author", f"{TAGS} summary")


def renders_file_html(text: str, fmt=Qt.TextFormat.AutoText) -> bool:
    """Would Qt render `text` as rich text, with the file's tags in it?"""
    if not text or not any(tag in text for tag in RAW):
        return False
    return fmt in FORMATS_RENDERED or (fmt == Qt.TextFormat.AutoText
                                       and GuiQt.mightBeRichText(text))


def model_texts(model, where: str):
    """(where, tool tip) of every index and header of an item model, recursively."""
    if model is None:
        return
    roles = (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.WhatsThisRole)
    for orientation, count in ((Qt.Orientation.Horizontal, model.columnCount(QModelIndex())),
                               (Qt.Orientation.Vertical, model.rowCount(QModelIndex()))):
        for section in range(count):
            for role in roles:
                yield f"{where} header {section}", model.headerData(section, orientation, role)
    todo = [QModelIndex()]
    while todo:
        parent = todo.pop()
        for row in range(model.rowCount(parent)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                for role in roles:
                    yield f"{where} item {row},{column}", index.data(role)
                if column == 0 and model.rowCount(index) > 0:
                    todo.append(index)


def problems_in(top: QWidget) -> list[str]:
    found = []

    def tip(where, text):
        if isinstance(text, str) and renders_file_html(text):
            found.append(f"{where}: {text[:80]!r}")

    for w in [top, *top.findChildren(QWidget)]:
        name = f"{type(w).__name__} {w.objectName() or w.accessibleName()!r} in {top.windowTitle()!r}"
        tip(f"tool tip of {name}", w.toolTip())
        tip(f"What's This of {name}", w.whatsThis())
        if isinstance(w, QLabel) and renders_file_html(w.text(), w.textFormat()):
            found.append(f"label {name}: {w.text()[:80]!r}")
        if isinstance(w, QListWidget):  # its model's counts are not reachable from Python
            for i in range(w.count()):
                tip(f"item {i} of {name}", w.item(i).toolTip())
        elif isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView):
            for where, text in model_texts(w.model(), name):
                tip(where, text)
        if isinstance(w, QComboBox):
            for where, text in model_texts(w.model(), name):
                tip(where, text)
        if isinstance(w, QTabBar):
            for i in range(w.count()):
                tip(f"tab {i} of {name}", w.tabToolTip(i))
        if isinstance(w, QGraphicsView) and w.scene() is not None:
            for item in w.scene().items():
                tip(f"canvas item {type(item).__name__}", item.toolTip())
        if isinstance(w, QTextEdit):
            plain = w.toPlainText()
            if "bold" in plain and "<b>bold</b>" not in plain:
                found.append(f"text edit {name} renders the file's HTML")
    for action in top.findChildren(QAction):
        tip(f"action {action.text()!r}", action.toolTip())
        tip(f"action {action.text()!r} What's This", action.whatsThis())
    return found


def scan_all() -> list[str]:
    found = []
    for top in QApplication.topLevelWidgets():
        if top.isVisible():
            found += problems_in(top)
    return found


def scan_modal(action) -> list[str]:
    """Scan the modal dialog `action` opens (then close it)."""
    found = []

    def look():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, look)
            return
        found.extend(problems_in(box))
        box.reject()
    QTimer.singleShot(20, look)
    action()
    return found


@pytest.fixture
def hostile_window(window, docs):
    path = docs / "<b>hostile<b> <img src=x.png>.svcmodel"
    write_model(path, hostile_model())
    assert window.open_file(str(path))
    return window


def test_the_scan_sees_html_where_it_would_render(qtbot):
    """The scan itself: a label or tool tip holding the file's tags unescaped is caught."""
    holder = QWidget()
    qtbot.addWidget(holder)
    bad = QLabel(f"{TAGS} x", holder)
    bad.setToolTip(f"{TAGS} x")
    plain = QLabel(f"{TAGS} x", holder)
    plain.setTextFormat(Qt.TextFormat.PlainText)
    assert len(problems_in(holder)) == 2


def test_every_window_shows_a_hostile_model_as_plain_text(hostile_window, qtbot, docs):
    w = hostile_window
    model = w.doc.model
    # Something selected everywhere, so the property pages, lot details and tips are filled.
    found = []
    for components, pathways in (([model.components[0].id], []),
                                 ([], [model.pathways[0].id])):
        w.scene.select_ids(components, pathways)  # the property pages of one box, one arrow
        qtbot.wait(10)
        found += problems_in(w)
    w.scene.select_ids([c.id for c in model.components[:3]])
    plan = model.plan()
    w.lots.select_lot(plan.lots[0].id)
    w.findChild(QAction, "act-funding").trigger()
    w.findChild(QAction, "act-options-appraisal").trigger()
    w.findChild(QAction, "act-procurement").trigger()
    w.lots.contractRequested.emit(plan.lots[0].id)
    w.files.banner.show_reason(f"{TAGS} banner")
    other = hostile_model()
    other.title = f"{TAGS} other title"
    compare._compare(w, other, "<b>theirs</b> <img src=x.png>.svcmodel", True)
    summary = SummaryDialog(w, "<b>hostile</b>.svcmodel", f"{TAGS} me")
    qtbot.addWidget(summary)
    summary.show()
    merge = MergeDialog(plan.lots[0], plan.lots[1:], w, plan.name)
    qtbot.addWidget(merge)
    merge.show()
    qtbot.wait(50)

    shown = {top.windowTitle() for top in QApplication.topLevelWidgets() if top.isVisible()}
    assert len(shown) >= 6, shown  # main window, funding, appraisal, contract, compare, ...
    assert found + scan_all() == []


def test_message_boxes_and_input_dialogs_show_file_text_plainly(hostile_window, monkeypatch):
    box_problems = scan_modal(lambda: REAL_CHOOSE(
        hostile_window, f"{TAGS} title", f"{TAGS} text", ["OK"], messages.Icon.Warning,
        f"{TAGS} detail"))
    assert box_problems == []
    # Rename and split ask with the lot's name in a line edit (always plain): scan them too.
    lots = hostile_window.lots
    lots.select_lot(hostile_window.doc.model.plan().lots[0].id)
    assert scan_modal(lots.rename_lot_dialog) == []
    assert scan_modal(lots.rename_plan_dialog) == []
