"""A colleague saves the same file on a shared drive: their work is never silently lost.

Through the real window, with real files: Overwrite keeps their version as its own file that no
later save rotates away; a restored recovery copy still notices a colleague's save made after
the crash; with nothing unsaved, Save offers Reload and never writes a stale copy over theirs;
Reload Theirs keeps ours first. The questions are rendered to PNGs in the test's tmp_path
for a look."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from designer import messages
from designer.files import safety as file_safety
from models.disk import DiskStamp, keep_bytes_beside, name_beside
from models.wording import when_words
from gui_files_helpers import (app_folders, docs, forget_recent_files, grab_question,  # noqa: F401
                               prompts, window)
from models import read_model, serialise, with_revision, write_model
from models.recovery import list_recoverable
from models.templates import load_template

WINDOWS_REFUSES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
# A few minutes ago, so the question says "today at HH:MM".
COLLEAGUE_TIME = (datetime.now(timezone.utc) - timedelta(minutes=3)).replace(second=0,
                                                                             microsecond=0)


def saved_luton(folder: Path) -> Path:
    path = folder / "luton.svcmodel"
    write_model(path, with_revision(load_template("luton"), "Ana Patel", "First draft"))
    return path


def colleague_saves(path: Path, title: str = "Their version", author: str = "Priya Shah",
                    summary: str = "Added detox lot") -> bytes:
    """Priya saves the file from her own copy of the app, as a new revision."""
    theirs = read_model(path)
    theirs.title = title
    write_model(path, with_revision(theirs, author, summary, COLLEAGUE_TIME))
    return path.read_bytes()


@pytest.fixture
def details(prompts, monkeypatch):
    """Records each question's buttons and detail text too, then answers it like `prompts`."""
    seen = []

    def choose(parent, title, text, buttons, icon=None, detail=""):
        seen.append({"title": title, "text": text, "buttons": list(buttons), "detail": detail})
        return prompts.choose(parent, title, text, buttons, icon, detail)
    monkeypatch.setattr(messages, "choose", choose)
    return seen


def kept_files(folder: Path, words: str) -> list[Path]:
    return sorted(p for p in folder.glob("*.svcmodel") if words in p.name)


# --- 1. Overwrite keeps their version as its own file --------------------------------------

def test_overwrite_keeps_their_version_as_a_file_no_later_save_rotates(window, prompts,
                                                                       details, docs):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    theirs = colleague_saves(path)
    prompts.answers = ["Overwrite"]
    assert window.save()

    [question] = details
    assert question["title"] == "File changed on disk"
    assert "Priya Shah saved revision 3" in question["text"]
    assert "'Added detox lot'" in question["text"]
    assert question["buttons"] == ["Save As...", "Overwrite", "Reload Theirs", "Cancel"]
    [kept] = kept_files(docs, "their version")
    local = COLLEAGUE_TIME.astimezone()
    assert kept.name == f"luton (their version, revision 3, saved {local:%Y-%m-%d %H%M}).svcmodel"
    assert not WINDOWS_REFUSES.search(kept.name)
    assert f'"{kept.name}"' in question["detail"]  # the question names the file beforehand
    assert kept.read_bytes() == theirs  # byte for byte what Priya saved
    assert kept.name in window.statusBar().currentMessage()
    assert read_model(path).title == "Our version"
    bak = path.with_name(path.name + ".bak")
    assert bak.read_bytes() == theirs  # the .bak works as before

    # Two more edits and saves rotate .bak twice; their file is still there, untouched.
    for title in ("Our version, edited", "Our version, edited again"):
        window.doc.update_model({"title": title})
        assert window.save()
    assert read_model(bak).title == "Our version, edited"
    assert kept.read_bytes() == theirs and read_model(kept).title == "Their version"
    assert len(details) == 1  # our own saves did not ask again

    # A second overwrite of another colleague save never replaces the first kept file.
    window.doc.update_model({"title": "Our third version"})
    later = colleague_saves(path, "Their second version", summary="Moved recovery to lot 2")
    prompts.answers = ["Overwrite"]
    assert window.save()
    names = kept_files(docs, "their version")
    assert len(names) == 2 and kept in names
    assert kept.read_bytes() == theirs
    assert next(p for p in names if p != kept).read_bytes() == later


