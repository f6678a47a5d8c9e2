"""Share a model by email: an .eml draft holding the model file and its printed lot pack.

The draft is a plain RFC 5322 message built with Python's `email` package. `X-Unsent: 1` makes
Outlook open it as a new message ready to address and send (Thunderbird and Apple Mail open it
as a message to forward or edit). Attachment names are plain ASCII built from the model title:
old mail gateways and Windows tools mangle anything else. Attachments go base64-encoded, so the
model file arrives byte for byte as it left, line endings included.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.message import EmailMessage
from pathlib import Path

from .control_chars import escape_controls
from .fileio import EXTENSION
from .schema import ServiceModel
from .winpaths import safe_file_stem

# Many council mail systems refuse messages over 10 MB; base64 makes attachments a third larger
# on the wire, so treat 10 MB of files as the point to warn.
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
MODEL_CONTENT_TYPE = ("application", "octet-stream")  # never re-encoded by a gateway
PDF_CONTENT_TYPE = ("application", "pdf")
PACK_SUFFIX = " - lot pack.pdf"


def version_words(model: ServiceModel, unsaved: bool = False) -> str:
    """'revision 3', or 'revision 3 with unsaved changes' for a copy shared before saving."""
    return f"revision {model.revision}" + (" with unsaved changes" if unsaved else "")


def share_subject(model: ServiceModel, unsaved: bool = False) -> str:
    return " ".join(f"Service model: {model.title} ({version_words(model, unsaved)})".split())


def attachment_filename(name: str) -> str:
    """An ASCII, Windows-safe version of a file name, keeping its extension."""
    stem, dot, extension = name.rpartition(".")
    if not (dot and extension.isascii() and extension.isalnum() and len(extension) <= 10):
        stem, extension = name, ""
    return safe_file_stem(stem, ascii_only=True) + ("." + extension if extension else "")


def attachment_filenames(model: ServiceModel, unsaved: bool = False) -> tuple[str, str]:
    """(model file name, lot pack file name) made from the model title and revision, so two
    versions sent by email do not overwrite each other when saved to one folder."""
    version = f"r{model.revision}" + (" unsaved" if unsaved else "")
    stem = safe_file_stem(f"{model.title} ({version})", ascii_only=True)
    return stem + EXTENSION, stem + PACK_SUFFIX


def default_body(model: ServiceModel, with_pack: bool = True, unsaved: bool = False) -> str:
    model_name, pack_name = attachment_filenames(model, unsaved)
    lines = [f'Please find attached the service model "{" ".join(model.title.split())}" '
             f"({version_words(model, unsaved)}).", "",
             f"{model_name} opens in Service Model Designer."]
    if with_pack:
        lines.append(f"{pack_name} is the printed lot pack, readable without it.")
    return "\n".join(lines) + "\n"


def attachments_too_large(total_bytes: int, limit: int = MAX_ATTACHMENTS_BYTES) -> bool:
    return total_bytes > limit


def build_eml(model_bytes: bytes, model_filename: str, pdf_bytes: bytes | None,
              pdf_filename: str, subject: str, body: str) -> bytes:
    """The email draft as .eml bytes (CRLF line endings, as mail programs expect)."""
    message = EmailMessage(policy=policy.SMTP)
    message["To"] = ""
    # A line break would end the header; NUL, ESC or a bidi override has no place in it.
    subject = escape_controls(" ".join(subject.split()), keep_newlines=False)
    if subject.isascii():
        message["Subject"] = subject
    else:
        # The email package's own folding can lose the space between two encoded words
        # ("2024/25 – Café" arrives as "–Café"); Header encodes the spaces inside the words.
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject")
                        .encode(linesep="\r\n"))
    message["X-Unsent"] = "1"
    message.set_content(body, cte="quoted-printable")  # 7-bit safe through any gateway
    message.add_attachment(bytes(model_bytes), *MODEL_CONTENT_TYPE,
                           filename=attachment_filename(model_filename))
    if pdf_bytes is not None:
        message.add_attachment(bytes(pdf_bytes), *PDF_CONTENT_TYPE,
                               filename=attachment_filename(pdf_filename))
    return message.as_bytes()


@dataclass(frozen=True)
class SharedFiles:
    folder: Path
    eml: Path
    model: Path
    pdf: Path | None
    attachments_bytes: int

    @property
    def too_large(self) -> bool:
        return attachments_too_large(self.attachments_bytes)


def write_share_files(folder: str | os.PathLike, model: ServiceModel, model_bytes: bytes,
                      pdf_bytes: bytes | None, body: str | None = None,
                      unsaved: bool = False) -> SharedFiles:
    """Write the draft and, beside it, the two attachments (the "show the files" fallback).

    `folder` should be a fresh folder of the app's own (not the user's documents). Raises
    OSError when the folder cannot be written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model_name, pack_name = attachment_filenames(model, unsaved)
    eml = build_eml(model_bytes, model_name, pdf_bytes, pack_name, share_subject(model, unsaved),
                    default_body(model, pdf_bytes is not None, unsaved) if body is None else body)
    model_path = folder / model_name
    pdf_path = folder / pack_name if pdf_bytes is not None else None
    eml_path = folder / (Path(model_name).stem + ".eml")
    model_path.write_bytes(model_bytes)
    if pdf_path is not None:
        pdf_path.write_bytes(pdf_bytes)
    eml_path.write_bytes(eml)
    return SharedFiles(folder, eml_path, model_path, pdf_path,
                       len(model_bytes) + len(pdf_bytes or b""))
