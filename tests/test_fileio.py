"""Reading model files: the bad-file corpus through the real command line, and the read limits.

Every file in tests/data/bad/ (plus the big, deep and binary ones make_bad_corpus.py writes at
test time) goes through `python main.py check FILE` in a child process. A refused file must give
exit status 2 and exactly one line on stderr naming what is wrong and where; the `loads-` files
(a byte order mark, CRLF line endings) must open.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from models import ModelFileError, parse_model, read_model
from models.fileio import MAX_DEPTH, MAX_FILE_BYTES

sys.path.insert(0, str(Path(__file__).parent / "data"))
from make_bad_corpus import GENERATED, write_generated  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "data" / "bad"

# File name -> texts the one-line message must contain (key path and bad value where there is
# one). None: the file must load.
EXPECTED: dict[str, tuple[str, ...] | None] = {
    "not-json.svcmodel": ("not valid JSON", "line 1"),
    "truncated.svcmodel": ("stops part-way", "line 46 of 46"),
    "empty.svcmodel": ("the file is empty",),
    "impossible-start-date.svcmodel": ("lot_plans[0].lots[0].contract.start_date", "'2024-13-45'",
                                       "not a real date"),
    "whitespace-only.svcmodel": ("the file is empty",),
    "wrong-format.svcmodel": ("format", "'diagram'", "not a service model"),
    "missing-format.svcmodel": ("format: required key is missing",),
    "newer-version.svcmodel": ("version 7", "newer Service Model Designer"),
    "version-as-string.svcmodel": ("version", "whole number", "'1'"),
    "version-negative.svcmodel": ("version", "-1"),
    "top-level-list.svcmodel": ("top level is not a JSON object",),
    "missing-kind.svcmodel": ("components[2].kind", "required key is missing"),
    "missing-pathway-target.svcmodel": ("pathways[1].target", "required key is missing"),
    "cohorts-not-a-list.svcmodel": ("components[1].cohorts", "list", "'adults'"),
    "components-not-a-list.svcmodel": ("components:", "list"),
    "title-a-number.svcmodel": ("title", "text", "42"),
    "capacity-as-words.svcmodel": ("components[1].capacity", "whole number",
                                   "'about a thousand'"),
    "capacity-as-quoted-number.svcmodel": ("components[1].capacity", "whole number", "'1200'"),
    "capacity-true.svcmodel": ("components[1].capacity", "whole number", "True"),
    "procured-as-yes.svcmodel": ("components[2].procured", "true or false", "'yes'"),
    "unknown-kind.svcmodel": ("components[3].kind", "unknown component kind", "'detox_clinic'"),
    "unknown-cohort.svcmodel": ("components[2].cohorts[1]", "unknown cohort", "'pensioners'"),
    "unknown-commissioner.svcmodel": ("components[1].commissioner", "'ccg'"),
    "duplicate-component-id.svcmodel": ("components[2].id", "duplicate component id",
                                        "'adult'"),
    "duplicate-pathway-id.svcmodel": ("pathways[1].id", "duplicate pathway id", "'p1'"),
    "duplicate-funding-source-id.svcmodel": ("funding_sources[1].id", "'phg'"),
    "duplicate-lot-plan-id.svcmodel": ("lot_plans[1].id", "duplicate lot plan id", "'one-lot'"),
    "duplicate-lot-id.svcmodel": ("lot_plans[0].lots[1].id", "duplicate lot id", "'lot-1'"),
    "pathway-to-missing-component.svcmodel": ("pathways[1].target", "no component",
                                              "'aftercare'"),
    "lot-names-missing-component.svcmodel": ("lot_plans[0].lots[0].components[3]",
                                             "no component", "'rehab'"),
    "active-plan-missing.svcmodel": ("active_plan", "no lot plan", "'three-lots'"),
    "self-loop-pathway.svcmodel": ("pathways[3]", "'recovery' to itself"),
    "duplicate-pathway.svcmodel": ("pathways[3]", "same route as pathways[1]"),
    "unknown-key.svcmodel": ("components[1].colour", "unknown key"),
    "unknown-top-level-key.svcmodel": ("lots", "unknown key"),
    "negative-capacity.svcmodel": ("components[1].capacity", "0 or more", "-50"),
    "locality-not-in-model.svcmodel": ("components[1].localities[1]", "'Rutland'"),
    "funding-from-missing-source.svcmodel": ("lot_plans[0].lots[0].funding[0].source",
                                             "no funding source", "'pcc'"),
    "lot-colour-not-hex.svcmodel": ("lot_plans[0].lots[0].colour", "#0072b2", "'red'"),
    "share-over-100.svcmodel": ("pathways[0].share_percent", "at most 100", "150"),
    "empty-component-id.svcmodel": ("components[0].id", "should not be empty"),
    "revision-time-not-a-time.svcmodel": ("revisions[0].time", "date and time",
                                          "'last Tuesday'"),
    "nan.svcmodel": ("line 28", "NaN"),
    "infinity.svcmodel": ("line 65", "Infinity"),
    "huge-float.svcmodel": ("funding_sources[0].annual_amount", "too large"),
    "huge-integer.svcmodel": ("line 28", "thousands of digits"),
    "too-large-amount.svcmodel": ("funding_sources[0].annual_amount", "at most"),
    "windows-1252.svcmodel": ("not UTF-8", "another encoding"),
    "utf-16.svcmodel": ("UTF-16", "save it again as UTF-8"),
    "loads-bom.svcmodel": None,
    "loads-crlf.svcmodel": None,
    "loads-bom-crlf.svcmodel": None,
    **{name: (text,) for name, text in GENERATED.items()},
}


@pytest.fixture(scope="session")
def generated_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad-generated")
    write_generated(folder)
    return folder


def corpus_path(name: str, generated_folder: Path) -> Path:
    return generated_folder / name if name in GENERATED else BAD / name


def run_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(path)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_every_corpus_file_has_an_expectation():
    committed = {p.name for p in BAD.iterdir()}
    assert committed == set(EXPECTED) - set(GENERATED)
    refused = [name for name, expected in EXPECTED.items() if expected is not None]
    assert len(refused) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_through_check_command(name, generated_folder):
    result = run_check(corpus_path(name, generated_folder))
    assert "Traceback" not in result.stderr + result.stdout
    if EXPECTED[name] is None:
        assert result.returncode in (0, 1), result.stderr
        assert result.stderr == ""
        return
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    for text in EXPECTED[name]:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"


def test_bom_and_crlf_files_load_the_same_model():
    plain = parse_model((BAD / "loads-crlf.svcmodel").read_bytes().replace(b"\r\n", b"\n"))
    for name in ("loads-bom.svcmodel", "loads-crlf.svcmodel", "loads-bom-crlf.svcmodel"):
        assert read_model(BAD / name) == plain


def test_size_limit_is_checked_before_reading(tmp_path):
    # A sparse file: if the reader read it all, this would allocate 1 GB.
    huge = tmp_path / "huge.svcmodel"
    with open(huge, "wb") as f:
        f.truncate(1024 * 1024 * 1024)
    with pytest.raises(ModelFileError, match="1024.0 MB; model files are at most 20 MB"):
        read_model(huge)


def test_a_file_just_under_the_size_limit_loads(tmp_path):
    head = b'{"format": "service-model", "version": 1, "notes": "'
    tail = b'"}'
    notes = b"x" * min(9_990, MAX_FILE_BYTES - len(head) - len(tail))  # notes max 10,000 chars
    padding = b" " * (MAX_FILE_BYTES - len(head) - len(notes) - len(tail))
    data = head + notes + tail + padding
    assert len(data) == MAX_FILE_BYTES
    assert parse_model(data).notes == notes.decode()


def test_depth_limit_refuses_before_parsing_and_allows_what_the_schema_needs(
        generated_folder, monkeypatch):
    # Refused by the cheap bracket count, before json or pydantic see the text (which is
    # what makes it fast: bench/ measures the speed).
    import models.fileio

    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed a file the depth limit should have refused")
    monkeypatch.setattr(models.fileio.json, "loads", must_not_parse)
    with pytest.raises(ModelFileError, match="levels deep"):
        read_model(generated_folder / "deeply-nested-arrays.svcmodel")
    monkeypatch.undo()
    # Brackets inside strings are text, not nesting.
    deep_text = "[" * (MAX_DEPTH * 4)
    model = parse_model(('{"format": "service-model", "version": 1, "notes": "%s"}'
                         % deep_text).encode())
    assert model.notes == deep_text


def test_missing_file_and_folder_are_one_line_refusals(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read"):
        read_model(tmp_path / "nowhere.svcmodel")
    with pytest.raises(ModelFileError, match="cannot read"):
        read_model(tmp_path)


def test_every_problem_is_kept_but_the_message_is_one_line():
    with pytest.raises(ModelFileError) as caught:
        read_model(BAD / "duplicate-component-id.svcmodel")
    error = caught.value
    assert len(error.problems) > 1
    assert "\n" not in str(error)
    assert f"and {len(error.problems) - 1} more problem" in str(error)
    assert error.problems[0].path == "components[2].id"


def test_names_from_a_file_cannot_break_the_one_line_rule():
    data = (b'{"format": "service-model", "version": 1, "components": [{"id": "a\\nb", '
            b'"kind": "no\\nsuch\\r\\nkind", "name": "x"}]}')
    with pytest.raises(ModelFileError) as caught:
        parse_model(data)
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value)