def test_kept_names_are_windows_safe_and_never_taken(tmp_path):
    path = tmp_path / "Lot plan  v2..svcmodel"  # Windows drops the trailing dot
    first = keep_bytes_beside(path, "their version, revision 3, saved 2025-01-02 0930",
                                          b"one")
    second = keep_bytes_beside(path, "their version, revision 3, saved "
                                           "2025-01-02 0930", b"two")
    assert first.name == "Lot plan v2 (their version, revision 3, saved 2025-01-02 0930).svcmodel"
    assert second.name == first.name.replace(").svcmodel", ") 2.svcmodel")
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"
    long = name_beside(tmp_path / ("x" * 240 + ".svcmodel"), "their version")
    assert len(long.name.encode()) < 230 and long.name.endswith(" (their version).svcmodel")
    assert list(tmp_path.glob(".*")) == []  # no temporary file left


# --- 2. A restored recovery copy still notices a colleague's later save -------------------

def crash_with_a_copy(window, path: Path) -> None:
    """The window opened `path`, was edited and wrote its recovery copy; then it 'crashed':
    its lock is gone (a dead process) and it lets go of its session without cleaning up."""
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Luton, edited before the crash"})
    assert window.files.copies.write_recovery_copy()
    session = window.files.copies.session
    session.lock_path.unlink()
    window.files.copies.session = None
    window.doc.set_model(load_template("luton"), None)  # what a fresh start would show


def test_restore_then_save_asks_when_a_colleague_saved_after_the_crash(
        window, prompts, details, docs, app_folders):
    path = saved_luton(docs)
    crash_with_a_copy(window, path)
    [copy] = list_recoverable(app_folders)
    assert copy.original_stamp == DiskStamp.of(path).as_dict()  # the file as we opened it
    theirs = colleague_saves(path)

    prompts.answers = ["Restore"]
    window.files.copies.offer_recovery()
    offer = details[0]["text"]
    assert "saved again by someone else" in offer and "Priya Shah saved revision 3" in offer
    assert window.doc.model.title == "Luton, edited before the crash"

    prompts.answers = ["Overwrite"]
    assert window.save()
    assert [d["title"] for d in details] == ["Recover unsaved changes?", "File changed on disk"]
    assert "Priya Shah saved revision 3" in details[1]["text"]
    [kept] = kept_files(docs, "their version")
    assert kept.read_bytes() == theirs
    assert read_model(path).title == "Luton, edited before the crash"


def test_restore_then_save_does_not_ask_when_nobody_saved(window, prompts, details, docs,
                                                          app_folders):
    path = saved_luton(docs)
    crash_with_a_copy(window, path)
    prompts.answers = ["Restore"]
    window.files.copies.offer_recovery()
    assert "someone else" not in details[0]["text"]
    assert window.save()
    assert [d["title"] for d in details] == ["Recover unsaved changes?"]
    assert read_model(path).title == "Luton, edited before the crash"


def test_an_older_copy_without_a_stamp_restores_and_saving_asks_first(
        window, prompts, details, docs, app_folders):
    path = saved_luton(docs)
    crash_with_a_copy(window, path)
    [copy] = list_recoverable(app_folders)
    notes = copy.path.with_suffix(".json")
    old_notes = json.loads(notes.read_text())
    del old_notes["original_stamp"]  # as an older version of the app wrote it
    notes.write_text(json.dumps(old_notes))

    prompts.answers = ["Restore"]
    window.files.copies.offer_recovery()
    assert "saving will ask before replacing luton.svcmodel" in details[0]["text"]
    assert window.doc.model.title == "Luton, edited before the crash"
    assert window.files.stamp_unknown
    prompts.answers = ["Cancel"]
    before = path.read_bytes()
    assert not window.save()
    question = details[1]
    assert question["title"] == "File changed on disk"
    assert "does not record which version" in question["text"]
    assert "probably not changed" in question["text"]  # its history ends where ours does
    assert path.read_bytes() == before and window.doc.is_modified()
    # Overwrite saves (keeping the file as it was), and from then on the stamp is known.
    prompts.answers = ["Overwrite"]
    assert window.save()
    assert not window.files.stamp_unknown
    window.doc.update_model({"title": "Edited after"})
    assert window.save() and len(details) == 3


