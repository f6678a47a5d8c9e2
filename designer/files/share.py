"""File > Share...: the model and its printed lot pack in an email draft, in one step.

models.share writes the .eml draft and, beside it, the two attachments into a fresh folder in
the app's own data folder. On Windows, Simple MAPI hands the email to a MAPI mail client
(designer/files/winmail.py); else classic Outlook opens the draft; else (Mail, the new Outlook) the
folder of files to attach by hand is the way. "Show the files in a folder" is always offered.
"""

from __future__ import annotations

import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog

from models import serialise
from models.schema import ServiceModel
from models.share import (MAX_ATTACHMENTS_BYTES, SharedFiles, default_body, share_subject,
                          write_share_files)

from .. import messages
from . import winmail
from ..platform import app_data_dir

KEEP_DAYS = 7  # older share folders are removed: the email has long gone by then
SHOW_FILES = "Show the Files in a Folder"


SAVE_AND_SHARE = "Save and Share"
SAVE_FILES = "Save the Files To..."


def share_root() -> Path:
    return app_data_dir() / "share"


def lot_pack_pdf(model: ServiceModel, path: Path) -> bytes | None:
    """The printed lot pack as PDF bytes, on the saved paper settings; None if it cannot be
    printed (the email then carries the model alone)."""
    from ..printing.actions import saved_page_layout
    from ..printing.pack import LotPack, options_from_layout, write_pdf

    try:
        pack = LotPack(model, options_from_layout(saved_page_layout()))
        if not write_pdf(pack, path):
            return None
        return path.read_bytes()
    except (ValueError, OSError):
        return None


