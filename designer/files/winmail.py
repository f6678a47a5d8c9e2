"""Which mail program a Windows desktop has, and Simple MAPI to hand it an email (issue 19, 3).

An .eml draft with `X-Unsent: 1` opens ready to send only in classic Outlook. Windows 10/11 give
.eml to Mail or the new Outlook by default, which open it read-only or not at all. So, in order:
Simple MAPI (`MAPISendMailW`) where a MAPI mail client is installed (classic Outlook,
Thunderbird); the .eml draft where classic Outlook opens .eml; otherwise the files in a folder,
to attach by hand. No Qt here; everything is guarded by sys.platform and returns "cannot tell"
elsewhere.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

CLASSIC_OUTLOOK, OTHER_PROGRAM, NO_PROGRAM, UNKNOWN = "outlook", "other", "none", "unknown"

MAPI_LOGON_UI, MAPI_DIALOG = 0x1, 0x8
SUCCESS_SUCCESS, MAPI_USER_ABORT = 0, 1
NO_MAPI = -1  # not a MAPI code: no MAPI client here, or MAPISendMailW is missing


def _registry(root_name: str, path: str, name: str = "") -> str:
    import winreg
    try:
        with winreg.OpenKey(getattr(winreg, root_name), path) as key:
            value = winreg.QueryValueEx(key, name)[0]
    except OSError:
        return ""
    return value if isinstance(value, str) else ""


def eml_handler() -> str:
    """Who opens a double-clicked .eml: CLASSIC_OUTLOOK, OTHER_PROGRAM (Mail, the new Outlook),
    NO_PROGRAM, or UNKNOWN off Windows."""
    if sys.platform != "win32":
        return UNKNOWN
    prog_id = (_registry("HKEY_CURRENT_USER", r"Software\Microsoft\Windows\CurrentVersion"
                         r"\Explorer\FileExts\.eml\UserChoice", "ProgId")
               or _registry("HKEY_CLASSES_ROOT", ".eml"))
    if not prog_id:
        return NO_PROGRAM
    command = _registry("HKEY_CLASSES_ROOT", rf"{prog_id}\shell\open\command").lower()
    return CLASSIC_OUTLOOK if "outlook.exe" in command else OTHER_PROGRAM


def mapi_client() -> str:
    """The default Simple MAPI mail client's name ("Microsoft Outlook"), or "" for none."""
    if sys.platform != "win32":
        return ""
    return (_registry("HKEY_CURRENT_USER", r"Software\Clients\Mail")
            or _registry("HKEY_LOCAL_MACHINE", r"SOFTWARE\Clients\Mail"))


class MapiRecipDescW(ctypes.Structure):
    _fields_ = [("ulReserved", ctypes.c_ulong), ("ulRecipClass", ctypes.c_ulong),
                ("lpszName", ctypes.c_wchar_p), ("lpszAddress", ctypes.c_wchar_p),
                ("ulEIDSize", ctypes.c_ulong), ("lpEntryID", ctypes.c_void_p)]


class MapiFileDescW(ctypes.Structure):
    _fields_ = [("ulReserved", ctypes.c_ulong), ("flFlags", ctypes.c_ulong),
                ("nPosition", ctypes.c_ulong), ("lpszPathName", ctypes.c_wchar_p),
                ("lpszFileName", ctypes.c_wchar_p), ("lpFileType", ctypes.c_void_p)]


class MapiMessageW(ctypes.Structure):
    _fields_ = [("ulReserved", ctypes.c_ulong), ("lpszSubject", ctypes.c_wchar_p),
                ("lpszNoteText", ctypes.c_wchar_p), ("lpszMessageType", ctypes.c_wchar_p),
                ("lpszDateReceived", ctypes.c_wchar_p),
                ("lpszConversationID", ctypes.c_wchar_p), ("flFlags", ctypes.c_ulong),
                ("lpOriginator", ctypes.POINTER(MapiRecipDescW)),
                ("nRecipCount", ctypes.c_ulong), ("lpRecips", ctypes.POINTER(MapiRecipDescW)),
                ("nFileCount", ctypes.c_ulong), ("lpFiles", ctypes.POINTER(MapiFileDescW))]


def mapi_message(subject: str, body: str, attachments: list[Path]) -> MapiMessageW:
    """The message MAPISendMailW takes: no recipients (the user adds them), the files attached
    under their own names. The file array is kept on the message so it outlives the call."""
    files = (MapiFileDescW * len(attachments))(*[
        MapiFileDescW(0, 0, 0xFFFFFFFF, str(path), path.name, None) for path in attachments])
    message = MapiMessageW(lpszSubject=subject, lpszNoteText=body, nFileCount=len(attachments),
                           lpFiles=ctypes.cast(files, ctypes.POINTER(MapiFileDescW)))
    message._files = files
    return message


def send_with_mapi(subject: str, body: str, attachments: list[Path], window_id: int = 0) -> int:
    """Open the mail client's own new-message window with the files attached (MAPI_DIALOG);
    returns when the user sends it or closes it: SUCCESS_SUCCESS, MAPI_USER_ABORT, another
    MAPI error, or NO_MAPI when there is no MAPI client to ask."""
    if sys.platform != "win32" or not mapi_client():
        return NO_MAPI
    try:
        mapi = ctypes.WinDLL("mapi32")
        send = mapi.MAPISendMailW  # Windows 8 and later
    except (OSError, AttributeError):
        return NO_MAPI
    send.argtypes = [ctypes.c_size_t, ctypes.c_size_t, ctypes.POINTER(MapiMessageW),
                     ctypes.c_ulong, ctypes.c_ulong]
    send.restype = ctypes.c_ulong
    message = mapi_message(subject, body, attachments)
    return send(0, window_id, ctypes.byref(message), MAPI_LOGON_UI | MAPI_DIALOG, 0)
