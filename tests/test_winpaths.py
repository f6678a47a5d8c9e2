"""Windows-safe file names and folders, with the Windows rules applied on any platform."""

import os
import re
import stat

import pytest
from hypothesis import given, strategies as st

from models import read_model, write_model
from models.templates import EXAMPLE, load_template
from models.winpaths import (DEFAULT_STEM, MAX_STEM_CHARS, RESERVED_NAMES, is_read_only,
                             is_temporary_location, safe_file_stem, save_elsewhere_reason,
                             suggested_filename)

WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def assert_windows_safe(stem: str) -> None:
    assert stem, "never empty"
    assert not WINDOWS_FORBIDDEN.search(stem), stem
    assert not stem.endswith((".", " ")), stem
    assert stem.split(".")[0].rstrip().upper() not in RESERVED_NAMES, stem
    assert len(stem) <= MAX_STEM_CHARS and len(stem.encode("utf-8")) <= 200, stem


@pytest.mark.parametrize("title, stem", [
    ("Leicestershire community treatment service", "Leicestershire community treatment service"),
    ("Luton: adults / young people", "Luton - adults - young people"),
    ("Plan 2024/25", "Plan 2024-25"),
    ('The "recovery" model?', "The 'recovery' model"),
    ("<b>Bold</b> plan*", "bBold-b plan"),
    ("Tab\tand\nnewline", "Tab and newline"),
    ("Ends with dots...", "Ends with dots"),
    ("  spaced   out  ", "spaced out"),
    (".hidden", "hidden"),
    ("Drug & alcohol – Coventry’s plan", "Drug & alcohol – Coventry’s plan"),
])
def test_stems_keep_the_title_readable(title, stem):
    assert safe_file_stem(title) == stem
    assert_windows_safe(stem)


@pytest.mark.parametrize("title", ["CON", "con", "Nul", "PRN.svcmodel", "aux.tar.gz", "COM1",
                                   "lpt9", "COM¹", "CON .x", "conin$"])
def test_reserved_device_names_are_never_produced(title):
    stem = safe_file_stem(title)
    assert stem.startswith("_")
    assert_windows_safe(stem)


@pytest.mark.parametrize("title", ["CONSORTIUM", "COM10", "Luton NUL", "console"])
def test_names_that_only_look_reserved_are_kept(title):
    assert safe_file_stem(title) == title


@pytest.mark.parametrize("title", ["", "   ", "...", "???", "\x00\x01", ": / |"])
def test_nothing_usable_falls_back_to_a_default(title):
    assert safe_file_stem(title) == DEFAULT_STEM


def test_long_titles_are_cut_to_a_tidy_length():
    stem = safe_file_stem("Leicester, Leicestershire and Rutland " * 10)
    assert_windows_safe(stem)
    assert not stem.endswith((" ", "-", ","))  # a comma is allowed, only spaces/dots matter
    multibyte = safe_file_stem("€" * 300)  # 3 UTF-8 bytes each: the byte limit bites first
    assert_windows_safe(multibyte)


def test_ascii_fallback_for_email_attachments():
    assert safe_file_stem("Drug & alcohol – Coventry’s £2m plan", ascii_only=True) == \
        "Drug and alcohol - Coventry's GBP 2m plan"
    assert safe_file_stem("Café Señor Ærø", ascii_only=True) == "Cafe Senor r"
    assert safe_file_stem("東京", ascii_only=True) == DEFAULT_STEM


def test_suggested_filename_has_the_model_extension():
    assert suggested_filename("Luton: 2025") == "Luton - 2025.svcmodel"
    assert suggested_filename("nul") == "_nul.svcmodel"


@given(st.text(max_size=300))
def test_any_title_gives_a_windows_safe_stem(title):
    assert_windows_safe(safe_file_stem(title))
    assert_windows_safe(safe_file_stem(title, ascii_only=True))
    assert safe_file_stem(title, ascii_only=True).isascii()


@pytest.mark.parametrize("path", [
    r"C:\Users\jo\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\AB12CD34\Luton.svcmodel",
    r"C:\Users\jo\AppData\Local\Microsoft\Windows\Temporary Internet Files\Content.Outlook\X\a.svcmodel",
    r"C:\Users\jo\AppData\Local\Temp\Temp1_models.zip\Luton.svcmodel",
    r"c:\users\jo\appdata\local\temp\mozilla-temp-files\Luton.svcmodel",
    "/tmp/mozilla_jo0/Luton.svcmodel",
    "/var/tmp/Luton.svcmodel",
    "/tmp/Luton.svcmodel",
    r"C:\Windows\Temp\Luton.svcmodel",
])
def test_email_and_temporary_folders_are_recognised(path):
    assert is_temporary_location(path)


@pytest.mark.parametrize("path", [
    r"C:\Users\jo\Documents\Commissioning\Luton.svcmodel",
    r"\\council-fs01\PublicHealth\Treatment\Luton.svcmodel",
    "/home/jo/Documents/temp.svcmodel",  # only the folders count, not the file name
    "/home/jo/Templates/Luton.svcmodel",
    # A Temp folder people made themselves is somewhere they keep files on purpose.
    r"C:\Temp\Luton.svcmodel",
    r"S:\PublicHealth\Temp\Luton.svcmodel",
    "/home/jo/tmp/Luton.svcmodel",
])
def test_ordinary_folders_are_not_temporary(path):
    assert not is_temporary_location(path)


def test_read_only_file_needs_save_as(tmp_path):
    path = tmp_path / "Luton.svcmodel"
    write_model(path, load_template(EXAMPLE), keep_backup=False)
    assert not is_read_only(path)
    assert save_elsewhere_reason(path) is None or "temporary" in save_elsewhere_reason(path)
    os.chmod(path, stat.S_IREAD)  # what Outlook does to an opened attachment
    try:
        assert is_read_only(path)
        assert "read-only" in save_elsewhere_reason(path)
    finally:
        os.chmod(path, stat.S_IREAD | stat.S_IWRITE)


def test_temporary_folder_reason_mentions_email(tmp_path):
    path = tmp_path / "Temp" / "Luton.svcmodel"
    path.parent.mkdir()
    write_model(path, load_template(EXAMPLE), keep_backup=False)
    assert "temporary folder" in save_elsewhere_reason(path)


@pytest.mark.parametrize("folder", [
    "Public Health Commissioning",            # spaces
    "Ærøskøbing – £ budgets ☕",              # non-ASCII
    "/".join(["a long folder name for the commissioning team"] * 6),  # > 260 characters
])
def test_awkward_paths_round_trip(tmp_path, folder):
    model = load_template(EXAMPLE)
    path = tmp_path / folder / suggested_filename("Luton: adults – 2025/26 ☕")
    path.parent.mkdir(parents=True)
    written = write_model(path, model, keep_backup=False)
    write_model(path, model)  # a second save keeps a .bak beside it
    assert read_model(path) == model
    assert path.read_bytes() == written
    assert path.with_name(path.name + ".bak").read_bytes() == written
    if "long" in folder:
        assert len(str(path)) > 260  # the old Windows MAX_PATH
