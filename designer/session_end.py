"""Log-off, shutdown and upgrades with unsaved changes (issue 19, item 6).

When Windows logs off or the installer's Restart Manager closes the app, Qt asks it to commit
its data (QGuiApplication.commitDataRequest) and then closes every window. A "Save changes?"
question at that moment stalls the log-off until Windows kills the app, and the changes are
lost. Instead each modified window writes its recovery copy silently and closes without asking;
the next start offers the copy back. The app also registers with Windows for restart, so the
Restart Manager (an upgrade, or an update that reboots) can start it again.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QGuiApplication, QSessionManager

# RESTART_NO_CRASH | RESTART_NO_HANG: restart after an update or reboot only; a crash loop
# must not restart itself.
RESTART_FLAGS = 0x1 | 0x2


def commit_data(windows, manager: QSessionManager | None = None) -> int:
    """Write a recovery copy of every modified window and let them close without asking.
    Returns how many copies were written."""
    written = 0
    for window in list(windows):
        if window.doc.is_modified() and window.files.copies.write_recovery_copy(force=True):
            written += 1
        window.session_ending = True
    if manager is not None:
        manager.setRestartHint(QSessionManager.RestartHint.RestartIfRunning)
    return written


def install(app: QGuiApplication, windows) -> None:
    """Handle the session ending for `windows` (a live list of the open main windows)."""
    app.commitDataRequest.connect(lambda manager: commit_data(windows, manager))
    register_restart()


def register_restart(arguments: str = "") -> bool:
    """Ask Windows to restart the app after an update or reboot (RegisterApplicationRestart).
    The restarted app offers the recovery copies. True when registered; False elsewhere."""
    if sys.platform != "win32":
        return False
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    register = kernel32.RegisterApplicationRestart
    register.argtypes = [wintypes.LPCWSTR, wintypes.DWORD]
    register.restype = ctypes.c_long  # HRESULT
    return register(arguments or None, RESTART_FLAGS) == 0  # S_OK
