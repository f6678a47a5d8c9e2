"""Issue 14, items 3 and 7: sharing and files on a machine as a new commissioner has it."""

from __future__ import annotations

from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from designer import share
from gui_files_helpers import app_folders, docs, forget_recent_files, prompts, window  # noqa: F401
from models.templates import load_template


def no_mail_program(monkeypatch, prompts):
    """Neither a mail program nor a file manager answers (a locked-down or Linux desktop)."""
    def open_url(url):
        prompts.opened_urls.append(url.toLocalFile())
        return False
    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)


# --- item 3 ----------------------------------------------------------------------------------
def test_share_without_a_mail_program_names_the_folder_and_saves_where_asked(
        window, prompts, docs, monkeypatch):
    no_mail_program(monkeypatch, prompts)
    window.doc.set_model(load_template("luton"), None)
    chosen = docs / "to send"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda parent, caption, start, *a, **k: str(chosen))
    # Show the folder (no file manager either: said, with the path), then save the files.
    prompts.answers = [share.SHOW_FILES, "OK", share.SAVE_FILES, "OK"]
    shared = share.share_by_email(window)
    texts = {title: text for _, title, text in prompts.shown}
    assert str(shared.folder) in texts["Share by email"]  # before: the files, not the folder
    assert str(shared.folder) in texts["Cannot show the folder"]
    assert prompts.opened_urls == [str(shared.eml), str(shared.folder)]
    saved = sorted(p.name for p in chosen.iterdir())
    assert saved == sorted(p.name for p in (shared.eml, shared.model, shared.pdf))
    assert (chosen / shared.model.name).read_bytes() == shared.model.read_bytes()
    assert str(chosen) in texts["Files saved"]


def test_show_the_files_opens_the_folder(window, prompts):
    prompts.answers = [share.SHOW_FILES]
    shared = share.share_by_email(window)
    assert prompts.opened_urls[-1] == str(shared.folder)  # QDesktopServices, on the folder