def test_recovery_compare_says_which_side_is_which(window, prompts, docs, app_folders,
                                                   monkeypatch, tmp_path):
    path = saved_luton(docs)
    crash_with_a_copy(window, path)
    colleague_saves(path)
    shown = []
    real = __import__("designer.dialogs.compare", fromlist=["show_comparison"]).show_comparison

    def show(parent, old, new, heading, modal=False, **kw):
        dialog = real(parent, old, new, heading, modal=False, **kw)
        dialog.grab().save(str(tmp_path / "colleague-recovery-compare.png"))
        shown.append((old, new, heading, dialog))
        dialog.close()
    monkeypatch.setattr("designer.dialogs.compare.show_comparison", show)
    prompts.answers = ["Compare...", "Decide Later"]
    window.files.copies.offer_recovery()
    [(old, new, heading, dialog)] = shown
    assert old.title == "Their version" and new.title == "Luton, edited before the crash"
    assert heading.startswith("Your recovery copy (unsaved changes kept today at")
    assert "compared with luton.svcmodel as it is on disk now (revision 3)" in heading
    assert "Added: only in your copy. Removed: only in luton.svcmodel." in heading
    assert "Changed: luton.svcmodel -> your copy." in heading
    assert "saved by someone else after you opened it" in heading
    assert len(list_recoverable(app_folders)) == 1


# --- 3. The question when there is nothing to lose, and Reload Theirs ----------------------

def test_with_no_unsaved_changes_save_offers_reload_and_never_overwrites(
        window, prompts, details, docs):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    theirs = colleague_saves(path)
    bak = path.with_name(path.name + ".bak")
    bak_before = bak.read_bytes() if bak.exists() else None

    prompts.answers = ["Cancel"]
    assert not window.save()
    question = details[0]
    assert question["buttons"] == ["Reload", "Cancel"]  # Reload is the default
    assert "You have no unsaved changes" in question["text"]
    assert "Priya Shah saved revision 3" in question["text"]
    assert "discards" not in question["text"] + question["detail"]
    assert path.read_bytes() == theirs
    assert window.doc.model.title != "Their version"
    # Asked again: Reload shows theirs; nothing is written anywhere.
    prompts.answers = ["Reload"]
    assert not window.save()
    assert window.doc.model.title == "Their version" and not window.doc.is_modified()
    assert path.read_bytes() == theirs
    assert (bak.read_bytes() if bak.exists() else None) == bak_before
    assert kept_files(docs, "version,") == []
    assert window.save() and len(details) == 2  # now in step: nothing to ask


def test_reload_theirs_keeps_our_unsaved_version_first(window, prompts, details, docs):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    theirs = colleague_saves(path)
    prompts.answers = ["Reload Theirs"]
    assert not window.save()
    assert window.doc.model.title == "Their version" and not window.doc.is_modified()
    assert path.read_bytes() == theirs
    [ours] = kept_files(docs, "your version, not saved")
    assert read_model(ours).title == "Our version"
    assert f'"{ours.name}"' in details[0]["detail"]
    assert ours.name in window.statusBar().currentMessage()
    assert not WINDOWS_REFUSES.search(ours.name)


