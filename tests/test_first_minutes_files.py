"""Issue 14, items 3 and 7: sharing and files on a machine as a new commissioner has it."""

from __future__ import annotations

from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from designer.files import share
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


# --- item 7: files -----------------------------------------------------------------------------
def test_opening_a_file_already_open_brings_its_window_forward(qtbot, tmp_path):
    import designer.app as app_module
    from models import write_model
    path = tmp_path / "luton.svcmodel"
    write_model(path, load_template("luton"))
    before = list(app_module._WINDOWS)
    app_module.open_windows([str(path)])
    app_module.open_windows([str(tmp_path / "." / "luton.svcmodel")])  # the same file again
    new = [w for w in app_module._WINDOWS if w not in before]
    for w in new:
        qtbot.addWidget(w)
        w.doc.undo_stack.setClean()
    assert len(new) == 1  # before: a second window on the same file


def test_saving_into_a_temporary_folder_warns_it_may_be_emptied(window, prompts, tmp_path):
    import tempfile
    from pathlib import Path
    folder = Path(tempfile.mkdtemp())  # a system temporary folder the user chose to save in
    target = folder / "mine.svcmodel"
    prompts.save_as_paths.append(str(target))
    assert window.save_as()
    text = window.files.banner.label.text()
    assert window.files.banner.isVisible() and "may empty" in text
    assert "attachment" not in text  # before: asked about an email attachment
    # Save still saves there (and the banner's Save As is there to move it).
    window.doc.update_model({"title": "Changed"})
    assert window.save() and prompts.save_as_paths == [] and target.exists()


def test_the_name_given_when_saving_is_the_models_author(window, prompts, docs):
    from models import read_model
    window.doc.set_model(load_template("luton"), None)
    window.doc.update_model({"author": ""})
    prompts.summary = ("Sam Jones", "First draft")
    prompts.save_as_paths.append(str(docs / "mine.svcmodel"))
    assert window.save()
    assert window.doc.model.author == "Sam Jones"  # before: the footer said not recorded
    assert read_model(docs / "mine.svcmodel").author == "Sam Jones"


def test_the_save_prompt_offers_the_models_author_else_the_remembered_name(qtbot):
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from designer.files.safety import AUTHOR_KEY, SummaryDialog, ask_summary
    QSettings().setValue(AUTHOR_KEY, "Sam Jones")
    seen = []

    def answer():
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, SummaryDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.author.text())
        dialog.accept()
    for model_author in ("", "Public health team", ""):
        QTimer.singleShot(0, answer)
        ask_summary(None, "x.svcmodel", model_author)
    # The model's author first, else the name last given (which the save then remembers).
    assert seen == ["Sam Jones", "Public health team", "Public health team"]


def test_export_dialogs_start_in_the_models_folder(window, prompts, docs, monkeypatch):
    from designer.printing import actions
    from models import write_model
    path = docs / "luton.svcmodel"
    write_model(path, load_template("luton"))
    window.open_file(str(path))
    monkeypatch.setattr(actions, "write_pdf", lambda pack, target, progress=None: False)
    actions.export_pack(window, window.doc.model, "pdf")
    window.findChild(type(window.act_undo), "act-export-lot-schedule-as-excel").trigger()
    from pathlib import Path
    assert [Path(s).parent for s in prompts.save_as_starts] == [docs, docs]  # before: home
