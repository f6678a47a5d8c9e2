"""Files that travel, through the real window: the save summary and history, a file changed on
disk, the read-only / attachment banner, autosave, compare with its canvas marks, and share."""

from __future__ import annotations

import email
import json
import os
import shutil
import stat
import subprocess
import sys
from types import SimpleNamespace
from email import policy
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from conftest import answer_modal

from designer import messages
from designer.dialogs import compare
from designer.files import recovery_copies
from designer.files import safety as file_safety
from designer.files import share
from designer.docks.history import HistoryPanel
from gui_files_helpers import app_folders, docs, forget_recent_files, prompts, window  # noqa: F401
from models import parse_model, read_model, with_revision, write_model
from models.templates import load_template
from models.winpaths import suggested_filename


def saved_luton(folder: Path) -> Path:
    path = folder / "luton.svcmodel"
    write_model(path, load_template("luton"))
    return path


def dump(model):
    return model.model_dump(exclude={"revisions"})


# --- save flow and history --------------------------------------------------------------------

def test_save_records_summary_and_author_and_history_lists_them(window, prompts, docs):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Luton 2026"})
    prompts.summary = ("Ana Patel", "Renamed for the 2026 tender")
    assert window.save()
    saved = read_model(path)
    assert saved.revisions[-1].author == "Ana Patel"
    assert saved.revisions[-1].summary == "Renamed for the 2026 tender"
    assert not window.doc.is_modified()
    history: HistoryPanel = window.history
    top = history.topLevelItem(0)
    assert [top.text(i) for i in (0, 1, 3)] == [str(saved.revision), "Ana Patel",
                                                "Renamed for the 2026 tender"]
    assert history.topLevelItemCount() == len(saved.revisions)


