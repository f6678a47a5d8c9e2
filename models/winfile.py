"""The Windows side of saving a file: ReplaceFileW, the hidden attribute, the path limit.

Everything here is a no-op or plain `os` call elsewhere, so models/fileio.py reads the same on
every platform. The Win32 functions are declared with argtypes and restype (ctypes guesses
int otherwise, which truncates pointers on 64-bit Windows).
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

# MAX_PATH is 260 including the closing NUL: 259 characters is the longest path Win32 opens
# while the "Enable Win32 long paths" policy is off (the default on council desktops).
WINDOWS_MAX_PATH = 259

FILE_ATTRIBUTE_HIDDEN = 0x2
INVALID_FILE_ATTRIBUTES = 0xFFFFFFFF
REPLACEFILE_IGNORE_MERGE_ERRORS = 0x2
# What ReplaceFileW says while another process (OneDrive, antivirus, a colleague's app over
# the share) has the file open: worth waiting for. Any other refusal (a FAT drive, an old NAS
# that does not support it) falls back to a plain rename.
_IN_USE = {5: "access denied", 32: "sharing violation", 33: "lock violation",
           1175: "unable to remove the file being replaced",
           1176: "unable to move the replacement file", 1224: "a user-mapped section is open"}

_win = None


def _kernel():
    """kernel32 and ntdll with the functions used here declared; None off Windows."""
    global _win
    if _win is None and sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        k32 = ctypes.WinDLL("kernel32", use_last_error=True)
        k32.ReplaceFileW.argtypes = [wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.LPCWSTR,
                                     wintypes.DWORD, wintypes.LPVOID, wintypes.LPVOID]
        k32.ReplaceFileW.restype = wintypes.BOOL
        k32.GetFileAttributesW.argtypes = [wintypes.LPCWSTR]
        k32.GetFileAttributesW.restype = wintypes.DWORD
        k32.SetFileAttributesW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD]
        k32.SetFileAttributesW.restype = wintypes.BOOL
        ntdll = ctypes.WinDLL("ntdll")
        long_paths = getattr(ntdll, "RtlAreLongPathsEnabled", None)  # Windows 10 1607 on
        if long_paths is not None:
            long_paths.argtypes = []
            long_paths.restype = ctypes.c_ubyte  # BOOLEAN
        _win = (ctypes, k32, long_paths)
    return _win


def replace_file(source: Path, target: Path) -> None:
    """Put `source` in place of `target` in one step. On Windows, over an existing file,
    ReplaceFileW keeps the target's ACL, creation time and owner, as a sync client expects;
    a refusal because the file is in use raises PermissionError (the caller retries)."""
    win = _kernel()
    if win is None or not os.path.exists(target):
        os.replace(source, target)
        return
    ctypes, k32, _ = win
    if k32.ReplaceFileW(str(target), str(source), None, REPLACEFILE_IGNORE_MERGE_ERRORS,
                        None, None):
        return
    code = ctypes.get_last_error()
    if code == 1176 and not os.path.exists(target):
        # ERROR_UNABLE_TO_MOVE_REPLACEMENT without a backup name: the old file is already
        # gone, so finish the swap now rather than leave no file under the user's name.
        os.replace(source, target)
        return
    if code in _IN_USE:
        raise PermissionError(errno.EACCES, f"the file is in use ({_IN_USE[code]})", str(target))
    os.replace(source, target)  # a file system without ReplaceFile: a plain rename is atomic too


def set_hidden(path: Path, hidden: bool) -> None:
    """Mark a file hidden (a temporary file, so OneDrive and Explorer pass it by) or not.
    Off Windows a leading dot in the name does this already. Best effort: never raises."""
    win = _kernel()
    if win is None:
        return
    _, k32, _ = win
    attributes = k32.GetFileAttributesW(str(path))
    if attributes == INVALID_FILE_ATTRIBUTES:
        return
    wanted = (attributes | FILE_ATTRIBUTE_HIDDEN if hidden
              else attributes & ~FILE_ATTRIBUTE_HIDDEN) or 0x80  # FILE_ATTRIBUTE_NORMAL
    if wanted != attributes:
        k32.SetFileAttributesW(str(path), wanted)


def path_limit() -> int | None:
    """The longest full path a file may have here, or None for no limit worth checking:
    259 characters on Windows while long paths are off for this process."""
    win = _kernel()
    if win is None:
        return None
    _, _, long_paths = win
    try:
        if long_paths is not None and long_paths():
            return None
    except OSError:
        pass
    return WINDOWS_MAX_PATH


def too_long(paths: list[Path], limit: int | None = None) -> Path | None:
    """The first of `paths` whose full path is over the limit (path_limit() unless given)."""
    limit = path_limit() if limit is None else limit
    if limit is None:
        return None
    return next((p for p in paths if len(os.path.abspath(p)) > limit), None)


def waiting_words(target: Path) -> str:
    """Who is probably holding the file, for a status line while a save waits."""
    text = str(target)
    lower = text.lower()
    if "onedrive" in lower or "sharepoint" in lower:
        who = "OneDrive"
    elif text.startswith(("\\\\", "//")):
        who = "the share"
    else:
        who = "another program (antivirus, sync or a colleague)"
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    return f"Waiting for {who} to release {name}…"
