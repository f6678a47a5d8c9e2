"""Sharing by email: the .eml draft for the Luton template parses back with both files intact."""

import email
import re
import subprocess
from email import policy

import pytest

from models import parse_model, serialise
from models.share import (MAX_ATTACHMENTS_BYTES, attachment_filename, attachment_filenames,
                          attachments_too_large, build_eml, share_subject, write_share_files)
from models.templates import load_template
from models.winpaths import RESERVED_NAMES


def lot_pack_pdf(model, path):
    """The real printed lot pack, as File > Share... attaches it."""
    from designer.printing.headless import export_pack

    export_pack(model, pdf=str(path))
    return path.read_bytes()


def parse_eml(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


@pytest.fixture
def luton():
    # A title with typography, a slash and a reserved-looking start, as councils type them.
    model = load_template("luton")
    return model.model_copy(update={"title": "Luton “alliance” 2024/25 – Café <draft>"})


def test_luton_eml_is_a_draft_with_both_attachments_byte_identical(qapp, luton, tmp_path):
    model_bytes = serialise(luton).replace(b"\n", b"\r\n")  # line endings must survive too
    pdf_bytes = lot_pack_pdf(luton, tmp_path / "pack.pdf")
    shared = write_share_files(tmp_path / "share", luton, model_bytes, pdf_bytes)

    eml = shared.eml.read_bytes()
    assert eml.isascii()
    message = parse_eml(eml)
    assert message["X-Unsent"] == "1"
    assert message["To"] == ""
    assert message["Subject"] == f"Service model: {luton.title} (revision {luton.revision})"
    assert "Luton" in message.get_body(("plain",)).get_content()

    files = {part.get_filename(): part for part in message.iter_attachments()}
    model_name, pack_name = attachment_filenames(luton)
    assert set(files) == {model_name, pack_name}
    assert model_name == "Luton 'alliance' 2024-25 - Cafe draft (r1).svcmodel"  # revision too
    assert all(name.isascii() and not set(name) & set('<>:"/\\|?*') for name in files)
    assert files[model_name].get_content_type() == "application/octet-stream"
    assert files[pack_name].get_content_type() == "application/pdf"
    assert files[model_name].get_content() == model_bytes
    assert files[pack_name].get_content() == pdf_bytes
    assert parse_model(files[model_name].get_content()) == luton

    # The fallback files beside the draft are the same bytes, and the PDF is a real PDF.
    assert shared.model.read_bytes() == model_bytes and shared.pdf.read_bytes() == pdf_bytes
    info = subprocess.run(["pdfinfo", str(shared.pdf)], capture_output=True, text=True)
    assert info.returncode == 0 and re.search(r"^Pages: +[1-9]", info.stdout, re.M)
    text = subprocess.run(["pdftotext", str(shared.pdf), "-"], capture_output=True, text=True)
    assert "Lot pack" in text.stdout
    assert not shared.too_large


def test_draft_without_a_pack():
    model = load_template("luton")
    data = serialise(model)
    message = parse_eml(build_eml(data, "x.svcmodel", None, "", share_subject(model), "Hi"))
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == data


def test_subject_cannot_break_out_of_its_header():
    message = parse_eml(build_eml(b"{}", "m.svcmodel", None, "", "Title\r\nBcc: x@example.com",
                                  "body"))
    assert message["Bcc"] is None
    assert message["Subject"] == "Title Bcc: x@example.com"


@pytest.mark.parametrize("name, expected", [
    ("CON.svcmodel", "_CON.svcmodel"),
    ("nul.pdf", "_nul.pdf"),
    ('a<b>:c"d|e?f*.svcmodel', "ab-c'd-ef.svcmodel"),
    ("Café £5m – plan.svcmodel", "Cafe GBP 5m - plan.svcmodel"),
    ("  trailing dots... .pdf", "trailing dots.pdf"),
    ("日本語.svcmodel", "service-model.svcmodel"),
])
def test_attachment_names_are_ascii_and_windows_safe(name, expected):
    safe = attachment_filename(name)
    assert safe == expected
    assert safe.isascii()
    assert safe.split(".")[0].upper() not in RESERVED_NAMES


def test_size_warning_at_ten_megabytes():
    assert MAX_ATTACHMENTS_BYTES == 10 * 1024 * 1024
    assert not attachments_too_large(MAX_ATTACHMENTS_BYTES)
    assert attachments_too_large(MAX_ATTACHMENTS_BYTES + 1)
    assert attachments_too_large(2_000, limit=1_000)
