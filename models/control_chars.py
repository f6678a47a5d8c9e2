"""Control and bidi characters from a file made visible, so file text cannot steer a terminal.

A title holding ESC [2J clears the screen, an OSC sequence retitles the terminal window, a
carriage return or a right-to-left override rewrites what the line seems to say; any of them
could make `check` seem to say "0 errors". Every command-line output goes through
`escape_controls` (main.py wraps stdout and stderr in `EscapingWriter`), and so does the
Subject of a shared email. Each such character is shown as a JSON-style \\uXXXX escape, which
keeps `--json` output valid JSON.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager

# C0 controls but tab and line feed; DEL and C1 controls; Arabic letter mark; zero-width and
# bidi marks, embeddings, overrides and isolates; line and paragraph separators; invisible
# operators and deprecated format characters; byte order mark; interlinear annotations;
# lone surrogates; tag characters.
_CONTROLS = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e"
             "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f")
_WITH_NEWLINE = re.compile(f"[{_CONTROLS}]")
_WITHOUT_NEWLINE = re.compile(f"[{_CONTROLS}\n]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # as a JSON surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def escape_controls(text: str, keep_newlines: bool = True) -> str:
    """`text` with every control, bidi and invisible format character written as \\uXXXX.
    With keep_newlines=False a line feed is escaped too: one line of output stays one line."""
    pattern = _WITH_NEWLINE if keep_newlines else _WITHOUT_NEWLINE
    return pattern.sub(_escape, str(text))


class EscapingWriter:
    """A text stream that passes everything written through `escape_controls`."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name):  # flush, close, encoding, isatty... of the real stream
        return getattr(self._stream, name)


def _utf8(stream) -> None:
    """Write UTF-8 whatever the locale says: on Windows a pipe or file gets the ANSI code page
    (cp1252), which writes £ as byte 0xA3 and cannot write "→" at all (UnicodeEncodeError)."""
    reconfigure = getattr(stream, "reconfigure", None)  # None: no console (a windowed exe)
    if reconfigure is not None:
        try:
            reconfigure(encoding="utf-8")
        except (ValueError, OSError):
            pass  # a stream that is closed or already written in another way: leave it


@contextmanager
def escaped_output():
    """stdout and stderr escaped, and in UTF-8, for the duration: for the headless commands."""
    _utf8(sys.stdout)
    _utf8(sys.stderr)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingWriter(sys.stdout), EscapingWriter(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