def test_reload_theirs_asks_in_plain_words_when_ours_cannot_be_kept(
        window, prompts, details, docs, monkeypatch):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    colleague_saves(path)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(file_safety, "write_model", refuse)
    prompts.answers = ["Reload Theirs", "Keep My Changes"]
    assert not window.save()
    assert details[1]["title"] == "Cannot keep your version"
    assert "lose your changes" in details[1]["text"]
    assert window.doc.model.title == "Our version" and window.doc.is_modified()
    prompts.answers = ["Reload Theirs", "Lose My Changes and Reload"]
    assert not window.save()
    assert window.doc.model.title == "Their version"


def test_a_colleague_save_without_a_name_or_through_a_sync_client_is_worded_so(
        window, prompts, details, docs):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    window.doc.update_model({"title": "Our version"})
    colleague_saves(path, author="", summary="")
    prompts.answers = ["Cancel"]
    assert not window.save()
    assert "Revision 3 was saved" in details[0]["text"]
    assert "(no name given)." in details[0]["text"]
    # A sync client puts back an older copy of the same history: no new entry to name.
    model = read_model(path)
    model.revisions = model.revisions[:2]
    model.title = "Restored by OneDrive"
    path.write_bytes(serialise(model))
    prompts.answers = ["Cancel"]
    assert not window.save()
    assert "probably changed by a sync client" in details[1]["text"]


def test_when_words():
    now = datetime(2025, 12, 3, 18, 0, tzinfo=timezone.utc)
    same_day = datetime(2025, 12, 3, 12, 2, tzinfo=timezone.utc)
    assert when_words(same_day, now).startswith("today at ")
    assert when_words(datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc), now).startswith("on ")
    assert "2024" in when_words(datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc), now)


# --- the questions as a commissioner sees them ---------------------------------------------

def test_the_questions_as_shown(window, prompts, docs, app_folders, monkeypatch, tmp_path):
    path = saved_luton(docs)
    assert window.open_file(str(path))
    colleague_saves(path)
    [text, buttons] = grab_question(monkeypatch,
                                    str(tmp_path / "colleague-no-changes.png"), "Cancel",
                                    window.save)
    assert buttons == ["Reload", "Cancel"] and "no unsaved changes" in text

    window.doc.update_model({"title": "Our version"})
    [text, buttons] = grab_question(monkeypatch,
                                    str(tmp_path / "colleague-with-changes.png"), "Cancel",
                                    window.save)
    assert buttons == ["Save As...", "Overwrite", "Reload Theirs", "Cancel"]
    assert "Priya Shah saved revision 3" in text and "their version, revision 3" in text

    window.doc.set_model(load_template("luton"), None)
    path2 = docs / "lots.svcmodel"
    write_model(path2, with_revision(load_template("luton"), "Ana Patel", "First draft"))
    crash_with_a_copy(window, path2)
    colleague_saves(path2)
    [text, _] = grab_question(monkeypatch,
                              str(tmp_path / "colleague-recovery-prompt.png"), "Restore",
                              window.files.copies.offer_recovery)
    assert "saved again by someone else" in text
    [text, _] = grab_question(monkeypatch, str(tmp_path / "colleague-after-restore.png"), "Cancel",
                              window.save)
    assert "Priya Shah saved revision 3" in text

    # A copy from an older app, without a stamp: saving asks, and says why.
    window.doc.set_model(load_template("luton"), None)
    path3 = docs / "older.svcmodel"
    write_model(path3, with_revision(load_template("luton"), "Ana Patel", "First draft"))
    crash_with_a_copy(window, path3)
    [copy] = list_recoverable(app_folders)
    notes = json.loads(copy.path.with_suffix(".json").read_text())
    del notes["original_stamp"]
    copy.path.with_suffix(".json").write_text(json.dumps(notes))
    grab_question(monkeypatch, str(tmp_path / "colleague-old-copy-prompt.png"), "Restore",
                  window.files.copies.offer_recovery)
    [text, _] = grab_question(monkeypatch, str(tmp_path / "colleague-old-copy-save.png"), "Cancel",
                              window.save)
    assert "does not record which version" in text
    monkeypatch.setattr(messages, "choose", prompts.choose)  # closing the window answers Discard
