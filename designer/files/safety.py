"""Files that travel by email and live on shared drives: saving that cannot lose work.

- Save asks for an optional one-line summary (the revision log's "commit message"); a failed
  save leaves the document modified and offers Save As with the reason.
- The file's size, time and hash are remembered when it is opened or saved; before a save, a
  file a colleague changed meanwhile is reported, naming who saved it from its revision log.
  With unsaved changes: save as, overwrite (their version is kept as its own file beside it,
  which no later save rotates away) or reload theirs (yours is kept beside it first). With
  none: reload or cancel; a stale copy is never written over their work.
- A read-only file, or one opened from an email client's temporary folder, opens with a banner
  above the canvas, and Save goes to Save As.
- While the document is modified a recovery copy is kept (`recovery_copies.py`); the next
  start offers copies a crash left behind.

`install_files(window)` wires this into a MainWindow, together with Compare, Share and History.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QSettings, Qt
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from models import ModelFileError, SaveError, write_model
from models.disk import DiskStamp, DiskVersion, keep_bytes_beside, name_beside
from models.fileio import EXTENSION, FileChangedError, clean_stray_temp_files
from models.winpaths import (SAVED_IN_TEMPORARY, is_read_only, safe_file_stem,
                             save_elsewhere_reason, suggested_filename)

from .. import messages
from ..widgets.screens import fit_to_screen
from .recovery_copies import RecoveryCopies

AUTHOR_KEY = "files/author"
FOLDER_KEY = "files/lastFolder"
FILE_FILTER = f"Service models (*{EXTENSION});;All files (*)"
MAX_SUMMARY = 200


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
        fit_to_screen(self, self.sizeHint().width(), self.sizeHint().height())
        self.summary.setFocus()


def remembered_author() -> str:
    return str(QSettings().value(AUTHOR_KEY, "") or "")


def ask_summary(parent: QWidget | None, file_name: str,
                model_author: str = "") -> tuple[str, str] | None:
    """(author, summary) for the revision log, or None when the user cancels the save. The
    name is the model's author (the one printed on the pack), else the name last given."""
    dialog = SummaryDialog(parent, file_name,
                           " ".join(model_author.split()) or remembered_author())
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    author = " ".join(dialog.author.text().split())
    QSettings().setValue(AUTHOR_KEY, author)
    return author, " ".join(dialog.summary.text().split())


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
        # After restoring a recovery copy that recorded no stamp (an older app wrote it), we
        # cannot tell whether the file changed since: saving over it asks first.
        self.stamp_unknown = False
        self.elsewhere: str | None = None  # why Save must go to Save As, or None
        self.saved_here: Path | None = None  # the file this window last saved

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

        self.doc.pathChanged.connect(self._file_identity_changed)
        self.copies = RecoveryCopies(self)
        self._file_identity_changed()

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
        self.stamp_unknown = False
        reason = save_elsewhere_reason(path, path == self.saved_here) if path else None
        # A temporary folder the user saved in themselves: warned, but Save still saves there.
        self.elsewhere = None if reason == SAVED_IN_TEMPORARY else reason
        self.banner.show_reason(reason and f"{elided(path.name)}: {reason}")

    # --- saving ----------------------------------------------------------------------------
    def changed_on_disk(self, path: Path) -> bool:
        """True when the file may hold someone else's save that this window has not seen."""
        if self.stamp_unknown:
            return path.exists()
        return self.stamp is not None and self.stamp.changed(path)

    def save(self) -> bool:
        path = self.doc.path
        if path is None or self.elsewhere:
            return self.save_as()
        if path.exists() and is_read_only(path):  # made read-only since it was opened
            return self._save_to_read_only_file(path)
        if self.changed_on_disk(path):
            return self._save_over_changed_file(path)
        if not self.doc.is_modified() and path.exists():
            # Nothing new: another revision would only add an empty line to the history.
            self.window.statusBar().showMessage(
                f"No changes to save: {path.name} already holds this model "
                f"(revision {self.doc.model.revision}).", 5000)
            return True
        entry = ask_summary(self.window, path.name, self.doc.model.author)
        return entry is not None and self.write(path, *entry)

    def _save_to_read_only_file(self, path: Path) -> bool:
        """The file (or its folder) was made read-only after it was opened: a save would
        replace it and drop the read-only mode, so offer Save As, as the banner does."""
        self.elsewhere = save_elsewhere_reason(path)
        self.banner.show_reason(f"{elided(path.name)}: {self.elsewhere}")
        answer = messages.choose(
            self.window, "Cannot save in place",
            f"{path.name} (or its folder) was made read-only after you opened it, so it "
            "cannot be saved in place.", ["Save As...", "Cancel"], messages.Icon.Warning,
            "Save As keeps your changes in another file. Until then they are still open in "
            "this window.")
        return answer == "Save As..." and self.save_as()

    def _save_over_changed_file(self, path: Path, entry: tuple[str, str] | None = None) -> bool:
        """Someone else saved the file since we read it: never lose their work or ours.
        `entry` is the (author, summary) already given for this save, if any."""
        try:
            theirs = DiskVersion.read(path, self.doc.model)
        except OSError as e:
            messages.tell(self.window, "Cannot read the file",
                          f"{path.name} was changed by someone else and cannot be read now: "
                          f"{e.strerror or e}. Nothing was saved; try again, or use Save As.")
            return False
        if self.stamp_unknown:
            headline = (f"Your changes were restored from a recovery copy that does not record "
                        f"which version of {path.name} they started from, so someone else may "
                        "have saved it since.")
            who = theirs.who() if theirs.entry or theirs.model is None else (
                f"Its history ends at revision {theirs.model.revision}, which your version "
                "has too, so it was probably not changed.")
        else:
            headline = f"{path.name} was changed by someone else after you opened it."
            who = theirs.who()
        readable = theirs.model is not None
        if not self.doc.is_modified():
            if not readable:
                messages.tell(self.window, "File changed on disk",
                              f"{headline}\n{who}\n\nYou have no unsaved changes, so nothing "
                              "was saved.", messages.Icon.Warning)
                return False
            answer = messages.choose(
                self.window, "File changed on disk",
                f"{headline}\n{who}\n\nYou have no unsaved changes, so nothing of yours can "
                "be lost.",
                ["Reload", "Cancel"], messages.Icon.Information,
                "Reload shows their version. Cancel keeps showing the older version you opened; "
                "it is not saved over theirs.")
            if answer == "Reload":
                self._reload()
            return False
        mine = self._my_copy_label()
        detail = [
            "Save As... puts your version in a new file and leaves theirs as it is.",
            f"Overwrite saves your version here; theirs is kept beside it as "
            f"\"{name_beside(path, theirs.copy_label()).name}\".",
        ]
        buttons = ["Save As...", "Overwrite"]
        if readable:
            detail.append(f"Reload Theirs shows their version; yours is first kept beside it as "
                          f"\"{name_beside(path, mine).name}\".")
            buttons.append("Reload Theirs")
        answer = messages.choose(
            self.window, "File changed on disk",
            f"{headline}\n{who}\n\nYou have unsaved changes, and their version does not "
            "have them.", [*buttons, "Cancel"], messages.Icon.Warning, "\n".join(detail))
        if answer == "Save As...":
            return self.save_as(entry)
        if answer == "Reload Theirs":
            self._reload_keeping_mine(path, mine)
            return False
        if answer != "Overwrite":
            return False
        entry = entry or ask_summary(self.window, path.name, self.doc.model.author)
        if entry is None:
            return False
        try:  # read again: the version to keep is the one we are about to replace
            theirs = DiskVersion.read(path, self.doc.model)
            kept = keep_bytes_beside(path, theirs.copy_label(), theirs.data)
            # What we replace is now what was kept; a save after this one still asks.
            self.stamp, self.stamp_unknown = DiskStamp.of_bytes(theirs.data), False
        except OSError as e:
            answer = messages.choose(
                self.window, "Cannot keep their version",
                f"Their version of {path.name} could not be kept as a separate file: "
                f"{e.strerror or e}. Nothing was saved.", ["Save As...", "Cancel"],
                messages.Icon.Critical, "Save As puts your version in a new file instead.")
            return answer == "Save As..." and self.save_as(entry)
        # Numbered after theirs: two different versions must not both be "revision 3".
        after = theirs.model.revision if theirs.model is not None else 0
        if not self.write(path, *entry, after=after):
            return False
        self.window.statusBar().showMessage(
            f"Saved {path.name} (revision {self.doc.model.revision}). Their version is kept "
            f"beside it as \"{kept.name}\".", 30000)
        return True

    @staticmethod
    def _my_copy_label() -> str:
        return f"your version, not saved, {datetime.now():%Y-%m-%d %H%M}"

    def _reload_keeping_mine(self, path: Path, label: str) -> None:
        """Reload their version; first keep ours as its own file beside theirs."""
        try:
            kept = name_beside(path, label)
            write_model(kept, self.doc.model, keep_backup=False)
        except (OSError, SaveError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else e
            if messages.choose(
                    self.window, "Cannot keep your version",
                    f"Your changes could not be kept as a separate file beside {path.name}: "
                    f"{reason}.\n\nReload their version anyway and lose your changes?",
                    ["Keep My Changes", "Lose My Changes and Reload"],
                    messages.Icon.Critical) != "Lose My Changes and Reload":
                return
            kept = None
        if not self._reload():
            return
        note = f" Your version is kept beside it as \"{kept.name}\"." if kept else ""
        self.window.statusBar().showMessage(
            f"Reloaded {path.name} (revision {self.doc.model.revision}).{note}", 30000)

    def save_as(self, entry: tuple[str, str] | None = None) -> bool:
        path = self.doc.path
        folder = (path.parent if path and not self.elsewhere
                  else Path(str(QSettings().value(FOLDER_KEY, "") or Path.home())))
        # A copy opened from an email keeps its attachment's name (it carries the sender's
        # revision): a name from the title could be the user's own master file in that folder.
        name = (safe_file_stem(path.stem) + EXTENSION if path and self.elsewhere
                else suggested_filename(self.doc.model.title))
        start = folder / name
        chosen, _ = QFileDialog.getSaveFileName(self.window, "Save the service model",
                                                str(start), FILE_FILTER)
        if not chosen:
            return False
        if not chosen.lower().endswith(EXTENSION):
            chosen += EXTENSION
        entry = entry or ask_summary(self.window, Path(chosen).name, self.doc.model.author)
        return entry is not None and self.write(Path(chosen), *entry)

    def _show_waiting(self, text: str) -> None:
        """A save waiting for OneDrive or a share to let go of the file: say so, and paint it
        (the save runs on this thread, so nothing else would until it ends)."""
        self.window.statusBar().showMessage(text, 5000)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def write(self, path: Path, author: str = "", summary: str = "", after: int = 0) -> bool:
        """Save to `path` now. On failure the document stays modified and Save As is offered.
        Over this window's own file, the file is checked once more just before it is replaced
        (the summary question may have been open a long time): a colleague's save made
        meanwhile takes the "changed on disk" path."""
        # One author: the name given when saving is the model's Author field too (printed on
        # the pack); a save that fails takes it back, so it changes nothing.
        named = bool(author) and author != self.doc.model.author
        if named:
            self.doc.update_model({"author": author}, "Record the author")
        ours = path == self.doc.path
        try:
            self.doc.save(path, author, summary, after=after,
                          unchanged=(lambda: not self.changed_on_disk(path)) if ours else None,
                          waiting=self._show_waiting)
            self.saved_here = path
        except FileChangedError:
            if named:
                self.doc.undo_stack.undo()
            return self._save_over_changed_file(path, (author, summary))
        except SaveError as e:
            if named:
                self.doc.undo_stack.undo()
            answer = messages.choose(self.window, "Cannot save the file", f"{e}",
                            ["Save As...", "Cancel"], messages.Icon.Critical,
                            "Your changes are still open in this window.")
            return answer == "Save As..." and self.save_as((author, summary))
        self._remember_disk()
        # Remembered only once saved: a folder that failed is not where Save As should start.
        QSettings().setValue(FOLDER_KEY, str(path.parent))
        self.window.recent.add(path)
        self.window.statusBar().showMessage(
            f"Saved {path.name} (revision {self.doc.model.revision}).", 5000)
        return True

    def _reload(self) -> bool:
        try:
            self.doc.revert()
        except ModelFileError as e:
            messages.tell(self.window, "Cannot reload the file", f"{e}")
            return False
        return True

# Compare and Share are imported when first used: not needed to show the window.
def _compare_with_file(window) -> None:
    from ..dialogs.compare import compare_with_file
    compare_with_file(window)


def _share_by_email(window) -> None:
    from .share import share_by_email
    share_by_email(window)


def install_files(window) -> FileSafety:
    """Add file safety, Compare with..., Share... and History to a MainWindow."""
    from PySide6.QtGui import QAction

    from ..docks import history

    files = FileSafety(window)
    file_menu = window.menus["file"]
    quit_action = window.findChild(QAction, "act-quit")
    actions = [
        window.menu_actions.add("Compare &with...", lambda: _compare_with_file(window), None,
                       "Show what changed between this model and another file"),
        window.menu_actions.add("S&hare...", lambda: _share_by_email(window), None,
                       "Put the model and its lot pack into an email draft"),
        window.menu_actions.add("Keep Re&covery Copies", files.copies.set_autosave, None,
                       "Keep a copy of unsaved changes in case the app closes unexpectedly",
                       checkable=True),
    ]
    actions[-1].setChecked(files.copies.autosave_enabled())
    for action in actions:  # after printing and export, before the separator above Quit
        file_menu.insertAction(quit_action, action)
    file_menu.insertSeparator(quit_action)
    window.history = history.install_history(window)
    return files
