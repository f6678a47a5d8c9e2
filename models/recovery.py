"""Recovery copies: what a crash, a power cut or a killed app must not take with it.

While a document has unsaved changes the app writes a recovery copy into its own data folder
(never beside or over the user's file). Each running app is a *session* with a lock file that
holds its process id and start time; a copy whose session's process is gone belongs to a crash
and is offered at the next start. A clean save or close deletes the copy.

Files in the recovery folder (the Qt side passes AppLocalDataLocation/recovery):
    <session>.lock                 {"pid", "host", "started", "process_started"}
    <session>--<document>.svcmodel the copy, written atomically by models.fileio.write_model
    <session>--<document>.json     {"original", "original_stamp", "saved_at", "title"} for the
                                   restore prompt; original_stamp is what the original file was
                                   (mtime_ns, size, sha256) when the session opened or last
                                   saved it, so a restored document can tell whether someone
                                   else saved the file since. Copies written before it existed
                                   have none: the stamp is unknown.

Plain Python, no Qt.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .fileio import (EXTENSION, SaveError, clean_stray_temp_files, read_model, temp_name,
                     write_model)
from .errors import ModelFileError
from .schema import ServiceModel

LOCK_SUFFIX = ".lock"
INFO_SUFFIX = ".json"
SEPARATOR = "--"
# Two readings of one process's start time may differ by clock rounding; a reused pid
# belongs to a process started long after the lock was written.
START_TIME_TOLERANCE_SECONDS = 2.0


@dataclass(frozen=True)
class RecoveryCopy:
    path: Path  # the copy itself
    session_id: str
    document: str  # which of the session's documents (windows) it belongs to
    saved_at: datetime  # when the copy was last written, timezone-aware
    title: str  # the model's title when the copy was written
    original: Path | None  # the file the user was editing; None for a model never saved
    # What the original file was when the session opened or last saved it ({"mtime_ns",
    # "size", "sha256"}); None when unknown (a copy from an older version of the app).
    original_stamp: dict | None = None


# --- is the session that wrote a lock still running? ----------------------------------------

def _linux_process(pid: int) -> tuple[bool, float | None]:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
    except (OSError, StopIteration, ValueError):
        return False, None
    fields = stat[stat.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
    if fields[0] in ("Z", "X"):  # killed and not yet reaped by its parent
        return False, None
    return True, boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _windows_process(pid: int) -> tuple[bool, float | None]:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    query_limited_information, access_denied, still_active = 0x1000, 5, 259
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        # Access denied means a process exists (another user's); we cannot tell more.
        return ctypes.get_last_error() == access_denied, None
    try:
        code = wintypes.DWORD()
        alive = bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) \
            and code.value == still_active
        times = [wintypes.FILETIME() for _ in range(4)]
        created = None
        if kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            ticks = (times[0].dwHighDateTime << 32) | times[0].dwLowDateTime
            created = ticks / 1e7 - 11644473600  # 100 ns ticks since 1601 -> Unix time
        return alive, created
    finally:
        kernel32.CloseHandle(handle)


def _posix_process(pid: int) -> tuple[bool, float | None]:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False, None
    except PermissionError:
        return True, None
    return True, None


def process_state(pid: int) -> tuple[bool, float | None]:
    """(whether process `pid` is running, when it started as Unix time if known)."""
    if pid <= 0:
        return False, None
    if sys.platform == "win32":
        return _windows_process(pid)  # os.kill on Windows would end the process
    if Path("/proc/self/stat").exists():
        return _linux_process(pid)
    return _posix_process(pid)


def _session_running(lock: dict) -> bool:
    if lock.get("host") not in (None, socket.gethostname()):
        return True  # another computer's session (a roaming folder): not ours to judge
    pid = lock.get("pid")
    if not isinstance(pid, int):
        return False
    alive, started = process_state(pid)
    recorded = lock.get("process_started")
    if alive and started is not None and isinstance(recorded, (int, float)):
        return abs(started - recorded) <= START_TIME_TOLERANCE_SECONDS  # else a reused pid
    return alive


# --- finding and removing copies -------------------------------------------------------------

def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    # Atomic like a model save: a reader sees the old or the new text, never half.
    temp = path.with_name(temp_name("j"))
    temp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, path)


def _split(path: Path) -> tuple[str, str] | None:
    session, sep, document = path.stem.partition(SEPARATOR)
    return (session, document) if sep and session and document else None


def _live_sessions(folder: Path) -> set[str]:
    return {lock.stem for lock in folder.glob(f"*{LOCK_SUFFIX}")
            if _session_running(_read_json(lock))}


def _describe(path: Path) -> RecoveryCopy:
    session, document = _split(path)
    info = _read_json(path.with_suffix(INFO_SUFFIX))
    saved_at = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    title = info.get("title")
    if not isinstance(title, str):
        try:
            title = read_model(path).title
        except (ModelFileError, OSError) as e:  # still list it, so it can be discarded
            title = f"(unreadable: {e})"
    original = info.get("original")
    return RecoveryCopy(path, session, document, saved_at, title,
                        Path(original) if isinstance(original, str) and original else None,
                        _valid_stamp(info.get("original_stamp")))


def _valid_stamp(stamp) -> dict | None:
    """The recorded stamp of the original file, or None when missing or not well formed."""
    if not isinstance(stamp, dict):
        return None
    mtime, size, digest = stamp.get("mtime_ns"), stamp.get("size"), stamp.get("sha256")
    if not (isinstance(mtime, int) and isinstance(size, int) and isinstance(digest, str)
            and re.fullmatch(r"[0-9a-f]{64}", digest)):
        return None
    return {"mtime_ns": mtime, "size": size, "sha256": digest}


def list_recoverable(folder: str | os.PathLike) -> list[RecoveryCopy]:
    """Copies left by sessions that are no longer running, newest first.

    Also removes lock files of ended sessions that left no copy behind."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    live = _live_sessions(folder)
    copies = []
    for path in folder.glob(f"*{SEPARATOR}*{EXTENSION}"):
        parts = _split(path)
        if parts is None or parts[0] in live or path.name.startswith("."):
            continue
        try:
            copies.append(_describe(path))
        except OSError:
            continue  # removed meanwhile
    with_copies = {c.session_id for c in copies}
    for lock in folder.glob(f"*{LOCK_SUFFIX}"):
        if lock.stem not in live and lock.stem not in with_copies:
            lock.unlink(missing_ok=True)
    return sorted(copies, key=lambda c: c.saved_at, reverse=True)


