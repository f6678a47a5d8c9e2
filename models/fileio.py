"""Reading and writing `.svcmodel` files (see docs/file-format.md).

Every file is untrusted: it may come from another council by email. Reading refuses anything
oversized, too deeply nested, non-finite or inconsistent with one message per problem. Writing
never leaves a fragment where the user's file was: the bytes are checked, written to a
temporary file beside the target, flushed to disk and swapped in with one atomic rename.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import ModelFileError, Problem, key_path, short_repr
from .integrity import integrity_problems
from .migrations import MIGRATIONS, migrate
from .schema import FORMAT, VERSION, Revision, ServiceModel
from .winfile import WINDOWS_MAX_PATH, path_limit, replace_file, set_hidden, too_long, waiting_words

EXTENSION = ".svcmodel"
MAX_FILE_BYTES = 20 * 1024 * 1024
# The schema nests at most 8 levels (model > lot_plans > plan > lots > lot > contract > kpis >
# kpi); anything much deeper is not a model and could exhaust the parser's stack.
MAX_DEPTH = 16
# Temporary files: short (a long synced path must not go over Windows' 260 characters because
# of them), hidden, and ending .tmp, which OneDrive and other sync clients do not upload.
TEMP_PREFIX = ".~smd"
TEMP_SUFFIX = ".tmp"
OLD_TEMP_SUFFIX = ".svcmodel-tmp"  # what versions before issue 19 left after a crash
# OneDrive, antivirus or a colleague's app over a share can hold a file for several seconds:
# wait about 20 s in all (delays 1, 2, 4, 8, then 10 times LOCK_RETRY_SECONDS) before failing.
LOCK_RETRIES = 12
LOCK_RETRY_SECONDS = 0.25

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")


def _too_deep(text: str, limit: int) -> bool:
    """True when the JSON text nests arrays/objects deeper than `limit`.

    Strings are removed, then innermost empty pairs are peeled off one level per pass,
    all in C-speed regex passes, so a hostile file cannot make this slow or recursive."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(limit):
        peeled = _EMPTY_PAIR.sub("", brackets)
        if peeled == brackets:
            # Unbalanced: what is left opens without closing. A run of more than `limit`
            # openers would still take the parser that deep before it found the fault.
            return re.search(r"[\[{]{%d}" % (limit + 1), brackets) is not None
        brackets = peeled
    return bool(brackets)



def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a model can hold")


def _figure(value: Any) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


# pydantic's wording ("Input should be a valid integer...") said the way the person fixing
# the file thinks of it. Types not listed keep pydantic's message.
_PLAIN: dict[str, Any] = {
    "missing": "required key is missing",
    "extra_forbidden": "unknown key: it is not part of the service model format",
    "string_type": "should be text in quotes",
    "string_unicode": "holds a broken character (half of a surrogate pair, such as \\ud800, "
                      "with no other half); the text was damaged by the program that wrote it",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "int_parsing_size": "is too large",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "finite_number": "is too large or not a finite number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list in square brackets",
    "model_type": "should be an object in curly brackets",
    "dict_type": "should be an object in curly brackets",
    "string_too_short": "should not be empty",
    "string_too_long": lambda ctx: f"is longer than {ctx['max_length']:,} characters",
    "greater_than_equal": lambda ctx: f"should be {_figure(ctx['ge'])} or more",
    "greater_than": lambda ctx: f"should be more than {_figure(ctx['gt'])}",
    "less_than_equal": lambda ctx: f"should be at most {_figure(ctx['le'])}",
    "literal_error": lambda ctx: f"should be {ctx['expected']}",
    "datetime_parsing": "should be a date and time such as 2024-04-01T09:30:00Z",
    "datetime_from_date_parsing": "should be a date and time such as 2024-04-01T09:30:00Z",
    "datetime_type": "should be a date and time such as 2024-04-01T09:30:00Z",
    "string_pattern_mismatch": lambda ctx: (
        "should be a colour written as # and six hex digits, such as #0072b2"
        if ctx["pattern"].startswith("^#") else
        "should be a date written as YYYY-MM-DD" if "\\d{4}" in ctx["pattern"] else
        f"should match the pattern {ctx['pattern']}"),
}


