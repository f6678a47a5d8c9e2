"""The one way text from a file reaches a widget: as plain text, never as HTML.

Qt guesses whether a label's or a tool tip's text is rich text (Qt::mightBeRichText), so a
plan named `<img src="\\\\host\\share\\x.png">` would make a tool tip fetch a file, on Windows
over the network with the user's credentials. Labels get Qt.PlainText; tool tips, which have
no such switch, get their text escaped inside a paragraph that keeps line breaks. Item and
header texts of item views, window titles, buttons and line edits are always plain in Qt.
Message boxes go through designer.messages, which sets plain text too.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain_tooltip(text: str) -> str:
    """A tool tip that shows `text` literally (Qt would render `<b>` in a name as HTML)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(str(text)) + "</p>"


def plain_label(text: str = "", wrap: bool = True) -> QLabel:
    """A label that shows `text` literally."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from files: never HTML
    label.setWordWrap(wrap)
    return label
