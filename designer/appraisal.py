"""The options appraisal: every lot plan of the model side by side, one column per plan, rows
that differ between plans shaded. Copy puts it on the clipboard as a table (tab-separated text
for Excel, HTML for Word); Print sends it to a printer or PDF. It follows the model live, so
merging two lots shows at once what changed.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import (QBrush, QColor, QFont, QGuiApplication, QStandardItem,
                           QStandardItemModel, QTextDocument)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableView, QVBoxLayout)

from models.metrics import DIFFERENCE_COLOUR, appraisal_html, appraisal_table, appraisal_tsv

from .document import Document


class AppraisalDialog(QDialog):
    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.setWindowTitle("Options appraisal")
        self.table_model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # Copy takes all
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        self.table.setAccessibleName("Options appraisal table")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft
                                                        | Qt.AlignmentFlag.AlignVCenter)
        self.note = QLabel("Shaded rows differ between the plans. Each plan is judged by the "
                           "same coverage rules as the canvas.")
        self.note.setWordWrap(True)
        copy = QPushButton("Copy table")
        copy.setToolTip("Copy as a table that pastes into Excel or Word")
        copy.clicked.connect(self.copy)
        print_button = QPushButton("Print…")
        print_button.clicked.connect(self.print_dialog)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(copy)
        buttons.addWidget(print_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)

        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.refresh)
        for signal in (document.findingsChanged, document.lotsChanged, document.modelChanged,
                       document.modelReset):
            signal.connect(self._timer.start)
        self.refresh()
        self.resize(900, 620)

    def refresh(self) -> None:
        self._timer.stop()
        headers, rows, differing = appraisal_table(self.doc.model)
        active = next((i for i, p in enumerate(self.doc.model.lot_plans)
                       if p.id == self.doc.model.active_plan), -1)
        self.table_model.clear()
        self.table_model.setHorizontalHeaderLabels(
            [h + (" (shown)" if i == active else "") for i, h in enumerate(headers)])
        shade = QBrush(QColor(DIFFERENCE_COLOUR))
        bold = QFont()
        bold.setBold(True)
        for index, (label, cells) in enumerate(rows):
            items = []
            for text in cells:
                item = QStandardItem(text)  # plain text: names come from files
                if index in differing:
                    item.setBackground(shade)
                items.append(item)
            self.table_model.appendRow(items)
            header = QStandardItem(label)
            if index in differing:
                header.setFont(bold)
                header.setToolTip("Differs between the plans")
            self.table_model.setVerticalHeaderItem(index, header)

    def cell(self, label: str, column: int) -> str:
        for row in range(self.table_model.rowCount()):
            if self.table_model.verticalHeaderItem(row).text() == label:
                return self.table_model.item(row, column).text()
        raise KeyError(label)

    def copy(self) -> None:
        mime = QMimeData()
        mime.setText(appraisal_tsv(self.doc.model))
        mime.setHtml(appraisal_html(self.doc.model))
        QGuiApplication.clipboard().setMimeData(mime)

    def print_document(self) -> QTextDocument:
        document = QTextDocument(self)
        document.setDefaultFont(QFont(self.font().family(), 9))
        document.setHtml(f"<h2>Options appraisal</h2><p>{escape(self.doc.model.title)}</p>"
                         + appraisal_html(self.doc.model)
                         + "<p>Shaded rows differ between the plans.</p>")
        return document

    def print_to(self, printer: QPrinter) -> None:
        self.print_document().print_(printer)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