def test_saving_with_nothing_changed_adds_no_empty_revision(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    before = path.read_bytes()
    assert window.save()
    assert path.read_bytes() == before
    assert "No changes to save" in window.statusBar().currentMessage()
    # Save As to a new file still writes it.
    prompts.save_as_paths = [str(docs / "copy.svcmodel")]
    assert window.save_as() and (docs / "copy.svcmodel").exists()


def test_cancelling_the_summary_cancels_the_save(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    before = path.read_bytes()
    window.doc.update_model({"title": "Not yet"})
    prompts.summary = None
    assert not window.save()
    assert window.doc.is_modified() and path.read_bytes() == before


def test_summary_dialog_saves_on_enter_and_remembers_the_author(qtbot, private_settings):
    dialog = file_safety.SummaryDialog(None, "luton.svcmodel", "")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.author.setText("Ana Patel")
    dialog.summary.setText("Added a detox lot")
    QTest.keyClick(dialog.summary, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.summary.maxLength() == file_safety.MAX_SUMMARY


def test_save_as_suggests_a_windows_safe_name_from_the_title(window, prompts, docs):
    window.doc.update_model({"title": "Luton: 2024/25 <draft>"})
    target = docs / "chosen"
    prompts.save_as_paths.append(str(target))
    assert window.save()  # never saved: Save goes to Save As
    assert Path(prompts.save_as_starts[0]).name == suggested_filename("Luton: 2024/25 <draft>")
    assert Path(prompts.save_as_starts[0]).name == "Luton - 2024-25 draft.svcmodel"
    assert window.doc.path == docs / "chosen.svcmodel" and window.doc.path.is_file()


def test_a_failed_save_as_does_not_remember_the_folder_that_failed(window, prompts, docs):
    missing = docs / "no such folder" / "luton.svcmodel"
    prompts.save_as_paths += [str(missing), ""]  # the retry offered after the failure: Cancel
    assert not window.save()  # never saved: Save goes to Save As
    assert prompts.titles("choose")[-1] == "Cannot save the file"
    assert Path(prompts.save_as_starts[-1]).parent != missing.parent
    assert QSettings().value(file_safety.FOLDER_KEY) is None
    kept = docs / "kept.svcmodel"
    prompts.save_as_paths += [str(kept)]
    assert window.save()
    assert QSettings().value(file_safety.FOLDER_KEY) == str(docs)


def test_opening_a_file_cleans_stray_temp_files_beside_it(window, docs):
    path = saved_luton(docs)
    stray = docs / ".luton.svcmodel.4242.svcmodel-tmp"
    stray.write_bytes(b"half a save")
    os.utime(stray, (1, 1))  # long ago: its save is not running any more
    fresh = docs / ".other.svcmodel.4243.svcmodel-tmp"
    fresh.write_bytes(b"a save in progress")
    window.open_file(str(path))
    assert not stray.exists() and fresh.exists()


# --- the file changed on disk -----------------------------------------------------------------

def colleague_saves_over(path: Path) -> None:
    theirs = read_model(path)
    theirs.title = "Their version"
    write_model(path, theirs)


def test_file_changed_on_disk_asks_and_overwrite_saves_ours(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    colleague_saves_over(path)
    prompts.answers = ["Overwrite"]
    assert window.save()
    assert prompts.titles("choose") == ["File changed on disk"]
    assert read_model(path).title == "Our version"
    assert read_model(path.with_name(path.name + ".bak")).title == "Their version"


def test_file_changed_on_disk_reload_takes_theirs(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    colleague_saves_over(path)
    prompts.answers = ["Reload Theirs"]
    assert not window.save()
    assert window.doc.model.title == "Their version" and not window.doc.is_modified()


def test_file_changed_on_disk_save_as_keeps_both(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    colleague_saves_over(path)
    prompts.answers = ["Save As..."]
    prompts.save_as_paths.append(str(docs / "ours.svcmodel"))
    assert window.save()
    assert read_model(path).title == "Their version"
    assert read_model(docs / "ours.svcmodel").title == "Our version"
    assert window.doc.path == docs / "ours.svcmodel"


def test_a_touched_but_equal_file_and_our_own_saves_do_not_ask(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    os.utime(path, (1, 1))
    window.doc.update_model({"title": "First"})
    assert window.save()
    window.doc.update_model({"title": "Second"})
    assert window.save()
    assert prompts.titles("choose") == []
    assert read_model(path).title == "Second"


# --- files held elsewhere: the banner ---------------------------------------------------------

def test_read_only_file_opens_with_a_banner_and_save_goes_to_save_as(window, prompts, docs,
                                                                     tmp_path):
    path = saved_luton(docs)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    before = path.read_bytes()
    try:
        assert window.open_file(str(path))
        banner = window.files.banner
        assert banner.isVisible()
        assert banner.label.textFormat() == Qt.TextFormat.PlainText
        assert "read-only" in banner.label.text() and "Save As" in banner.label.text()
        window.grab().save(str(tmp_path / "gui-files-banner.png"))
        window.doc.update_model({"title": "Edited copy"})
        prompts.save_as_paths.append(str(docs / "my copy.svcmodel"))
        assert window.save()
        assert len(prompts.save_as_starts) == 1  # Save went to Save As
        assert path.read_bytes() == before
        assert read_model(docs / "my copy.svcmodel").title == "Edited copy"
        assert not banner.isVisible()  # the new file can be saved in place
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_file_from_an_email_attachment_folder_opens_with_a_banner(window, prompts, docs):
    outlook = docs / "INetCache" / "Content.Outlook" / "QX2Z1V7A"
    outlook.mkdir(parents=True)
    path = saved_luton(outlook)
    assert window.open_file(str(path))
    assert window.files.banner.isVisible()
    assert "temporary folder" in window.files.banner.label.text()
    window.doc.update_model({"title": "Edited attachment"})
    assert not window.save()  # Save As offered, and cancelled
    assert prompts.save_as_starts and not prompts.save_as_starts[0].startswith(str(outlook))
    # The attachment's own name, not one from the title that could be the user's master file.
    assert Path(prompts.save_as_starts[0]).name == "luton.svcmodel"
    assert read_model(path).title != "Edited attachment"


# --- autosave ---------------------------------------------------------------------------------

def copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("*--*.svcmodel")) if folder.is_dir() else []


def test_autosave_writes_a_copy_after_idle_and_a_save_deletes_it(window, qtbot, docs,
                                                                 app_folders):
    path = saved_luton(docs)
    window.open_file(str(path))
    window.doc.update_model({"title": "Edited, not saved"})
    qtbot.waitUntil(lambda: len(copies(app_folders)) == 1, timeout=6000)
    [copy] = copies(app_folders)
    assert read_model(copy).title == "Edited, not saved"
    assert copy.parent != path.parent  # never beside the user's file
    assert window.save()
    assert copies(app_folders) == []


def test_editing_without_a_pause_still_gets_a_copy(window, monkeypatch, app_folders):
    # The app's clock, moved by the test: edits 12 s apart, each sooner than the idle copy
    # (which needs the event loop, and none runs here), the third past the 30 s limit.
    clock = [1000.0]
    monkeypatch.setattr(recovery_copies, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    for title in ("First edit", "Second edit"):
        window.doc.update_model({"title": title})
        clock[0] += 12
    assert copies(app_folders) == []
    clock[0] += recovery_copies.AUTOSAVE_AT_LEAST_EVERY_S - 12
    window.doc.update_model({"title": "Third edit"})
    [copy] = copies(app_folders)  # written at once: the first unsaved edit is over 30 s old
    assert read_model(copy).title == "Third edit"


def test_autosave_setting_off_writes_no_copy(window, qtbot, app_folders):
    action = window.findChild(type(window.act_undo), "act-keep-recovery-copies")
    assert action.isChecked()
    action.setChecked(False)
    window.doc.update_model({"title": "Edited"})
    qtbot.wait(recovery_copies.AUTOSAVE_IDLE_MS + 600)
    assert copies(app_folders) == []
    assert not recovery_copies.RecoveryCopies.autosave_enabled()
    action.setChecked(True)
    qtbot.waitUntil(lambda: len(copies(app_folders)) == 1, timeout=6000)


def test_clean_close_leaves_no_copy(window, qtbot, app_folders):
    window.doc.update_model({"title": "Edited"})
    assert window.files.copies.write_recovery_copy()
    assert copies(app_folders)
    window.close()  # the prompts fixture answers Discard
    assert list(app_folders.iterdir()) == []


# --- compare ----------------------------------------------------------------------------------

def edited_for_compare(window):
    doc = window.doc
    removed = doc.model.components[1]
    renamed = doc.model.components[2]
    new_id = doc.add_component("harm_reduction", 900, 900, "Pharmacy needle exchange")
    doc.update_component(renamed.id, {"name": "Renamed service"})
    doc.remove_items([removed.id])
    return new_id, removed, renamed.id


def overlay_items(window):
    """Items on the canvas that are neither boxes, arrows nor the lot regions' own."""
    from designer.canvas.lot_regions import LotRegionItem, LotTagsItem, UnassignedMark

    return [i for i in window.scene.items() if i not in window.scene.components.values()
            and i not in window.scene.pathways.values()
            and not isinstance(i, (LotRegionItem, LotTagsItem, UnassignedMark))]


def test_compare_marks_a_lot_whose_contract_changed(window, prompts, docs, tmp_path):
    path = saved_luton(docs)
    window.open_file(str(path))
    plan = window.doc.model.plan().model_copy(deep=True)
    lot = plan.lots[0]
    lot.contract.annual_value = (lot.contract.annual_value or 0) + 100_000
    window.doc.replace_plan(plan, "Change the annual value")
    dialog = compare.compare_with_file(window, str(path))
    tags = {i.text() for i in dialog.markers.items if hasattr(i, "text")}
    assert f"{lot.code} contract changed" in tags
    # The word sits on the lot's bottom edge, under its lowest member.
    lowest = max(window.scene.components[m].pos().y() for m in lot.components)
    word = next(i for i in dialog.markers.items if getattr(i, "text", str)() == f"{lot.code} "
                "contract changed")
    assert word.scenePos().y() > lowest
    window.lots.regions.rebuild()
    window.grab().save(str(tmp_path / "gui-files-compare-lot.png"))
    dialog.close()


def test_compare_with_a_partners_later_copy_shows_what_they_changed(window, prompts, docs,
                                                                    tmp_path):
    master = saved_luton(docs)
    window.open_file(str(master))
    theirs = read_model(master)
    hub = theirs.components[0]
    hub.name = "Renamed by the provider"
    cut = theirs.pathways[0]
    theirs.pathways.remove(cut)
    write_model(docs / "partner.svcmodel", with_revision(theirs, "Provider Ltd", "Our changes"))
    dialog = compare.compare_with_file(window, str(docs / "partner.svcmodel"))
    heading = dialog.findChildren(QLabel)[0].text()
    assert heading.startswith("What partner.svcmodel (revision 2, saved by Provider Ltd today at ")
    assert "changes, compared with the open model" in heading
    texts = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert "Pathways removed (1)" in texts and "Pathways added (1)" not in texts
    assert dialog.markers.marked["changed"] == {hub.id}
    assert not dialog.markers.canvas_is_new
    dialog.grab().save(str(tmp_path / "gui-files-compare-partner.png"))
    swap = next(b for b in dialog.buttons.buttons() if b.text() == "&Swap Sides")
    swap.click()
    flipped = window.comparison
    texts = [flipped.tree.topLevelItem(i).text(0) for i in range(flipped.tree.topLevelItemCount())]
    assert "Pathways added (1)" in texts and flipped.markers.canvas_is_new
    flipped.close()


def test_which_version_is_later():
    from models.diff import is_later_version
    base = with_revision(load_template("luton"), "Council", "first")
    theirs = with_revision(base, "Provider", "reply")
    assert is_later_version(theirs, base) and not is_later_version(base, theirs)
    assert not is_later_version(base, base)


def test_lot_change_words():
    from models.diff import Change, Item, LotDiff
    contract = Change("contract.annual_value", 1, 2, "annual value", "1", "2", "")
    assert compare.lot_change_words(LotDiff("l", "L", [contract])) == "contract changed"
    assert compare.lot_change_words(LotDiff("l", "L", [contract], joined=[Item("a", "A")])) \
        == "members and contract changed"


def test_compare_lists_and_marks_added_removed_and_changed(window, prompts, docs, qtbot, tmp_path):
    path = saved_luton(docs)
    window.open_file(str(path))
    before = len(window.scene.items())
    new_id, removed, renamed_id = edited_for_compare(window)
    dialog = compare.compare_with_file(window, str(path))
    texts = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert "Components added (1)" in texts and "Components removed (1)" in texts
    assert "Components changed (1)" in texts
    markers = dialog.markers
    assert markers.marked == {"new": {new_id}, "changed": {renamed_id}}
    # A halo behind the new box, a ghost where the removed one was, and their tags.
    new_box = window.scene.components[new_id]
    halos = [i for i in markers.items if i.pos() == new_box.pos()]
    assert halos and all(i.zValue() < new_box.zValue() for i in halos)
    ghost_at = (removed.position.x, removed.position.y)
    assert any((i.pos().x(), i.pos().y()) == ghost_at for i in markers.items)
    tags = {i.text() for i in markers.items if hasattr(i, "text")}
    assert {"new", "changed", "removed"} <= tags
    assert all(i.acceptedMouseButtons() == Qt.MouseButton.NoButton for i in markers.items)
    # The marks follow a box that moves.
    window.doc.move_components({new_id: (1200.0, 900.0)})
    assert any(i.pos().x() == 1200.0 for i in markers.items)
    window.grab().save(str(tmp_path / "gui-files-compare-canvas.png"))
    dialog.grab().save(str(tmp_path / "gui-files-compare-dialog.png"))
    dialog.copy()
    assert "Renamed service" in QGuiApplication.clipboard().text()
    dialog.close()
    assert overlay_items(window) == [] and markers.items == []
    assert len(window.scene.items()) == before + 1 - 1 - len(
        [p for p in read_model(path).pathways if removed.id in (p.source, p.target)])


def test_a_bad_file_is_refused_before_asking_to_save_changes(window, prompts, docs):
    window.doc.update_model({"title": "Edited"})
    bad = docs / "bad.svcmodel"
    bad.write_text("{not json")
    assert not window.open_file(str(bad))
    assert prompts.titles("choose") == ["Cannot open the file"]  # no "Save changes?" first
    assert window.doc.model.title == "Edited" and window.doc.is_modified()


def test_a_file_wrong_inside_says_where_it_may_come_from(window, docs, monkeypatch):
    shown = []
    monkeypatch.setattr(messages, "choose", lambda parent, title, text, buttons, icon=None,
                        detail="": shown.append((title, text, detail)) or "OK")
    model = load_template("luton").model_dump(mode="json")
    model["components"][2]["kind"] = "teleporter"
    wrong = docs / "wrong.svcmodel"
    wrong.write_text(json.dumps(model))
    assert not window.open_file(str(wrong))
    title, text, detail = shown[0]
    assert text.startswith("wrong.svcmodel: components[2].kind: unknown component kind")
    assert detail == messages.CONTENT_HINT
    shown.clear()
    (docs / "letter.svcmodel").write_bytes(b"PK\x03\x04 a Word document")
    assert not window.open_file(str(docs / "letter.svcmodel"))
    assert "an Office document (Word, Excel or PowerPoint), not a service model" in shown[0][1]
    assert shown[0][2] == ""


def test_compare_with_a_bad_file_says_why(window, prompts, docs):
    bad = docs / "bad.svcmodel"
    bad.write_text("{not json")
    assert compare.compare_with_file(window, str(bad)) is None
    assert prompts.titles("choose") == ["Cannot open the file"]
    assert prompts.shown[0][2].startswith("bad.svcmodel: ")


def test_compare_of_the_same_model_says_so_and_prints(window, prompts, docs, qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    path = saved_luton(docs)
    window.open_file(str(path))
    dialog = compare.compare_with_file(window, str(path))
    assert dialog.tree.topLevelItem(0).text(0).startswith("No differences")
    new_id, _, _ = edited_for_compare(window)
    diff_text = compare.diff_models(read_model(path), window.doc.model).to_text()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "diff.pdf"))
    compare.text_document(diff_text).print_(printer)
    text = subprocess.run(["pdftotext", str(tmp_path / "diff.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "Pharmacy needle exchange" in text and "Renamed service" in text
    dialog.close()


def test_a_new_model_closes_the_comparison_and_its_marks(window, prompts, docs, qtbot):
    path = saved_luton(docs)
    window.open_file(str(path))
    edited_for_compare(window)
    dialog = compare.compare_with_file(window, str(path))
    markers = dialog.markers
    window.new_blank()  # prompts answer Discard
    assert markers.items == [] and overlay_items(window) == []


# --- share ------------------------------------------------------------------------------------

def test_share_writes_a_draft_with_both_attachments_and_offers_the_folder(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    prompts.answers = ["Show the Files in a Folder"]
    shared = share.share_by_email(window)
    message = email.message_from_bytes(shared.eml.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert "Luton" in message["Subject"] and "revision" in message["Subject"]
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(files) == {shared.model.name, shared.pdf.name}
    assert all(name.isascii() for name in files)
    assert dump(parse_model(files[shared.model.name].get_content())) == dump(window.doc.model)
    assert files[shared.pdf.name].get_content()[:5] == b"%PDF-"
    assert prompts.opened_urls == [str(shared.eml), str(shared.folder)]
    assert prompts.titles("choose") == ["Share by email"]
    assert "attached" in prompts.shown[-1][2]
    assert not shared.folder.is_relative_to(docs)


def test_share_with_unsaved_changes_saves_first_or_marks_the_copy(window, prompts, docs):
    path = saved_luton(docs)
    window.open_file(str(path))
    saved_revision = window.doc.model.revision
    window.doc.update_model({"title": "Luton, edited"})
    # A copy shared unsaved says so, in the subject and in the file names.
    prompts.answers = ["Share Unsaved Copy", "Close"]
    shared = share.share_by_email(window)
    message = email.message_from_bytes(shared.eml.read_bytes(), policy=policy.default)
    assert f"(revision {saved_revision} with unsaved changes)" in message["Subject"]
    assert "unsaved" in shared.model.name and window.doc.is_modified()
    # Saving first shares the new revision under its own number.
    prompts.answers = ["Save and Share", "Close"]
    shared = share.share_by_email(window)
    assert not window.doc.is_modified()
    assert read_model(path).revision == saved_revision + 1
    message = email.message_from_bytes(shared.eml.read_bytes(), policy=policy.default)
    assert message["Subject"].endswith(f"(revision {saved_revision + 1})")
    assert f"(r{saved_revision + 1})" in shared.model.name
    # Cancel shares nothing.
    window.doc.update_model({"title": "Luton, edited again"})
    prompts.answers = ["Cancel"]
    assert share.share_by_email(window) is None


def test_share_warns_about_large_attachments(window, prompts, monkeypatch):
    import models.share
    monkeypatch.setattr(models.share, "attachments_too_large", lambda size: True)
    prompts.answers = ["Create the Email Anyway", "Close"]
    shared = share.share_by_email(window)
    assert prompts.titles("choose") == ["Attachments are large", "Share by email"]
    assert "10 MB" in prompts.shown[0][2]
    assert prompts.opened_urls == [str(shared.eml)]


# --- untrusted text ---------------------------------------------------------------------------

HTML_NAME = "<b>Bold</b> <img src=x> & co"


def test_names_from_a_file_are_shown_as_plain_text(window, prompts, docs, qtbot):
    model = load_template("luton")
    model.title = HTML_NAME
    model.components[0].name = HTML_NAME + " " + "very long " * 30
    path = docs / "html.svcmodel"
    write_model(path, model)
    window.open_file(str(path))
    window.doc.update_model({"notes": "x"})
    window.files.write(path, HTML_NAME, HTML_NAME)
    history = window.history.topLevelItem(0)
    assert history.text(1) == HTML_NAME and history.text(3) == HTML_NAME
    assert "&lt;b&gt;" in history.toolTip(3)  # escaped for the rich-text tool tip
    box = messages.choice_box(window, "t", f"{HTML_NAME}", ["OK"])
    assert box.textFormat() == Qt.TextFormat.PlainText
    changed = load_template("luton")
    dialog = compare.show_comparison(window, changed, window.doc.model, HTML_NAME)
    labels = [w for w in dialog.findChildren(type(window.counts_label))]
    assert all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    dialog.close()


def test_long_file_names_are_elided_in_the_banner(window, prompts, docs):
    path = docs / ("<b>" + "very-long-name-" * 12 + ".svcmodel")
    write_model(path, load_template("luton"))
    path.chmod(stat.S_IRUSR)
    try:
        window.open_file(str(path))
        text = window.files.banner.label.text()
        assert text.startswith("<b>very-long") and "…" in text and len(text) < 160
        assert window.files.banner.label.textFormat() == Qt.TextFormat.PlainText
        assert window.width() <= 1400
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_share_folder_is_removed_after_a_week(tmp_path, monkeypatch):
    monkeypatch.setattr(share, "share_root", lambda: tmp_path)
    old = tmp_path / "20200101-000000-000000"
    old.mkdir()
    os.utime(old, (1, 1))
    share._remove_old_folders(tmp_path)
    assert not old.exists()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_choice_box_buttons(qtbot):
    box = messages.choice_box(None, "Title", "Text", ["Restore", "Discard"],
                                 QMessageBox.Icon.Warning)
    qtbot.addWidget(box)
    assert box.defaultButton().text() == "Restore"


def test_choose_returns_the_button_clicked_or_none_on_escape(qtbot):
    def press(key=None, label=None):
        def act(box):
            if key is not None:
                QTest.keyClick(box, key)
            else:
                next(b for b in box.buttons() if b.text() == label).click()
        answer_modal(act, QMessageBox)

    press(label="Discard")
    assert messages.choose(None, "T", "x", ["Restore", "Discard"]) == "Discard"
    press(key=Qt.Key.Key_Escape)
    assert messages.choose(None, "T", "x", ["Restore", "Discard"]) is None
    press(key=Qt.Key.Key_Return)
    assert messages.choose(None, "T", "x", ["Restore", "Discard"]) == "Restore"


# --- share on Windows desktops (issue 19, item 3), the desktop's answers simulated ------------

def test_share_through_simple_mapi_says_the_mail_program_has_it(window, prompts, monkeypatch):
    from designer.files import winmail
    sent = []
    monkeypatch.setattr(winmail, "mapi_client", lambda: "Microsoft Outlook")
    monkeypatch.setattr(winmail, "send_with_mapi",
                        lambda subject, body, files, window_id=0:
                        sent.append((subject, [f.name for f in files])) or 0)
    prompts.answers = ["Close"]
    shared = share.share_by_email(window)
    [(subject, names)] = sent
    assert "revision" in subject and names == [shared.model.name, shared.pdf.name]
    assert prompts.opened_urls == []  # no .eml draft as well
    assert prompts.shown[-1][2].startswith("Microsoft Outlook has the email with ")


def test_share_closed_unsent_in_the_mail_program_says_so(window, prompts, monkeypatch):
    from designer.files import winmail
    monkeypatch.setattr(winmail, "mapi_client", lambda: "Microsoft Outlook")
    monkeypatch.setattr(winmail, "send_with_mapi", lambda *a, **k: winmail.MAPI_USER_ABORT)
    prompts.answers = ["Close"]
    shared = share.share_by_email(window)
    assert "without being sent" in prompts.shown[-1][2]
    assert str(shared.folder) in prompts.shown[-1][2]


@pytest.mark.parametrize("handler", ["other", "none"])
def test_share_where_eml_opens_in_mail_or_new_outlook_shows_the_files(window, prompts,
                                                                     monkeypatch, handler):
    from designer.files import winmail
    monkeypatch.setattr(winmail, "eml_handler", lambda: handler)
    prompts.answers = [share.SHOW_FILES]
    shared = share.share_by_email(window)
    text = prompts.shown[-1][2]
    assert "cannot open a ready-made draft" in text and str(shared.folder) in text
    assert "draft is open" not in text
    assert prompts.opened_urls == [str(shared.folder)]  # the draft was never opened


def test_share_with_classic_outlook_opens_the_draft(window, prompts, monkeypatch):
    from designer.files import winmail
    monkeypatch.setattr(winmail, "eml_handler", lambda: winmail.CLASSIC_OUTLOOK)
    prompts.answers = ["Close"]
    shared = share.share_by_email(window)
    assert prompts.opened_urls == [str(shared.eml)]
    assert prompts.shown[-1][2].startswith("The email draft is open in Outlook")


def test_the_mapi_message_carries_subject_body_and_files(tmp_path):
    from designer.files import winmail
    files = [tmp_path / "Luton (r3).svcmodel", tmp_path / "Luton (r3) - lot pack.pdf"]
    message = winmail.mapi_message("Service model: Luton £", "Please find attached", files)
    assert message.lpszSubject == "Service model: Luton £" and message.nRecipCount == 0
    assert message.nFileCount == 2
    assert [message.lpFiles[i].lpszPathName for i in range(2)] == [str(f) for f in files]
    assert message.lpFiles[1].lpszFileName == "Luton (r3) - lot pack.pdf"
    assert winmail.eml_handler() == winmail.UNKNOWN or sys.platform == "win32"
