"""The History dock: the file's revision log, newest first (revision, author, time, summary)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from ..widgets.plain_text import plain_tooltip

COLUMNS = ("Revision", "Author", "Saved", "Summary")


class HistoryPanel(QTreeWidget):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.setAccessibleName("Revision history")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(COLUMNS)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # long names never break the layout
        # Narrow first columns so the summary (what people read) gets the room.
        metrics = self.fontMetrics()
        for column, sample in enumerate(("Revision", "Public Health team", "22 Nov 2026 10:00")):
            self.setColumnWidth(column, metrics.horizontalAdvance(sample) + 14)
        for signal in (document.modelChanged, document.modelReset):
            signal.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.clear()
        revisions = sorted(self.doc.model.revisions, key=lambda r: r.number, reverse=True)
        for revision in revisions:
            saved = revision.time.astimezone().strftime("%d %b %Y %H:%M")
            texts = [str(revision.number), " ".join(revision.author.split()) or "-", saved,
                     " ".join(revision.summary.split())]
            item = QTreeWidgetItem(self, texts)  # item text is plain; tool tips need escaping
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if revision.summary:
                item.setToolTip(3, plain_tooltip(revision.summary))
            if revision.author:
                item.setToolTip(1, plain_tooltip(revision.author))
        if not revisions:
            QTreeWidgetItem(self, ["", "", "", "Not saved yet: each save adds a line here."])


def install_history(window) -> HistoryPanel:
    panel = HistoryPanel(window.doc)
    # Beside Checks and Tables at the bottom, where summaries have the width to be read.
    window.add_dock("history", "History", panel, Qt.DockWidgetArea.BottomDockWidgetArea,
                    tabify_with="tables")
    window.docks["checks"].raise_()
    return panel
