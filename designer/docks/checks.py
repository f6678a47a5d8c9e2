"""The checks panel: the coverage findings grouped by severity, with counts and suggested fixes.
Clicking a finding asks the window to select and centre the components it names."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QStyle, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from models.checks import ERROR, INFO, SEVERITIES, WARNING

from ..widgets.plain_text import plain_tooltip
from ..document import Document
from ..widgets.wrapping import WrapDelegate

TITLES = {ERROR: "Errors", WARNING: "Warnings", INFO: "Notes"}
ICONS = {ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
         WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
         INFO: QStyle.StandardPixmap.SP_MessageBoxInformation}
FINDING_ROLE = Qt.ItemDataRole.UserRole


class ChecksPanel(QWidget):
    showComponents = Signal(list)  # component ids to select and centre

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.setAccessibleName("Coverage checks")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Finding", "Suggested fix"])
        self.tree.setAccessibleName("Coverage findings")
        self.tree.setAlternatingRowColors(True)
        # Findings wrap to the column width, so a long warning is read whole without a click.
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        WrapDelegate(self.tree)
        self.tree.header().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        # The current finding in full, selectable for copying into a report.
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("Selected finding in full")
        self.details.setContentsMargins(6, 2, 6, 4)
        self.details.hide()
        layout.addWidget(self.details)
        self.tree.currentItemChanged.connect(self._show_details)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        document.findingsChanged.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _key(finding) -> tuple | None:
        """What stays the same when a finding's wording changes (a figure in it, say)."""
        if finding is None or isinstance(finding, str):
            return None
        return finding.rule, finding.lot, finding.components

    def refresh(self) -> None:
        expanded = {self.tree.topLevelItem(i).data(0, FINDING_ROLE): self.tree.topLevelItem(i)
                    .isExpanded() for i in range(self.tree.topLevelItemCount())}
        current = self.tree.currentItem()
        was = self._key(current.data(0, FINDING_ROLE)) if current is not None else None
        self.tree.clear()
        if not self.doc.checked:  # the window runs the first check just after it shows
            QTreeWidgetItem(self.tree, ["Checking the model…"]).setFirstColumnSpanned(True)
            return
        again = None
        counts = self.doc.counts()
        style = self.style()
        for severity in SEVERITIES:
            findings = [f for f in self.doc.findings if f.severity == severity]
            group = QTreeWidgetItem(self.tree, [f"{TITLES[severity]} ({counts[severity]})"])
            group.setData(0, FINDING_ROLE, severity)
            group.setIcon(0, style.standardIcon(ICONS[severity]))
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(False)
            for finding in findings:
                item = QTreeWidgetItem(group, [finding.message, finding.fix])
                item.setData(0, FINDING_ROLE, finding)
                item.setToolTip(0, plain_tooltip(f"{finding.message}\n\nRule: {finding.rule}"))
                item.setToolTip(1, plain_tooltip(finding.fix) if finding.fix else "")
                if severity == ERROR:
                    item.setForeground(0, QBrush(QColor("#a0101c")))
                if was is not None and self._key(finding) == was:
                    again = item
            group.setExpanded(expanded.get(severity, severity != INFO))
        if not self.doc.findings:
            clean = QTreeWidgetItem(self.tree, ["No problems found: every check passes for "
                                                "this model and its active lot plan."])
            clean.setFirstColumnSpanned(True)
        self._size_columns()
        # The line under the list follows the finding it showed, or goes when it was fixed.
        if again is not None:
            self.tree.setCurrentItem(again)
        self._show_details(again)

    def _size_columns(self) -> None:
        # The finding is what matters: it gets two thirds, the suggested fix the rest.
        self.tree.setColumnWidth(0, max(200, int(self.tree.viewport().width() * 0.66)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._size_columns()

    def _show_details(self, item: QTreeWidgetItem | None) -> None:
        finding = item.data(0, FINDING_ROLE) if item is not None else None
        if finding is None or isinstance(finding, str):
            self.details.hide()
            return
        self.details.setText(finding.message + (f"\nSuggested fix: {finding.fix}"
                                                 if finding.fix else ""))
        self.details.show()

    def _clicked(self, item: QTreeWidgetItem) -> None:
        finding = item.data(0, FINDING_ROLE)
        if finding is not None and not isinstance(finding, str) and finding.components:
            self.showComponents.emit(list(finding.components))