_THING = {"components": "component", "lots": "lot", "lot_plans": "lot plan",
          "funding_sources": "funding source"}


def _named_place(loc: tuple, raw: Any) -> str:
    """The innermost named thing a key path runs through, in words ("the component named
    'Adult treatment'"), so a commissioner can find it without counting list entries."""
    found, node, parent_key = "", raw, None
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict) and parent_key in _THING:
            name = node.get("name")
            if isinstance(name, str) and name.strip():
                found = f"the {_THING[parent_key]} named {short_repr(name.strip(), 50)}"
        elif isinstance(part, int) and isinstance(node, dict) and parent_key == "pathways":
            found = _pathway_place(node, raw) or found
        parent_key = part
    return found


def _pathway_place(pathway: dict, raw: Any) -> str:
    """"the pathway from 'Adult treatment' to 'Recovery'": a pathway has no name of its own,
    so its ends' names say which one (the ids where a component has no name)."""
    components = raw.get("components") if isinstance(raw, dict) else None
    names = {}
    for c in components if isinstance(components, list) else ():
        if isinstance(c, dict) and isinstance(c.get("id"), str):
            name = c.get("name")
            names[c["id"]] = name.strip() if isinstance(name, str) and name.strip() else c["id"]
    ends = [pathway.get("source"), pathway.get("target")]
    if not all(isinstance(end, str) for end in ends):
        return ""
    source, target = (short_repr(names.get(end, end), 50) for end in ends)
    return f"the pathway from {source} to {target}"


def _validation_problems(error: ValidationError, raw: Any = None) -> list[Problem]:
    problems = []
    for e in error.errors(include_url=False):
        loc = tuple(part for part in e["loc"] if part not in ("function-after[check(), str]",))
        plain = _PLAIN.get(e["type"])
        if callable(plain):
            plain = plain(e.get("ctx") or {})
        message = plain or e["msg"].removeprefix("Value error, ").replace("Input should", "should")
        value = e.get("input")
        if e["type"] not in ("missing", "extra_forbidden") and \
                not isinstance(value, (dict, list)) and repr(value) not in message:
            message += f" (got {short_repr(value)})"
        place = _named_place(loc, raw)
        if place:
            message += f", in {place}"
        problems.append(Problem(key_path(loc), message))
    return problems


# The JSON parser's wording, said for someone who has never seen JSON.
JSON_PROBLEMS = {
    "Expecting value": "a value is missing here (or is not in quotes)",
    "Expecting property name enclosed in double quotes":
        "a name should be in double quotes here (or a comma is one too many)",
    "Expecting ',' delimiter": "a comma is missing between two entries",
    "Expecting ':' delimiter": "a colon is missing after a name",
    "Unterminated string starting at": "a piece of text has no closing quote",
    "Invalid control character at": "a piece of text holds a line break or a control character",
    "Extra data": "there is more after the end of the model (two files joined together?)",
    "Invalid \\escape": "a backslash in a piece of text is not followed by a valid character",
}


def _json_problem(text: str, e: json.JSONDecodeError) -> str:
    lines = text.count("\n") + 1
    rest = text[e.pos:]
    cut_short = not rest.strip() or (e.msg.startswith("Unterminated string")
                                     and '"' not in rest[1:])
    if cut_short:
        return (f"the file stops part-way, at line {e.lineno} of {lines}: it may have been cut "
                "off when it was saved or sent. Ask for it again; if it is your own file, its "
                "previous version is in the .bak file beside it")
    reason = JSON_PROBLEMS.get(e.msg, e.msg[:1].lower() + e.msg[1:])
    return (f"the file is damaged or was edited by hand (it is not valid JSON) at line "
            f"{e.lineno}, column {e.colno}: {reason}")


