"""Recovery copies: unsaved changes kept in the app's own data folder while the document is
modified (written after a short idle time, and at least every half minute of steady editing),
offered again at the next start if the app closed without saving. The copy records the file's
stamp as the window last saw it, so after a restore a colleague's later save is still noticed
(a copy without a stamp counts as unknown: saving asks first). Files on disk: models.recovery.
"""

from __future__ import annotations

import time
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QSettings, QTimer

from models import ModelFileError, SaveError
from models.disk import DiskStamp, DiskVersion
from models.recovery import RecoveryCopy, RecoverySession, discard, list_recoverable
from models.recovery import restore as restore_copy
from models.wording import when_words

from .. import messages
from ..platform import app_data_dir

AUTOSAVE_IDLE_MS = 2000
AUTOSAVE_AT_LEAST_EVERY_S = 30.0  # someone editing without a pause still gets a copy
AUTOSAVE_KEY = "files/recoveryCopies"
DOCUMENT = "1"  # one document per window, so one recovery copy per session


def recovery_folder() -> Path:
    """The app's own folder for recovery copies, never beside the user's file."""
    return app_data_dir() / "recovery"


class RecoveryCopies(QObject):
    """The recovery copies of one window's document; `files` is its FileSafety, whose
    remembered disk stamp a copy records and a restore puts back."""

    def __init__(self, files):
        super().__init__(files)
        self.files = files
        self.window = files.window
        self.doc = files.doc
        self.session: RecoverySession | None = None  # created with the first recovery copy
        self._restoring = False
        self._unsaved_since: float | None = None  # first edit not yet in a recovery copy
        self._autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_IDLE_MS)
        self._autosave_timer.timeout.connect(self.write_recovery_copy)
        self.doc.undo_stack.indexChanged.connect(self._schedule_autosave)
        self.doc.modifiedChanged.connect(self._modified_changed)

    # --- settings --------------------------------------------------------------------------
    @staticmethod
    def autosave_enabled() -> bool:
        return QSettings().value(AUTOSAVE_KEY, True, type=bool)

    def set_autosave(self, on: bool) -> None:
        QSettings().setValue(AUTOSAVE_KEY, bool(on))
        if on:
            self._schedule_autosave()
        else:
            self._autosave_timer.stop()
            self._discard_copy()

    # --- recovery copies -------------------------------------------------------------------
    def _schedule_autosave(self, *_) -> None:
        if not shiboken6.isValid(self.doc.undo_stack):  # the window is being destroyed
            return
        if not (self.autosave_enabled() and self.doc.is_modified()):
            return
        now = time.monotonic()
        if self._unsaved_since is None:
            self._unsaved_since = now
        if now - self._unsaved_since > AUTOSAVE_AT_LEAST_EVERY_S:
            self.write_recovery_copy()
        else:
            self._autosave_timer.start()

    def _modified_changed(self, modified: bool) -> None:
        if modified:
            self._schedule_autosave()
        elif not self._restoring:  # saved, reverted or replaced: the copy is not needed
            self._autosave_timer.stop()
            self._unsaved_since = None
            self._discard_copy()

    def _session(self) -> RecoverySession:
        if self.session is None:
            self.session = RecoverySession(recovery_folder())
        return self.session

    def write_recovery_copy(self, force: bool = False) -> bool:
        """A recovery copy of unsaved changes now; `force` writes one even with recovery
        copies switched off (Windows is logging off: it is that or lose the changes)."""
        self._autosave_timer.stop()
        self._unsaved_since = None
        if not ((force or self.autosave_enabled()) and self.doc.is_modified()):
            return False
        try:
            stamp = (None if self.files.stamp_unknown or self.files.stamp is None
                     else self.files.stamp.as_dict())
            self._session().write(self.doc.model, DOCUMENT, self.doc.path, stamp)
        except (SaveError, OSError) as e:
            self.window.statusBar().showMessage(f"Recovery copy not written: {e}", 8000)
            return False
        return True

    def _discard_copy(self) -> None:
        if self.session is not None:
            self.session.discard(DOCUMENT)

    def closed(self) -> None:
        """The window closed cleanly (saved or changes discarded): no copy is left behind."""
        self._autosave_timer.stop()
        if self.session is not None:
            self.session.close()
            self.session = None

    def offer_recovery(self) -> None:
        """At start: offer each copy a crashed session left, with its time and title."""
        for copy in list_recoverable(recovery_folder()):
            self._offer(copy)

    @staticmethod
    def _original_since(copy: RecoveryCopy) -> tuple[bool, str]:
        """(whether the copy's file was saved again after its session read it, one sentence
        saying so and by whom) for the recovery prompt and its Compare."""
        original = copy.original
        if original is None or not original.is_file():
            return False, ""
        stamp = DiskStamp.from_dict(copy.original_stamp)
        if stamp is None:
            return False, (f"If you restore it, saving will ask before replacing "
                           f"{original.name}.")
        if not stamp.changed(original):
            return False, ""
        try:
            ours = restore_copy(copy)
        except ModelFileError:
            ours = None
        try:
            who = DiskVersion.read(original, ours).who()
        except OSError:
            who = ""
        return True, (f"Since then, {original.name} was saved again by someone else. {who} "
                      "If you restore your copy, saving will ask what to do with their "
                      "version.").replace("  ", " ")

    def _offer(self, copy: RecoveryCopy) -> None:
        when = copy.saved_at.astimezone().strftime("%A %d %B %Y at %H:%M")
        title = " ".join(copy.title.split())
        title = title if len(title) <= 100 else title[:99] + "…"
        where = (f"Its file: {copy.original}" if copy.original
                 else "It had not been saved to a file yet.")
        since = self._original_since(copy)[1]
        if since:
            where += f"\n\n{since}"
        while True:
            answer = messages.choose(
                self.window, "Recover unsaved changes?",
                f"Service Model Designer closed unexpectedly while \"{title}\" had "
                "unsaved changes.\n\n"
                f"A recovery copy was kept on {when}.\n{where}",
                ["Restore", "Compare...", "Discard", "Decide Later"], messages.Icon.Warning,
                "Restore opens the copy (then save it). Discard deletes the copy for good.")
            if answer == "Compare...":
                self._compare_copy(copy)
                continue
            if answer == "Restore":
                self.restore(copy)
            elif answer == "Discard":
                discard(copy)
            return

    def restore(self, copy: RecoveryCopy) -> bool:
        if not self.window.maybe_save():
            return False
        try:
            model = self._session().adopt(copy, DOCUMENT)
        except (ModelFileError, SaveError, OSError) as e:
            messages.tell(self.window, "Cannot restore the copy", f"{e}")
            return False
        original = copy.original if copy.original and copy.original.is_file() else None
        self._restoring = True  # keep the adopted copy while the model is replaced
        try:
            self.doc.set_model(model, original)
            # Compare the file with what it was when the crashed session read it, not with
            # what it is now: a colleague may have saved it since.
            stamp = DiskStamp.from_dict(copy.original_stamp) if original else None
            self.files.stamp, self.files.stamp_unknown = stamp, original is not None and stamp is None
            self.doc.undo_stack.resetClean()  # modified until saved
        finally:
            self._restoring = False
        self.window.statusBar().showMessage(
            f"Restored \"{model.title}\" from its recovery copy: save it to keep it.", 10000)
        return True

    def _compare_copy(self, copy: RecoveryCopy) -> None:
        from ..dialogs.compare import show_comparison
        try:
            recovered = restore_copy(copy)
        except ModelFileError as e:
            messages.tell(self.window, "Cannot read the copy", f"{e}")
            return
        kept = copy.saved_at.astimezone()
        mine = f"Your recovery copy (unsaved changes kept {when_words(kept)})"
        if copy.original and copy.original.is_file():
            try:
                from models import read_model
                old = read_model(copy.original)
            except ModelFileError as e:
                messages.tell(self.window, "Cannot read the file", f"{e}")
                return
            other = copy.original.name
            heading = (f"{mine} compared with {other} as it is on disk now "
                       f"(revision {old.revision}).")
        else:
            old, other = self.doc.model, "the open model"
            heading = f"{mine} compared with the model open now ({self.doc.display_name()})."
        heading += (f"\nAdded: only in your copy. Removed: only in {other}. "
                    f"Changed: {other} -> your copy.")
        changed, _ = self._original_since(copy)
        if changed:
            heading += (f"\n{copy.original.name} was saved by someone else after you opened it, "
                        "so the list also shows their changes, as things your copy lacks.")
        show_comparison(self.window, old, recovered, heading, modal=True)