def restore(copy: RecoveryCopy) -> ServiceModel:
    """The model in a recovery copy. Raises ModelFileError when it cannot be read."""
    return read_model(copy.path)


def _remove_copy(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_suffix(INFO_SUFFIX).unlink(missing_ok=True)


def discard(copy: RecoveryCopy) -> None:
    """Delete a recovery copy the user does not want (and its ended session's lock)."""
    _remove_copy(copy.path)
    folder = copy.path.parent
    if not any(folder.glob(f"{copy.session_id}{SEPARATOR}*{EXTENSION}")) \
            and not _session_running(_read_json(folder / (copy.session_id + LOCK_SUFFIX))):
        (folder / (copy.session_id + LOCK_SUFFIX)).unlink(missing_ok=True)


# --- the running session -------------------------------------------------------------------

def _safe_document(document: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", str(document)).replace(SEPARATOR, "_")
    return cleaned[:40] or "1"


class RecoverySession:
    """This app's recovery copies. Create one at start; call `close()` on a clean exit."""

    def __init__(self, folder: str | os.PathLike, session_id: str | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        clean_stray_temp_files(self.folder)  # halves of copies a crash cut off
        self.session_id = session_id or (
            f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}")
        self.lock_path = self.folder / (self.session_id + LOCK_SUFFIX)
        _write_json(self.lock_path, {
            "pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "process_started": process_state(os.getpid())[1]})

    def copy_path(self, document: str = "1") -> Path:
        return self.folder / f"{self.session_id}{SEPARATOR}{_safe_document(document)}{EXTENSION}"

    def write(self, model: ServiceModel, document: str = "1",
              original: str | os.PathLike | None = None,
              original_stamp: dict | None = None) -> Path:
        """Write (or overwrite) the recovery copy of one document. Raises SaveError.

        original_stamp: what the original file was when this session opened or last saved it
        ({"mtime_ns", "size", "sha256"}), or None when that is not known."""
        path = self.copy_path(document)
        write_model(path, model, keep_backup=False)
        try:
            _write_json(path.with_suffix(INFO_SUFFIX), {
                "original": os.fspath(Path(original).absolute()) if original else None,
                "original_stamp": _valid_stamp(original_stamp) if original else None,
                "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "title": model.title})
        except OSError as e:
            raise SaveError(f"could not write the recovery notes beside {path.name}: "
                            f"{e.strerror or e}") from None
        return path

    def discard(self, document: str = "1") -> None:
        """The document was saved or closed cleanly: its copy is no longer needed."""
        _remove_copy(self.copy_path(document))

    def adopt(self, copy: RecoveryCopy, document: str = "1") -> ServiceModel:
        """Restore a crashed session's copy into this session: the model is copied to this
        session's own recovery copy first, so a second crash still finds it, then the old
        copy goes. Raises ModelFileError (copy unreadable) or SaveError (folder unwritable)."""
        model = restore(copy)
        self.write(model, document, copy.original, copy.original_stamp)
        discard(copy)
        return model

    def close(self) -> None:
        """A clean exit: remove this session's copies and its lock."""
        for path in self.folder.glob(f"{self.session_id}{SEPARATOR}*{EXTENSION}"):
            _remove_copy(path)
        self.lock_path.unlink(missing_ok=True)

    def __enter__(self) -> RecoverySession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
