"""The file on disk as the open model sees it: its stamp when we last read or wrote it (to
tell that a colleague saved since), the version a colleague saved (who, which revision,
when), and keeping such a version as a file of its own beside the user's. Plain Python: the
window's file safety net (designer/files/safety.py) asks these questions."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import ModelFileError
from .fileio import EXTENSION, parse_model, write_bytes_atomically
from .schema import Revision, ServiceModel
from .winfile import WINDOWS_MAX_PATH
from .winpaths import MAX_STEM_UTF8_BYTES, safe_file_stem
from .wording import when_words


@dataclass(frozen=True)
class DiskStamp:
    """What the file on disk looked like when we last read or wrote it."""
    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> DiskStamp | None:
        try:
            info = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            return cls(info.st_mtime_ns, info.st_size, digest)
        except OSError:
            return None

    def as_dict(self) -> dict:
        """For the recovery copy's notes (models.recovery)."""
        return {"mtime_ns": self.mtime_ns, "size": self.size, "sha256": self.sha256}

    @classmethod
    def of_bytes(cls, data: bytes) -> DiskStamp:
        """A stamp for bytes read a moment ago: the file counts as unchanged while it holds
        exactly these bytes (no time or size can match, so the hash is always compared)."""
        return cls(-1, -1, hashlib.sha256(data).hexdigest())

    @classmethod
    def from_dict(cls, data: dict | None) -> DiskStamp | None:
        if not data:
            return None
        return cls(data["mtime_ns"], data["size"], data["sha256"])

    def changed(self, path: Path) -> bool:
        """True when someone else wrote the file since (a touched but equal file is unchanged)."""
        try:
            info = path.stat()
        except OSError:
            return False  # gone: saving simply writes it again
        if (info.st_mtime_ns, info.st_size) == (self.mtime_ns, self.size):
            return False
        now = DiskStamp.of(path)
        return now is not None and now.sha256 != self.sha256


def _plain(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _same_entry(a: Revision, b: Revision) -> bool:
    return (a.number, a.author, a.time, a.summary) == (b.number, b.author, b.time, b.summary)


@dataclass
class DiskVersion:
    """The file on disk as it is now, told from the open model's point of view: who saved it
    (its revision log's last entry, when that entry is not one the open model has too)."""
    data: bytes
    model: ServiceModel | None
    problem: str  # why it cannot be read as a model, or ""
    entry: Revision | None  # the new entry someone else's save added, or None
    modified_at: datetime  # the file's own time

    @classmethod
    def read(cls, path: Path, ours: ServiceModel | None) -> DiskVersion:
        """Raises OSError when the file cannot be read at all."""
        data = path.read_bytes()
        modified_at = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        try:
            model, problem = parse_model(data, str(path)), ""
        except ModelFileError as e:
            model, problem = None, str(e)
        entry = model.revisions[-1] if model is not None and model.revisions else None
        if entry is not None and ours is not None and any(
                _same_entry(entry, mine) for mine in ours.revisions):
            entry = None  # the history holds nothing the open model lacks
        return cls(data, model, problem, entry, modified_at)

    @property
    def saved_at(self) -> datetime:
        moment = self.entry.time if self.entry else self.modified_at
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone()

    def who(self) -> str:
        """One sentence: 'Priya Shah saved revision 5 today at 14:02: 'Added detox lot'.'"""
        if self.model is None:
            return f"It cannot be read as a service model now: {_plain(self.problem, 200)}"
        if self.entry is None:
            return ("Its history has no new entry, so it was probably changed by a sync client "
                    f"or another program (the file's time is {when_words(self.modified_at)}).")
        entry = self.entry
        said = f": '{_plain(entry.summary)}'." if entry.summary.strip() else "."
        author = _plain(entry.author, 60)
        if author:
            return f"{author} saved revision {entry.number} {when_words(entry.time)}{said}"
        return f"Revision {entry.number} was saved {when_words(entry.time)} (no name given){said}"

    def copy_label(self) -> str:
        revision = (f"revision {self.model.revision}, " if self.model is not None
                    and self.model.revisions else "")
        return f"their version, {revision}saved {self.saved_at:%Y-%m-%d %H%M}"


def name_beside(path: Path, label: str) -> Path:
    """'luton (LABEL).svcmodel' beside `path`: a Windows-safe name that is not taken yet
    ('luton (LABEL) 2.svcmodel' and so on when it is). Saves rotate only `.bak`, so a file
    named so stays until the user removes it."""
    base = path.name[:-len(EXTENSION)] if path.name.lower().endswith(EXTENSION) else path.stem
    suffix = f" ({label})"
    base = safe_file_stem(base, max_chars=max(20, 120 - len(suffix)))
    folder = os.path.abspath(path.parent)

    def too_long(stem: str) -> bool:
        # The name's bytes (a file system limit), and the full path with a " 999" number,
        # within Windows' 259 characters: a synced folder's path is long already.
        full = len(folder) + 1 + len(f"{stem}{suffix} 999{EXTENSION}")
        return (len((stem + suffix).encode("utf-8")) > MAX_STEM_UTF8_BYTES - 4
                or full > WINDOWS_MAX_PATH)
    while too_long(base) and len(base) > 1:
        base = base[:-1].rstrip(" .-_") or base[:1]
    for n in range(1, 1000):
        candidate = path.with_name(f"{base}{suffix}{'' if n == 1 else f' {n}'}{EXTENSION}")
        if not candidate.exists():
            return candidate
    raise OSError(17, "too many copies with this name already")


def keep_bytes_beside(path: Path, label: str, data: bytes) -> Path:
    """Write `data` whole, or not at all, into a new file under a name `name_beside` finds
    free. Raises OSError."""
    target = name_beside(path, label)
    write_bytes_atomically(target, data)
    return target
