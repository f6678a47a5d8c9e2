"""One running app per user: a second launch hands its files to the first and exits.

Double-clicking a .svcmodel in Explorer or Outlook starts a new process each time. The first
process (the primary) holds a lock file and listens on a local socket (a named pipe on Windows);
later processes connect, send their file paths as one JSON line and wait for "ok".
The lock decides who is primary, so a crash that leaves a stale socket behind cannot block
the next start: QLockFile sees that the dead process no longer holds it, and the new primary
removes the old socket before listening.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
import time

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from models.applog import log

CONNECT_TIMEOUT_MS = 3000  # the primary listens within moments of taking the lock
# The primary answers from its event loop, which starts only after its first window is built:
# on a cold start with antivirus scanning every DLL that can take several seconds.
REPLY_TIMEOUT_MS = 15000
MAX_MESSAGE_BYTES = 1024 * 1024


def server_name(app_id: str) -> str:
    """A per-user name: pipes on Windows are machine-wide (other users on a terminal server)."""
    try:
        user = getpass.getuser()
    except Exception:  # no USERNAME/LOGNAME and no passwd entry (a bare container)
        user = os.path.expanduser("~")
    user = hashlib.sha1(user.encode("utf-8")).hexdigest()[:12]
    return f"{app_id}-{user}"


class SingleInstance(QObject):
    pathsReceived = Signal(list)  # absolute paths, possibly empty ("bring the window forward")

    def __init__(self, app_id: str, parent: QObject | None = None):
        super().__init__(parent)
        self._name = server_name(app_id)
        self._server: QLocalServer | None = None
        self._lock = QLockFile(QDir(QDir.tempPath()).filePath(self._name + ".lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner makes the lock stale, never its age
        if self._lock.tryLock(0):
            self._listen()

    def is_primary(self) -> bool:
        return self._server is not None

    def _listen(self) -> None:
        QLocalServer.removeServer(self._name)  # we hold the lock, so any socket left is stale
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self._name):
            # Still usable as a plain single window; files just will not be forwarded to it.
            log.warning("cannot listen for other launches: %s", server.errorString())
            return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.setParent(self)
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():  # data that came before readyRead was connected
                self._read(socket, buffer)

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer += socket.readAll().data()
        if len(buffer) > MAX_MESSAGE_BYTES:
            socket.abort()
            return
        if not buffer.endswith(b"\n"):
            return
        try:
            paths = json.loads(buffer.decode("utf-8"))["paths"]
            paths = [str(p) for p in paths]
        except (ValueError, KeyError, TypeError):
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
        self.pathsReceived.emit(paths)

    def send_paths(self, paths: list[str]) -> bool:
        """From a secondary launch: hand the paths to the primary. False if it did not answer
        (then the caller should carry on as a window of its own)."""
        if self.is_primary():
            return False
        message = json.dumps({"paths": [os.path.abspath(p) for p in paths]}) + "\n"
        _allow_primary_to_come_forward()
        socket = QLocalSocket()
        deadline = time.monotonic() + CONNECT_TIMEOUT_MS / 1000
        while True:  # the primary may have taken the lock but not be listening yet
            socket.connectToServer(self._name)
            if socket.waitForConnected(CONNECT_TIMEOUT_MS):
                break
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        socket.write(message.encode("utf-8"))
        if not socket.waitForBytesWritten(CONNECT_TIMEOUT_MS):
            return False
        reply = b""
        while not reply.endswith(b"\n") and socket.waitForReadyRead(REPLY_TIMEOUT_MS):
            reply += socket.readAll().data()
        socket.disconnectFromServer()
        return reply == b"ok\n"


def _allow_primary_to_come_forward() -> None:
    # Windows only lets the process the user clicked take the foreground; pass that right on,
    # so the running app can raise its window instead of only flashing in the taskbar.
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY
