"""File names and folders that are safe on a council's Windows desktop (plain Python, no Qt).

The Windows rules are applied on every platform: a model saved on Linux is emailed to Windows.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from .fileio import EXTENSION

DEFAULT_STEM = "service-model"
MAX_STEM_CHARS = 80
# Linux and macOS allow 255 *bytes* per name; keep room for ".svcmodel.bak" and temp suffixes.
MAX_STEM_UTF8_BYTES = 200

# Names Windows keeps for devices, with or without an extension ("nul.svcmodel" is the device).
RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]])

_SEPARATORS = re.compile(r'\s*[:/\\|]+\s*')   # "2024/25" -> "2024-25", "A: B" -> "A - B"
_DROPPED = re.compile(r'[<>?*\x00-\x1f\x7f]')  # characters Windows refuses, and controls
_SPACES = re.compile(r"\s+")
# Typography that email clients and old Windows tools mangle, for the ASCII fallback.
_ASCII_LOOKALIKES = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": "'",
                                   "”": "'", "£": "GBP ", "€": "EUR ", "&": "and"})


def _separator(match: re.Match) -> str:
    return " - " if any(c.isspace() for c in match.group()) else "-"


def safe_file_stem(title: str, ascii_only: bool = False, max_chars: int = MAX_STEM_CHARS) -> str:
    """A file name stem built from a model title that Windows, Linux and macOS all accept.

    ascii_only gives a plainer name for email attachments that pass through old gateways."""
    text = unicodedata.normalize("NFC", str(title))
    text = text.replace('"', "'")
    text = _DROPPED.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)
    text = _SEPARATORS.sub(_separator, text)
    if ascii_only:
        text = unicodedata.normalize("NFKD", text.translate(_ASCII_LOOKALIKES))
        text = "".join(c for c in text if c.isascii() and not unicodedata.combining(c))
    text = _SPACES.sub(" ", text)
    text = _tidy_ends(text)
    while len(text) > max_chars or len(text.encode("utf-8")) > MAX_STEM_UTF8_BYTES:
        text = _tidy_ends(text[:min(len(text) - 1, max_chars)])
    if not text:
        return DEFAULT_STEM
    if text.split(".")[0].rstrip().upper() in RESERVED_NAMES:
        text = "_" + text  # "_CON" is an ordinary name
    return text


def _tidy_ends(text: str) -> str:
    # Windows silently drops trailing dots and spaces; a leading dot hides the file on Linux.
    return text.strip(" .-_")


def suggested_filename(title: str, ascii_only: bool = False) -> str:
    return safe_file_stem(title, ascii_only) + EXTENSION


# Folders where mail clients and browsers put a file they open for the user, compared
# case-insensitively. Edits saved there are lost when the folder is emptied. Anywhere in the
# path: Outlook's INetCache\Content.Outlook (and older Temporary Internet Files), Office's
# Content.MSO, Thunderbird's mozilla_* folder. A "Temp" folder only as Windows' own
# (...\AppData\Local\Temp, C:\Windows\Temp), or /tmp and /var/tmp: a C:\Temp or a shared
# drive's Temp folder is somewhere people keep files on purpose.
_MAIL_FOLDERS = frozenset(["content.outlook", "content.mso", "inetcache",
                           "temporary internet files"])
_SYSTEM_TEMP_PARENTS = {"temp": ("local", "windows"), "tmp": ("/", "var")}


def _folder_names(path: str | os.PathLike) -> list[str]:
    text = os.fspath(path)
    windows = "\\" in text or re.match(r"[A-Za-z]:", text)
    pure = PureWindowsPath(text) if windows else PurePosixPath(text)
    return [part.lower() for part in pure.parts[:-1]]


def is_temporary_location(path: str | os.PathLike) -> bool:
    """True when the file sits in a temporary folder, such as an opened email attachment."""
    names = _folder_names(path)
    return any(name in _MAIL_FOLDERS or name.startswith("mozilla_")
               or (name in _SYSTEM_TEMP_PARENTS and i > 0
                   and names[i - 1] in _SYSTEM_TEMP_PARENTS[name])
               for i, name in enumerate(names))


def is_read_only(path: str | os.PathLike) -> bool:
    """True when the file cannot be saved in place: read-only file (Outlook marks opened
    attachments so) or a folder we may not write to (a save writes a temporary file beside it)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError:
        return not os.access(path.parent, os.W_OK)
    # The mode bit catches the Windows read-only attribute, and a read-only file even for root.
    return (not mode & stat.S_IWUSR or not os.access(path, os.W_OK)
            or not os.access(path.parent, os.W_OK))


SAVED_IN_TEMPORARY = ("This file is in a temporary folder, which the system may empty without "
                      "asking. Use Save As to keep it in your own folder.")


def save_elsewhere_reason(path: str | os.PathLike, saved_here: bool = False) -> str | None:
    """One line for the "changes must be saved elsewhere" banner, or None when saving is fine.
    `saved_here`: the user saved the file there themselves, so it is no email attachment."""
    if is_read_only(path):
        return "This file is read-only. Use Save As to keep your changes in another file."
    if is_temporary_location(path):
        return SAVED_IN_TEMPORARY if saved_here else (
            "This file was opened from a temporary folder (an email attachment?). "
            "Use Save As to keep your changes in your own folder.")
    return None
