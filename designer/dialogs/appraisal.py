"""The options appraisal: every lot plan of the model side by side, one column per plan, each
compared with a baseline plan (by default the plan the shown one was copied from, else the shown
plan): numbers carry their change against it, cells that differ from it are shaded, and a short
"What changes" text above the table says it in words. Copy puts it on the clipboard as a table
(tab-separated text for Excel, HTML for Word); Print sends it to a printer or PDF. It follows the
model live, so merging two lots shows at once what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QGuiApplication, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableView, QVBoxLayout)

from models.metrics import (DIFFERENCE_COLOUR, Appraisal, appraisal_html, appraisal_tsv,
                            appraise, default_baseline)
from models.wording import wrap_words

from ..document import Document
from ..widgets.plain_text import plain_tooltip
from ..widgets.screens import fit_to_screen

NOTE = ("Shaded cells differ from the baseline plan; a number in brackets is the change against "
        "it. Each plan is judged by the same coverage rules as the canvas.")


DISPLAY, TOOLTIP, FONT, BACKGROUND = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                      Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole)


@dataclass
class Title:
    """A row's or a column's title: its text (a column's wrapped to its width), in bold or not,
    and its tool tip (already plain_tooltip'd, or "")."""
    text: str
    bold: bool = False
    tip: str = ""
    name: str = ""  # a column's full plan name, wrapped into `text`
    marks: str = ""  # "baseline, shown on the canvas", on the column title's last line


@dataclass
class Cell:
    text: str
    shaded: bool = False
    tip: str = ""


class AppraisalModel(QAbstractTableModel):
    """The table as plain rows the model owns: the view asks for each role, so no item object
    is handed to Python and none can outlive its row (QStandardItemModel's items, created in
    Python and deleted by clear(), left stale wrappers behind)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.columns: list[Title] = []
        self.titles: list[Title] = []  # one per row
        self.rows: list[list[Cell]] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._shade = QBrush(QColor(DIFFERENCE_COLOUR))

    def set_table(self, columns: list[Title], titles: list[Title], rows: list[list[Cell]]):
        self.beginResetModel()
        self.columns, self.titles, self.rows = columns, titles, rows
        self.endResetModel()

    def set_column_text(self, column: int, text: str) -> None:
        if self.columns[column].text != text:
            self.columns[column].text = text
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        cell = self.rows[index.row()][index.column()]
        if role == DISPLAY:
            return cell.text
        if role == BACKGROUND and cell.shaded:
            return self._shade
        if role == TOOLTIP and cell.tip:
            return cell.tip
        return None

    def headerData(self, section, orientation, role=DISPLAY):
        titles = self.columns if orientation == Qt.Orientation.Horizontal else self.titles
        if not 0 <= section < len(titles):
            return None
        title = titles[section]
        if role == DISPLAY:
            return title.text
        if role == FONT and title.bold:
            return self._bold
        if role == TOOLTIP and title.tip:
            return title.tip
        return None


class AppraisalDialog(QDialog):
    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.chosen_baseline = ""  # a plan id the commissioner picked; "" follows the default
        self.setWindowTitle("Options appraisal")
        self.baseline_combo = QComboBox()
        self.baseline_combo.setAccessibleName("Baseline plan")
        self.baseline_combo.setToolTip("The plan the others are compared with")
        self.baseline_combo.activated.connect(self._baseline_chosen)
        self.changes = QLabel()
        self.changes.setTextFormat(Qt.TextFormat.PlainText)  # plan names come from files
        self.changes.setWordWrap(True)
        self.changes.setAccessibleName("What changes")
        self.table_model = AppraisalModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # Copy takes all
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        self.table.setAccessibleName("Options appraisal table")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionResized.connect(self._wrap_headers)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft
                                                        | Qt.AlignmentFlag.AlignVCenter)
        self.note = QLabel(NOTE)
        self.note.setWordWrap(True)
        copy = QPushButton("Copy table")
        copy.setToolTip("Copy as a table that pastes into Excel or Word")
        copy.clicked.connect(self.copy)
        print_button = QPushButton("Print…")
        print_button.clicked.connect(self.print_dialog)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel("Compare with:"))
        top.addWidget(self.baseline_combo)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(copy)
        buttons.addWidget(print_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.changes)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)

        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.refresh)
        for signal in (document.findingsChanged, document.lotsChanged, document.modelChanged,
                       document.modelReset):
            signal.connect(self._timer.start)
        self.refresh()
        fit_to_screen(self, 940, 660)

    # --- the baseline ------------------------------------------------------------------------
    def baseline(self) -> str:
        """The chosen plan if it still exists; else the plan the shown one was copied from;
        else the first plan (models.metrics.default_baseline)."""
        model = self.doc.model
        if self.chosen_baseline in {p.id for p in model.lot_plans}:
            return self.chosen_baseline
        return default_baseline(model)

    def set_baseline(self, plan_id: str) -> None:
        self.chosen_baseline = plan_id
        self.refresh()

    def _baseline_chosen(self, index: int) -> None:
        self.set_baseline(self.baseline_combo.itemData(index))

    # --- the table ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self._timer.stop()
        model, baseline = self.doc.model, self.baseline()
        self.appraisal = table = appraise(model, baseline)
        self.baseline_combo.clear()
        for plan in model.lot_plans:
            self.baseline_combo.addItem(plan.name, plan.id)
        self.baseline_combo.setCurrentIndex(self.baseline_combo.findData(baseline))

        self.changes.setText(changes_text(table))
        columns = []
        for column, plan in enumerate(model.lot_plans):
            marks = column_marks(table, column, plan.id == model.active_plan)
            # the full name, wrapped to fit by _wrap_headers
            columns.append(Title(plan.name, column == table.baseline,
                                 plain_tooltip(plan.name + (f"\n({marks})" if marks else "")),
                                 plan.name, marks))
        base_name = table.headers[table.baseline] if table.baseline is not None else ""
        titles, rows = [], []
        for row, measure in enumerate(table.measures):
            cells = []
            for column in range(len(table.plans)):
                # Plain text: names come from files. The sign stays with its amount.
                differs = table.differs(row, column)
                cells.append(Cell(keep_sign_with_amount(table.text(row, column)), differs,
                                  plain_tooltip(f"{base_name} (baseline): "
                                                f"{measure.cell(table.baseline)}")
                                  if differs else ""))
            rows.append(cells)
            differs = any(table.differs(row, c) for c in range(len(table.plans)))
            titles.append(Title(measure.label, differs,
                                "Differs from the baseline plan in at least one plan"
                                if differs else ""))
        self.table_model.set_table(columns, titles, rows)
        self._wrap_headers()

    def _wrap_headers(self, resized: int = -1, _old: int = 0, new_size: int = 0) -> None:
        """Each column title in full, wrapped to the column's width, its marks on a last line.
        Called by refresh (every column) and as each column is resized (that column, at the
        size the signal gives: the header has not finished resizing the others yet)."""
        header = self.table.horizontalHeader()
        for column, title in enumerate(self.table_model.columns):
            if resized >= 0 and column != resized:
                continue
            font = QFont(header.font())
            font.setBold(title.bold)  # the baseline's title is bold
            metrics = QFontMetrics(font)
            width = (new_size if resized >= 0 else header.sectionSize(column)) - 12  # margins
            self.table_model.set_column_text(column, "\n".join(
                wrap(title.name, metrics, width)
                + (wrap(f"({title.marks})", metrics, width) if title.marks else [])))

    def header_text(self, column: int) -> str:
        return self.table_model.columns[column].text

    def _row(self, label: str) -> list[Cell]:
        for title, cells in zip(self.table_model.titles, self.table_model.rows):
            if title.text == label:
                return cells
        raise KeyError(label)

    def cell(self, label: str, column: int) -> str:
        return self._row(label)[column].text.replace(WORD_JOINER, "")

    def is_shaded(self, label: str, column: int) -> bool:
        return self._row(label)[column].shaded

    # --- copy and print ----------------------------------------------------------------------
    def html(self) -> str:
        """What changes, then the table: for the clipboard and for paper."""
        lines = changes_text(self.appraisal).splitlines()
        summary = (f"<p><b>{escape(lines[0])}</b><br>"
                   + "<br>".join(escape(line) for line in lines[1:]) + "</p>") if lines else ""
        return summary + appraisal_html(self.doc.model, self.baseline())

    def copy(self) -> None:
        mime = QMimeData()
        mime.setText(appraisal_tsv(self.doc.model, self.baseline()))
        mime.setHtml(self.html())
        QGuiApplication.clipboard().setMimeData(mime)

    def print_document(self) -> QTextDocument:
        document = QTextDocument(self)
        document.setDefaultFont(QFont(self.font().family(), 9))
        document.setHtml(f"<h2>Options appraisal</h2><p>{escape(self.doc.model.title)}</p>"
                         + self.html() + f"<p>{escape(NOTE)}</p>")
        return document

    def print_to(self, printer: QPrinter) -> None:
        self.print_document().print_(printer)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)


WORD_JOINER = "\u2060"


def keep_sign_with_amount(text: str) -> str:
    """'(+£1,200,000)' must not wrap after its sign (the clipboard keeps the plain text)."""
    for sign in ("(+", "(\u2212"):
        text = text.replace(sign, sign + WORD_JOINER)
    return text


def wrap(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """Lines of whole words that fit the width (a word longer than the width gets a line)."""
    lines, _ = wrap_words(text, lambda line, _: metrics.horizontalAdvance(line) <= width)
    return lines or [""]


def column_marks(table: Appraisal, column: int, shown: bool) -> str:
    marks = (["baseline"] if column == table.baseline else []) \
        + (["shown on the canvas"] if shown else [])
    return ", ".join(marks)


def changes_text(table: Appraisal) -> str:
    """'What changes against <baseline>:' then one line per other plan; '' with one plan."""
    summaries = table.summaries()
    if not summaries:
        return ""
    base = table.headers[table.baseline]
    return "\n".join([f"What changes against {base}:"]
                     + [f"\u2022 {name}: {summary}" for name, summary in summaries])
