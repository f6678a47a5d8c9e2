"""Write the bad model files that are too big, too deep or too binary to keep in git.

The small bad files live in tests/data/bad/ as they are. These are generated at test time into
a temporary folder (see tests/test_fileio.py), or by hand:

    python tests/data/make_bad_corpus.py OUT_FOLDER
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

MB = 1024 * 1024

# File name -> the text the one-line refusal must contain.
GENERATED: dict[str, str] = {
    "too-big-25mb.svcmodel": "at most 20 MB",
    "deeply-nested-arrays.svcmodel": "levels deep",
    "deeply-nested-objects.svcmodel": "levels deep",
    "nested-just-too-deep.svcmodel": "levels deep",
    "binary.svcmodel": "a PNG picture",
    "word-document.svcmodel": "an Office document (Word, Excel or PowerPoint)",
}


def _model_text(**extra) -> str:
    model = {"format": "service-model", "version": 1, "title": "Generated bad file",
             "components": [{"id": "adult", "kind": "adult_treatment", "name": "Adult treatment",
                             "cohorts": ["adults"]}], **extra}
    return json.dumps(model, indent=2)


def write_generated(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        # Valid JSON a model could almost be, padded past the 20 MB limit with a huge note.
        "too-big-25mb.svcmodel": _model_text(notes="x" * (25 * MB)).encode(),
        # Deep enough to exhaust a recursive parser's stack.
        "deeply-nested-arrays.svcmodel":
            ('{"format": "service-model", "version": 1, "notes": '
             + "[" * 200_000 + "]" * 200_000 + "}").encode(),
        "deeply-nested-objects.svcmodel":
            ('{"format": "service-model", "version": 1, "notes": '
             + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}").encode(),
        # Only a little deeper than the limit (16), inside an otherwise ordinary model.
        "nested-just-too-deep.svcmodel":
            _model_text(notes=json.loads("[" * 20 + "]" * 20)).encode(),
        "binary.svcmodel": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
        "word-document.svcmodel": _zip_bytes(),
    }
    written = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written


def _zip_bytes() -> bytes:
    # A .docx is a zip: what arrives when someone attaches the wrong file to an email.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document>Service model</w:document>" * 50)
    return buffer.getvalue()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    for path in write_generated(Path(sys.argv[1])):
        print(path)
