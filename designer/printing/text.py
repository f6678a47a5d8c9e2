"""Measuring and drawing text the same way on every device (PDF, SVG, PNG, printer).

Fonts are sized in the painter's logical units (pixel size), never in points, so a font means
the same on a 1200 dpi PDF as on a 150 dpi PNG. Small sizes are measured and drawn at a
larger size under a scaled painter: hinted metrics of an 11 px font are rounded to whole
pixels and would wrap or elide differently from what the vector output shows.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from models.wording import wrap_words

FAMILIES = ["Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans", "DejaVu Sans"]
_MIN_DRAWN = 100.0  # fonts are handled at this pixel size or more


@lru_cache(maxsize=256)
def _font(pixels: int, bold: bool, italic: bool) -> QFont:
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setStyleHint(QFont.SansSerif)
    font.setHintingPreference(QFont.PreferNoHinting)
    # No "fi"/"fl" ligatures: text copied or searched in the PDF must read "first", not "ﬁrst".
    font.setFeature(QFont.Tag("liga"), 0)
    font.setPixelSize(max(1, pixels))
    font.setBold(bold)
    font.setItalic(italic)
    return font


class Style:
    """A text size (logical units) and weight; measures and draws with sub-pixel accuracy."""

    def __init__(self, size: float, bold: bool = False, italic: bool = False):
        self.size = size
        self.factor = max(1.0, _MIN_DRAWN / size)
        self.font = _font(round(size * self.factor), bold, italic)
        self.metrics = QFontMetricsF(self.font)

    @property
    def line_height(self) -> float:
        return self.metrics.lineSpacing() / self.factor

    def width(self, text: str) -> float:
        return self.metrics.horizontalAdvance(text) / self.factor

    def elide(self, text: str, width: float) -> str:
        return self.metrics.elidedText(text, Qt.ElideRight, width * self.factor)

    def wrap(self, text: str, width: float, max_lines: int | None = None) -> list[str]:
        """Greedy word wrap; an over-long word is elided; the last allowed line is elided."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            lines += wrap_words(paragraph, lambda line, _: self.width(line) <= width)[0] or [""]
        lines = [self.elide(line, width) for line in lines]
        if max_lines is not None and len(lines) > max_lines:
            kept = lines[:max_lines]
            kept[-1] = self.elide(kept[-1] + " " + " ".join(lines[max_lines:]), width)
            if not kept[-1].endswith("…"):
                kept[-1] = self.elide(kept[-1] + "…", width)
            lines = kept
        return lines

    def height(self, text: str, width: float) -> float:
        return len(self.wrap(text, width)) * self.line_height

    def draw(self, painter: QPainter, rect: QRectF, text: str,
             align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignTop) -> None:
        """One line of text in `rect` (elided by the caller if it must be)."""
        f = self.factor
        painter.save()
        painter.scale(1 / f, 1 / f)
        painter.setFont(self.font)
        painter.drawText(QRectF(rect.x() * f, rect.y() * f, rect.width() * f, rect.height() * f),
                         int(align) | int(Qt.TextDontClip), text)
        painter.restore()

    def draw_lines(self, painter: QPainter, rect: QRectF, lines: list[str],
                   align: Qt.AlignmentFlag = Qt.AlignLeft) -> float:
        """Lines one under another from the top of `rect`; returns the height used."""
        y = rect.y()
        for line in lines:
            self.draw(painter, QRectF(rect.x(), y, rect.width(), self.line_height), line,
                      align | Qt.AlignVCenter)
            y += self.line_height
        return y - rect.y()