def _remove_old_folders(root: Path) -> None:
    cutoff = time.time() - KEEP_DAYS * 86400
    for folder in root.glob("*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def write_files(model: ServiceModel, unsaved: bool = False) -> SharedFiles:
    """Write the draft and attachments into a new folder. Raises OSError."""
    root = share_root()
    _remove_old_folders(root)
    folder = root / datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder.mkdir(parents=True)
    pdf_bytes = lot_pack_pdf(model, folder / "pack.tmp.pdf")
    (folder / "pack.tmp.pdf").unlink(missing_ok=True)
    return write_share_files(folder, model, serialise(model), pdf_bytes, unsaved=unsaved)


def share_by_email(window) -> SharedFiles | None:
    # A copy with unsaved edits must not travel under the saved revision's number: partners
    # would compare it with the saved file of that number and find it differs.
    unsaved = window.doc.is_modified()
    if unsaved:
        answer = messages.choose(
            window, "Share by email",
            "The model has changes that are not saved yet. Save them first, so the email "
            "carries a new revision, or share a copy marked as having unsaved changes?",
            [SAVE_AND_SHARE, "Share Unsaved Copy", "Cancel"], messages.Icon.Question)
        if answer == SAVE_AND_SHARE:
            if not window.save():
                return None
            unsaved = window.doc.is_modified()
        elif answer != "Share Unsaved Copy":
            return None
    model = window.doc.model
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # printing a pack takes a moment
    try:
        shared = write_files(model, unsaved)
    except OSError as e:
        messages.tell(window, "Cannot prepare the email",
                            f"Could not write the files to share: {e.strerror or e}")
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()

    names = [p.name for p in (shared.model, shared.pdf) if p is not None]
    if shared.too_large:
        answer = messages.choose(
            window, "Attachments are large",
            f"The attachments come to {shared.attachments_bytes / 1048576:.1f} MB. Many council "
            f"mail systems refuse messages over {MAX_ATTACHMENTS_BYTES // 1048576} MB.",
            [SHOW_FILES, "Create the Email Anyway"], messages.Icon.Warning,
            "You could share the files through a shared drive or a file transfer service "
            "instead.")
        if answer == SHOW_FILES:
            show_folder(shared.folder, window)
        if answer != "Create the Email Anyway":
            return shared
    text = _hand_over(window, shared, model, unsaved, names)
    if not shared.pdf:
        text += "\nThe lot pack could not be printed, so only the model is attached."
    while True:  # until the user closes it, or the folder is shown or the files are saved
        answer = messages.choose(window, "Share by email", text, [SHOW_FILES, SAVE_FILES, "Close"],
                                 messages.Icon.Information)
        if answer == SHOW_FILES and show_folder(shared.folder, window):
            break
        if answer == SAVE_FILES and save_files_to(window, shared) is not None:
            break
        if answer not in (SHOW_FILES, SAVE_FILES):
            break
    return shared


def _hand_over(window, shared: SharedFiles, model: ServiceModel, unsaved: bool,
               names: list[str]) -> str:
    """Give the email to the mail program the best way this desktop has, and say what
    really happened: sent, closed unsent, a draft open, or the files to attach by hand."""
    attached = " and ".join(names)
    files = [p for p in (shared.model, shared.pdf) if p is not None]
    client = winmail.mapi_client()
    result = winmail.send_with_mapi(share_subject(model, unsaved),
                                    default_body(model, shared.pdf is not None, unsaved), files,
                                    int(window.winId()) if sys.platform == "win32" else 0)
    if result == winmail.SUCCESS_SUCCESS:
        return (f"{client} has the email with {attached} attached: it is sent, or waiting in "
                "its Outbox.")
    if result == winmail.MAPI_USER_ABORT:
        return (f"The email was closed in {client} without being sent. The files are still "
                f"in this folder:\n{shared.folder}")
    handler = winmail.eml_handler()
    if handler in (winmail.OTHER_PROGRAM, winmail.NO_PROGRAM):
        # Mail and the new Outlook open an .eml read-only or not at all: the folder is the
        # dependable way, so it comes first.
        return ("Your mail program cannot open a ready-made draft, so attach the files "
                f"yourself: start a new email and add {attached} from this folder:\n"
                f"{shared.folder}\nShow the Files in a Folder opens it.")
    opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(shared.eml)))
    if opened and handler == winmail.CLASSIC_OUTLOOK:
        return (f"The email draft is open in Outlook, with {attached} attached. Add the "
                "recipients and send it.")
    if opened:
        return (f"Your mail program was asked to open the email draft, with {attached} "
                "attached. If it opened, add the recipients and send it; if not, the files "
                f"are in this folder:\n{shared.folder}")
    return ("No mail program opened the email draft. The draft and the files to attach by "
            f"hand ({', '.join(names)}) are in this folder:\n{shared.folder}\nSave them "
            "somewhere you can find them, or open the folder.")


def show_folder(folder: Path, window=None) -> bool:
    """Open the folder in the file manager; when none opens it, say so and where it is."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    if window is not None:
        messages.tell(window, "Cannot show the folder",
                      "No file manager opened the folder. The files are in:\n"
                      f"{folder}\nChoose {SAVE_FILES.rstrip('.')} to put them somewhere else.")
    return False


def save_files_to(window, shared: SharedFiles) -> Path | None:
    """Copy the draft and its attachments to a folder the user chooses (the model's own
    folder to start with); existing files are never overwritten. None if cancelled."""
    start = str(window.doc.path.parent) if window.doc.path else str(Path.home())
    chosen = QFileDialog.getExistingDirectory(window, "Save the email draft and its files in",
                                              start)
    if not chosen:
        return None
    target = Path(chosen)
    try:
        saved = [_copy_unique(path, target) for path in (shared.eml, shared.model, shared.pdf)
                 if path is not None]
    except OSError as e:
        messages.tell(window, "Cannot save the files",
                      f"Could not copy the files to {target}: {e.strerror or e}")
        return None
    messages.tell(window, "Files saved", "Saved in " + str(target) + ":\n"
                  + "\n".join(p.name for p in saved), messages.Icon.Information)
    return target


def _copy_unique(path: Path, folder: Path) -> Path:
    target, n = folder / path.name, 2
    while target.exists():
        target, n = folder / f"{path.stem} ({n}){path.suffix}", n + 1
    shutil.copyfile(path, target)
    return target
