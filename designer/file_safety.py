"""Files that travel by email and live on shared drives: saving that cannot lose work.

- Save asks for an optional one-line summary (the revision log's "commit message"); a failed
  save leaves the document modified and offers Save As with the reason.
- The file's size, time and hash are remembered when it is opened or saved; before a save, a
  file a colleague changed meanwhile is reported (overwrite, save as or reload).
- A read-only file, or one opened from an email client's temporary folder, opens with a banner
  above the canvas, and Save goes to Save As.
- While the document is modified a recovery copy is written after a short idle time into the
  app's own data folder (models.recovery); the next start offers copies a crash left behind.

`install_files(window)` wires this into a MainWindow, together with Compare, Share and History.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QFrame,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from models import ModelFileError, SaveError
from models.fileio import EXTENSION, clean_stray_temp_files
from models.recovery import RecoveryCopy, RecoverySession, discard, list_recoverable
from models.winpaths import save_elsewhere_reason, suggested_filename

from . import messages
from .platform import app_data_dir

AUTOSAVE_IDLE_MS = 2000
AUTOSAVE_AT_LEAST_EVERY_S = 30.0  # someone editing without a pause still gets a copy
AUTOSAVE_KEY = "files/recoveryCopies"
AUTHOR_KEY = "files/author"
FOLDER_KEY = "files/lastFolder"
DOCUMENT = "1"  # one document per window, so one recovery copy per session
FILE_FILTER = f"Service models (*{EXTENSION});;All files (*)"
MAX_SUMMARY = 200


def recovery_folder() -> Path:
    """The app's own folder for recovery copies, never beside the user's file."""
    return app_data_dir() / "recovery"


def elided(name: str, limit: int = 60) -> str:
    """A long file name shortened in the middle, so it cannot widen the window."""
    return name if len(name) <= limit else name[:limit - 20] + "…" + name[-19:]


class SummaryDialog(QDialog):
    """Save with an optional one-line summary of what changed; Enter saves."""

    def __init__(self, parent: QWidget | None, file_name: str, author: str):
        super().__init__(parent)
        self.setWindowTitle(f"Save {file_name}")
        self.author = QLineEdit(author)
        self.author.setAccessibleName("Your name")
        self.author.setMaxLength(MAX_SUMMARY)
        self.summary = QLineEdit()
        self.summary.setAccessibleName("Summary of the changes")
        self.summary.setPlaceholderText("Optional, e.g. Moved detox into lot 2")
        self.summary.setMaxLength(MAX_SUMMARY)
        self.summary.setMinimumWidth(380)
        form = QFormLayout()
        form.addRow("&What changed:", self.summary)
        form.addRow("Your &name:", self.author)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel("Both are kept in the file's history.")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.summary.setFocus()


def ask_summary(parent: QWidget | None, file_name: str,
                fallback_author: str = "") -> tuple[str, str] | None:
    """(author, summary) for the revision log, or None when the user cancels the save."""
    dialog = SummaryDialog(parent, file_name, str(QSettings().value(AUTHOR_KEY, "") or ""))
    if fallback_author:  # what the log records when the name is left blank (Document.save)
        dialog.author.setPlaceholderText(f"If blank: {' '.join(fallback_author.split())}")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    author = " ".join(dialog.author.text().split())
    QSettings().setValue(AUTHOR_KEY, author)
    return author, " ".join(dialog.summary.text().split())


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


class Banner(QFrame):
    """A plain-text strip above the canvas: this file's changes must be saved elsewhere."""

    def __init__(self, save_as, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("file-banner")
        self.setAccessibleName("File warning")
        self.setStyleSheet("#file-banner { background: #fff4ce; border-bottom: 1px solid #d8b600; }"
                           " QLabel { color: #3d3000; }")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        button = QPushButton("Save As...")
        button.setAccessibleName("Save a copy elsewhere")
        button.clicked.connect(save_as)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(button)
        self.hide()

    def show_reason(self, reason: str | None) -> None:
        self.label.setText(reason or "")
        self.setVisible(bool(reason))


class FileSafety(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.stamp: DiskStamp | None = None
        self.elsewhere: str | None = None  # why Save must go to Save As, or None
        self.session: RecoverySession | None = None  # created with the first recovery copy
        self._restoring = False
        self._unsaved_since: float | None = None  # first edit not yet in a recovery copy

        # The banner sits above the canvas: wrap the central view in a small column.
        view = window.takeCentralWidget()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = Banner(self.save_as)
        column.addWidget(self.banner)
        column.addWidget(view, 1)
        window.setCentralWidget(holder)

        self._autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_IDLE_MS)
        self._autosave_timer.timeout.connect(self.write_recovery_copy)
        self.doc.pathChanged.connect(self._file_identity_changed)
        self.doc.undo_stack.indexChanged.connect(self._schedule_autosave)
        self.doc.modifiedChanged.connect(self._modified_changed)
        self._file_identity_changed()

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

    # --- the file on disk ------------------------------------------------------------------
    def _file_identity_changed(self) -> None:
        """A file was opened, or saved under a new name (or a new model has no file)."""
        path = self.doc.path
        if path is not None:
            try:
                clean_stray_temp_files(path.parent)  # halves of a save a crash cut off
            except OSError:
                pass
        self._remember_disk()

    def _remember_disk(self) -> None:
        path = self.doc.path
        self.stamp = DiskStamp.of(path) if path else None
        self.elsewhere = save_elsewhere_reason(path) if path else None
        self.banner.show_reason(self.elsewhere and f"{elided(path.name)}: {self.elsewhere}")

    # --- saving ----------------------------------------------------------------------------
    def save(self) -> bool:
        path = self.doc.path
        if path is None or self.elsewhere:
            return self.save_as()
        if not self.doc.is_modified() and path.exists() and not (
                self.stamp is not None and self.stamp.changed(path)):
            # Nothing new: another revision would only add an empty line to the history.
            self.window.statusBar().showMessage(
                f"No changes to save: {path.name} already holds this model "
                f"(revision {self.doc.model.revision}).", 5000)
            return True
        if self.stamp is not None and self.stamp.changed(path):
            answer = messages.choose(
                self.window, "File changed on disk",
                f"{path.name} was changed by someone else since you opened it (a colleague "
                "on a shared drive, or a sync client).",
                ["Save As...", "Overwrite", "Reload Theirs"], messages.Icon.Warning,
                "Overwrite replaces their version with yours (the previous file is kept as "
                f"{path.name}.bak). Reload Theirs discards your changes.")
            if answer == "Save As...":
                return self.save_as()
            if answer == "Reload Theirs":
                self._reload()
                return False
            if answer != "Overwrite":
                return False
        entry = ask_summary(self.window, path.name, self.doc.model.author)
        return entry is not None and self.write(path, *entry)

    def save_as(self, entry: tuple[str, str] | None = None) -> bool:
        path = self.doc.path
        folder = (path.parent if path and not self.elsewhere
                  else Path(str(QSettings().value(FOLDER_KEY, "") or Path.home())))
        start = folder / suggested_filename(self.doc.model.title)
        chosen, _ = QFileDialog.getSaveFileName(self.window, "Save the service model",
                                                str(start), FILE_FILTER)
        if not chosen:
            return False
        if not chosen.lower().endswith(EXTENSION):
            chosen += EXTENSION
        QSettings().setValue(FOLDER_KEY, str(Path(chosen).parent))
        entry = entry or ask_summary(self.window, Path(chosen).name, self.doc.model.author)
        return entry is not None and self.write(Path(chosen), *entry)

    def write(self, path: Path, author: str = "", summary: str = "") -> bool:
        """Save to `path` now. On failure the document stays modified and Save As is offered."""
        try:
            self.doc.save(path, author, summary)
        except SaveError as e:
            answer = messages.choose(self.window, "Cannot save the file", f"{e}",
                            ["Save As...", "Cancel"], messages.Icon.Critical,
                            "Your changes are still open in this window.")
            return answer == "Save As..." and self.save_as((author, summary))
        self._remember_disk()
        self.window._add_recent(str(path))
        self.window.statusBar().showMessage(
            f"Saved {path.name} (revision {self.doc.model.revision}).", 5000)
        return True

    def _reload(self) -> None:
        try:
            self.doc.revert()
        except ModelFileError as e:
            messages.tell(self.window, "Cannot reload the file", f"{e}")

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

    def write_recovery_copy(self) -> bool:
        self._autosave_timer.stop()
        self._unsaved_since = None
        if not (self.autosave_enabled() and self.doc.is_modified()):
            return False
        try:
            self._session().write(self.doc.model, DOCUMENT, self.doc.path)
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

    def _offer(self, copy: RecoveryCopy) -> None:
        when = copy.saved_at.astimezone().strftime("%A %d %B %Y at %H:%M")
        title = " ".join(copy.title.split())
        title = title if len(title) <= 100 else title[:99] + "…"
        where = (f"Its file: {copy.original}" if copy.original
                 else "It had not been saved to a file yet.")
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
            self.doc.undo_stack.resetClean()  # modified until saved
        finally:
            self._restoring = False
        self.window.statusBar().showMessage(
            f"Restored \"{model.title}\" from its recovery copy: save it to keep it.", 10000)
        return True

    def _compare_copy(self, copy: RecoveryCopy) -> None:
        from models.recovery import restore

        from .compare import show_comparison
        try:
            recovered = restore(copy)
        except ModelFileError as e:
            messages.tell(self.window, "Cannot read the copy", f"{e}")
            return
        if copy.original and copy.original.is_file():
            try:
                from models import read_model
                old, old_name = read_model(copy.original), copy.original.name
            except ModelFileError as e:
                messages.tell(self.window, "Cannot read the file", f"{e}")
                return
        else:
            old, old_name = self.doc.model, "the model open now"
        show_comparison(self.window, old, recovered,
                        f"Recovery copy compared with {old_name}", modal=True)


# Compare and Share are imported when first used: not needed to show the window.
def _compare_with_file(window) -> None:
    from .compare import compare_with_file
    compare_with_file(window)


def _share_by_email(window) -> None:
    from .share import share_by_email
    share_by_email(window)


def install_files(window) -> FileSafety:
    """Add file safety, Compare with..., Share... and History to a MainWindow."""
    from PySide6.QtGui import QAction

    from . import history

    files = FileSafety(window)
    file_menu = window.menus["file"]
    quit_action = window.findChild(QAction, "act-quit")
    actions = [
        window._action("Compare &with...", lambda: _compare_with_file(window), None,
                       "Show what changed between this model and another file"),
        window._action("S&hare...", lambda: _share_by_email(window), None,
                       "Put the model and its lot pack into an email draft"),
        window._action("Keep Re&covery Copies", files.set_autosave, None,
                       "Keep a copy of unsaved changes in case the app closes unexpectedly",
                       checkable=True),
    ]
    actions[-1].setChecked(files.autosave_enabled())
    for action in actions:  # after printing and export, before the separator above Quit
        file_menu.insertAction(quit_action, action)
    file_menu.insertSeparator(quit_action)
    window.history = history.install_history(window)
    return files
