"""Rows that wrap their text to the column width (Qt's item views size rows as one line).

Used where a cut name or finding would hide what matters: the palette's kind names and the
Checks panel's findings."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView


class WrapDelegate(QStyledItemDelegate):
    """Row heights from the text wrapped to its column's width."""

    def __init__(self, view: QTreeView):
        super().__init__(view)
        self.view = view
        view.setWordWrap(True)
        view.setUniformRowHeights(False)
        view.setItemDelegate(self)
        # A column that changes width changes every row's height.
        view.header().sectionResized.connect(self._relayout)

    def _relayout(self, *_) -> None:
        self.view.doItemsLayout()

    def _indent(self, index) -> int:
        if index.column() != 0:
            return 0
        depth = 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        return self.view.indentation() * (depth + (1 if self.view.rootIsDecorated() else 0))

    def sizeHint(self, option, index) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self.view.columnWidth(index.column()) - self._indent(index)
        if width <= 0:
            return super().sizeHint(option, index)
        opt.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        opt.rect = QRect(0, 0, width, 100_000)
        style = self.view.style()
        size = style.sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, opt, QSize(), self.view)
        return QSize(width, size.height())