# What a wrongly named attachment usually is, by its first bytes.
OTHER_FILES = [
    (b"PK\x03\x04", "a zip archive or an Office document (Word, Excel or PowerPoint)"),
    (b"\xd0\xcf\x11\xe0", "an older Office document or an Outlook message"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
]


def parse_model(data: bytes, source: str = "") -> ServiceModel:
    """Turn file bytes into a validated model, or raise ModelFileError naming what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"the file is {len(data) / 1048576:.1f} MB; model files are at most "
                             f"{MAX_FILE_BYTES // 1048576} MB", source)
    for signature, what in OTHER_FILES:
        if data.startswith(signature):
            raise ModelFileError(f"the file is {what}, not a service model; it may have been "
                                 "renamed, or the wrong attachment saved", source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ModelFileError("the file was saved as UTF-16 text (Notepad's \"Unicode\"); "
                             "save it again as UTF-8", source)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte order mark added by Notepad or a mail gateway
    if not data.strip():
        raise ModelFileError("the file is empty", source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ModelFileError(f"line {line}: the file is not UTF-8 text (a byte that is not "
                             "UTF-8), so it is not a service model or was saved in another "
                             "encoding, for example by Notepad as ANSI", source) from None
    model = _parse_well_formed(text, source)
    if model is not None:
        return model
    if _too_deep(text, MAX_DEPTH):
        raise ModelFileError(f"the file nests data more than {MAX_DEPTH} levels deep; "
                             "it is not a service model", source)
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise ModelFileError(_json_problem(text, e), source) from None
    except (ValueError, RecursionError) as e:
        where = re.search(r"\bNaN\b|-?\bInfinity\b|\d{4000,}", text)
        line = f"line {text.count(chr(10), 0, where.start()) + 1}: " if where else ""
        reason = "a number with thousands of digits" if "digits" in str(e) else e
        raise ModelFileError(f"{line}the file holds a value that cannot be read: {reason}",
                             source) from None
    return model_from_json_object(raw, source)


def _parse_well_formed(text: str, source: str) -> ServiceModel | None:
    """The fast path for a well-formed current-version file; None when it needs a closer look.

    pydantic parses and validates the JSON in one pass, about twice as fast as json.loads and
    model_validate for a national model. Anything it refuses, or a file that leans on the
    defaults of `format` or `version`, goes down the careful path below, which words the
    refusal. The depth check is not needed here: every field of the schema is typed, so a
    file that validates nests no deeper than the schema does."""
    try:
        model = ServiceModel.model_validate_json(text)
    except ValidationError:
        return None
    if not {"format", "version"} <= model.model_fields_set:
        return None
    problems = integrity_problems(model)
    if problems:
        raise ModelFileError(problems, source)
    return model


def model_from_json_object(raw: Any, source: str = "") -> ServiceModel:
    if not isinstance(raw, dict):
        raise ModelFileError("the file is not a service model: its top level is not a JSON "
                             "object", source)
    if "format" not in raw:
        raise ModelFileError(f"format: required key is missing (it should be {FORMAT!r}); "
                             "the file is not a service model", source)
    if raw["format"] != FORMAT:
        raise ModelFileError(f"format: expected {FORMAT!r}, got {short_repr(raw['format'])}; "
                             "the file is not a service model", source)
    version = raw.get("version")
    if "version" not in raw:
        raise ModelFileError("version: required key is missing", source)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError(f"version: expected a whole number, got {short_repr(version)}", source)
    if version > VERSION:
        raise ModelFileError(f"version: the file is version {version} but this app reads up to "
                             f"version {VERSION}; open it with a newer Service Model Designer",
                             source)
    if version < VERSION and version not in MIGRATIONS:
        raise ModelFileError(f"version: {version} is not a version this app can convert", source)
    raw = migrate(raw, version)
    try:
        model = ServiceModel.model_validate(raw)
    except ValidationError as e:
        raise ModelFileError(_validation_problems(e, raw), source) from None
    problems = integrity_problems(model)
    if problems:
        raise ModelFileError(problems, source)
    return model


def read_model(path: str | os.PathLike) -> ServiceModel:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelFileError(f"the file is {size / 1048576:.1f} MB; model files are at most "
                                 f"{MAX_FILE_BYTES // 1048576} MB", str(path))
        data = path.read_bytes()
    except ModelFileError:
        raise
    except OSError as e:
        raise ModelFileError(f"cannot read {path.name}: {e.strerror or e}", str(path)) from None
    return parse_model(data, str(path))


def serialise(model: ServiceModel) -> bytes:
    """Deterministic bytes: schema key order, two-space indent, LF, UTF-8, final newline."""
    data = model.model_dump(mode="json", exclude_none=True)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def with_revision(model: ServiceModel, author: str = "", summary: str = "",
                  when: datetime | None = None, after: int = 0) -> ServiceModel:
    """A copy of the model with one more entry in its revision log, as each save adds.
    `after`: a revision number the new one must follow (a colleague's save we replace)."""
    when = (when or datetime.now(timezone.utc)).replace(microsecond=0)
    entry = Revision(number=max(model.revision, after) + 1, author=author, time=when,
                     summary=summary)
    return model.model_copy(update={"revisions": [*model.revisions, entry]})


class SaveError(Exception):
    """The save failed. Unless the message says otherwise, the file on disk is what it was."""


_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class FileChangedError(SaveError):
    """Someone else saved the file after it was last read: nothing was written."""


def _save_failure(e: OSError, replacing: bool, folder: Path) -> str:
    """Why a save failed, in words that say what to do about it."""
    if isinstance(e, FileNotFoundError) and not folder.is_dir():
        return (f"the folder {folder} no longer exists (it was moved, renamed or deleted, or "
                "its drive is disconnected); use Save As to save elsewhere")
    if e.errno == errno.ENAMETOOLONG:
        return f"the path or file name is too long: {e.filename or folder}"
    if e.errno in _DISK_FULL:
        return ("there is not enough space on the disk (or the file is bigger than this "
                "account may write there)")
    if isinstance(e, PermissionError):
        if replacing:
            return ("the file is in use by another program (antivirus, OneDrive or a colleague "
                    "may have it open) or is read-only; try again in a moment, or use Save As")
        return "the folder is read-only or you may not write there; use Save As to save elsewhere"
    return e.strerror or str(e)


def _write_all(fd: int, data: bytes) -> None:
    # os.write may write fewer bytes than asked (a full disk does this); loop and check.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(28, "no space left on the disk")
        view = view[written:]


def temp_name(tag: str) -> str:
    """A short temporary name, the same length whatever the file is called: this process's
    id and a one-letter `tag` (one per kind of file it writes at a time)."""
    return f"{TEMP_PREFIX}{os.getpid():x}-{tag}{TEMP_SUFFIX}"


def _replace_with_retry(source: Path, target: Path, waiting=None) -> None:
    """Windows refuses the swap while antivirus, OneDrive, the indexer or another program
    over a share holds the file: wait and try again, telling `waiting` (a callable taking a
    status line) each time, then raise the last PermissionError."""
    for attempt in range(LOCK_RETRIES):
        try:
            replace_file(source, target)
            set_hidden(target, False)  # the temporary file's hidden mark must not stay
            return
        except PermissionError:
            if attempt == LOCK_RETRIES - 1:
                raise
            if waiting is not None:
                waiting(waiting_words(target))
            time.sleep(LOCK_RETRY_SECONDS * min(2 ** attempt, 10))


def path_too_long(path: Path, keep_backup: bool = False) -> str | None:
    """Why `path` cannot be saved on this Windows (its full path, or its .bak's, is over 259
    characters with long paths off), naming the path; None when it can."""
    folder = path.parent if str(path.parent) else Path(".")
    names = [path, folder / temp_name("m")] + ([path.with_name(path.name + ".bak")]
                                               if keep_backup else [])
    over = too_long(names)
    if over is None:
        return None
    return (f"the path is too long for Windows ({len(os.path.abspath(over))} characters; at "
            f"most {path_limit() or WINDOWS_MAX_PATH} unless the \"Enable Win32 long paths\" "
            f"policy is on): {os.path.abspath(over)}. Save in a folder with a shorter path, or "
            "give the file a shorter name")


def _sync_folder(folder: Path) -> None:
    """Make a rename durable: on POSIX the new name lives in the folder, which has its own
    buffers. Windows opens no folder handles this way and NTFS journals the rename itself."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # a folder we may write to but not open (rare network mounts): the save stands
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the file itself is already synced
    finally:
        os.close(fd)


def _synced_temp_beside(path: Path, data: bytes, tag: str = "m") -> Path:
    """A hidden temporary file in `path`'s folder holding `data`, every byte counted and on
    the disk (fsync), ready to be renamed over `path`. Raises OSError."""
    folder = path.parent if str(path.parent) else Path(".")
    temp = folder / temp_name(tag)
    try:  # one a crash left under this id: Windows will not recreate a hidden file in place
        temp.unlink(missing_ok=True)
    except OSError:
        pass
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    set_hidden(temp, True)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return temp


def write_bytes_atomically(path: str | os.PathLike, data: bytes, waiting=None) -> None:
    """`data` at `path` whole or not at all, as write_model writes (no backup, no read-back):
    for other bytes worth keeping, such as a colleague's version of a file. Raises OSError."""
    path = Path(path)
    too_long_reason = path_too_long(path)
    if too_long_reason:
        raise OSError(errno.ENAMETOOLONG, too_long_reason, str(path))
    temp = path.with_name(temp_name("k"))
    try:
        temp = _synced_temp_beside(path, data, "k")
        _replace_with_retry(temp, path, waiting)
        _sync_folder(temp.parent)
    finally:
        temp.unlink(missing_ok=True)


def _read_only(path: Path) -> bool:
    """A file whose permissions say read-only, even for root (who could rename over it) and
    on Windows (the Read-only attribute clears the write bit)."""
    try:
        return not path.stat().st_mode & stat.S_IWUSR or not os.access(path, os.W_OK)
    except OSError:
        return False


def write_model(path: str | os.PathLike, model: ServiceModel, keep_backup: bool = True,
                unchanged=None, waiting=None) -> bytes:
    """Save atomically; keep the previous file as NAME.svcmodel.bak. Returns the bytes written.

    `unchanged`, when given, is asked just before the file is replaced whether it is still
    the version last read; if not, FileChangedError is raised and nothing is written. So a
    colleague's save can only be missed during the rename itself.

    Raises SaveError with a one-line reason that says whether the file on disk was changed
    (it is not, unless the final read-back check fails). `waiting` is told a status line
    while the save waits for another program to let go of the file."""
    path = Path(path)
    data = serialise(model)
    try:
        parse_model(data)  # never write what we could not read back
    except ModelFileError as e:
        raise SaveError(f"the model is not consistent, so it was not saved: {e}") from None
    folder = path.parent if str(path.parent) else Path(".")
    too_long_reason = path_too_long(path, keep_backup)
    if too_long_reason:
        raise SaveError(f"could not save {path.name}: {too_long_reason}. Nothing was written.")
    existed = path.exists()
    if existed and _read_only(path):  # a rename would replace it and drop its read-only mode
        raise SaveError(f"could not save {path.name}: the file is read-only; use Save As to "
                        "save your changes in another file. The file on disk was not changed.")
    replacing = replaced = False
    try:
        temp = _synced_temp_beside(path, data)
        if unchanged is not None and not unchanged():
            temp.unlink(missing_ok=True)
            raise FileChangedError(f"{path.name} was changed by someone else; nothing was "
                                   "saved")
        backup = path.with_name(path.name + ".bak")
        has_backup = keep_backup and path.exists()
        if has_backup:
            backup_temp = _synced_temp_beside(backup, path.read_bytes(), "b")
            replacing = True
            _replace_with_retry(backup_temp, backup, waiting)
        replacing = True
        _replace_with_retry(temp, path, waiting)
        replaced = True
        _sync_folder(folder)
        if path.read_bytes() != data:
            raise OSError(5, "the file read back differs from what was written")
    except OSError as e:
        for leftover in folder.glob(f"{TEMP_PREFIX}{os.getpid():x}-*{TEMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)
        outcome = ("Nothing was written." if not existed and not replaced else
                   "The file on disk was not changed." if not replaced else
                   f"The file on disk may be damaged; the previous version is in {backup.name}."
                   if has_backup else "The file on disk may be damaged.")
        raise SaveError(f"could not save {path.name}: {_save_failure(e, replacing, folder)}. "
                        f"{outcome}") from None
    return data


def clean_stray_temp_files(folder: str | os.PathLike, older_than_seconds: float = 60) -> int:
    """Remove temporary files left by a save that was cut off. Returns how many went."""
    removed = 0
    cutoff = time.time() - older_than_seconds
    leftovers = [*Path(folder).glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"),
                 *Path(folder).glob(f".*{OLD_TEMP_SUFFIX}")]
    for leftover in leftovers:
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                removed += 1
        except OSError:
            pass
    return removed
