"""The headless commands scripts rely on, run as a script would: `python main.py ...`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import catalogue as cat
from models import read_model
from models.templates import load_template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "resources" / "templates"
DATA = Path(__file__).parent / "data"


def run(*args, cwd=ROOT, encoding: str | None = None) -> subprocess.CompletedProcess:
    """Run main.py; its output is bytes that must decode as UTF-8 whatever the locale.
    `encoding` forces the child's stream encoding (PYTHONIOENCODING), as Windows' cp1252 would."""
    env = dict(os.environ)
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                            capture_output=True, timeout=60, cwd=cwd, env=env)
    result.stdout_bytes = result.stdout
    result.stdout = result.stdout.decode("utf-8")  # strict: a cp1252 byte fails here
    result.stderr = result.stderr.decode("utf-8")
    assert "Traceback" not in result.stdout + result.stderr
    return result


def assert_refused(result, *words):
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def check_json(path, *extra) -> tuple[int, dict]:
    result = run("check", path, "--json", *extra)
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


# --- check on the built-in templates, as their own notes expect -----------------------------

@pytest.mark.parametrize("name", ["leicestershire", "luton"])
def test_template_active_plan_checks_clean(name):
    path = TEMPLATES / f"{name}.svcmodel"
    notes = read_model(path).notes
    assert "illustrative" in notes.lower() and "has no errors" in notes
    result = run("check", path)
    assert result.returncode == 0, result.stdout
    assert "0 errors" in result.stdout.splitlines()[-1]


def test_leicestershire_joint_plan_shows_locality_gaps_and_no_invented_shortfall():
    # The £250k was the current service's overspend, not a price of the joint option.
    code, out = check_json(TEMPLATES / "leicestershire.svcmodel", "--plan", "llr")
    rules = {f["rule"] for f in out["findings"]}
    assert code == 0 and rules == {"locality-gap"}
    gaps = " ".join(f["message"] for f in out["findings"] if f["rule"] == "locality-gap")
    assert "Leicester City" in gaps and "Rutland" in gaps


def handoffs(findings) -> int:
    return sum(int(f["message"].split()[0]) for f in findings if f["rule"] == "cross-lot-handoff")


def test_luton_three_lots_has_more_handoffs_than_two_and_the_same_money():
    # The seed does not blame money: funding was kept level; merging answered the missing bids.
    path = TEMPLATES / "luton.svcmodel"
    _, three = check_json(path, "--plan", "three-lots")
    _, two = check_json(path, "--plan", "two-lots")
    for out in (three, two):
        assert {f["rule"] for f in out["findings"]} == {"cross-lot-handoff"}
    assert handoffs(three["findings"]) > handoffs(two["findings"]) > 0


# --- check: exit status and the pinned JSON shape -------------------------------------------

PINNED_FINDING_KEYS = {"rule", "severity", "message", "components", "lot"}


@pytest.mark.parametrize("path, plan", [
    (TEMPLATES / "luton.svcmodel", "three-lots"),
    (TEMPLATES / "leicestershire.svcmodel", "llr"),
    (DATA / "pinned-keys-only.svcmodel", "two-lots"),
])
def test_check_json_has_the_pinned_shape(path, plan):
    code, out = check_json(path, "--plan", plan)
    model = read_model(path)
    component_ids = {c.id for c in model.components}
    lot_ids = {lot.id for lot in model.plan(plan).lots}
    assert isinstance(out, dict) and isinstance(out["findings"], list) and out["findings"]
    for f in out["findings"]:
        assert PINNED_FINDING_KEYS <= set(f)  # more keys are allowed
        assert isinstance(f["rule"], str) and isinstance(f["message"], str) and f["message"]
        assert f["severity"] in ("error", "warning", "info")
        assert isinstance(f["components"], list) and set(f["components"]) <= component_ids
        assert f["lot"] is None or f["lot"] in lot_ids
    has_error = any(f["severity"] == "error" for f in out["findings"])
    assert code == (1 if has_error else 0)


def test_check_exits_1_when_there_is_an_error_finding():
    result = run("check", DATA / "pinned-keys-only.svcmodel")
    assert result.returncode == 1
    assert "ERROR    core-service-missing:" in result.stdout


def test_check_json_text_is_utf8_not_escaped(tmp_path):
    from models.fileio import write_model
    model = load_template("luton")
    model.plan("three-lots").lot("clinical").contract.annual_value = 1_400_000  # underpriced
    write_model(tmp_path / "luton.svcmodel", model)
    result = run("check", tmp_path / "luton.svcmodel", "--json", "--plan", "three-lots")
    assert "£" in result.stdout


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_output_is_utf8_bytes_even_when_the_locale_says_cp1252(tmp_path, encoding):
    # Windows gives a pipe the ANSI code page: £ would be byte 0xA3 and "→" unwritable.
    from models.fileio import write_model
    model = load_template("luton")
    model.title = "Luton → Bedford £ review – 2026"
    model.plan("three-lots").lot("clinical").contract.annual_value = 1_400_000
    write_model(tmp_path / "m.svcmodel", model)
    result = run("check", tmp_path / "m.svcmodel", "--json", "--plan", "three-lots",
                 encoding=encoding)
    assert result.returncode in (0, 1), result.stderr
    assert "£".encode("utf-8") in result.stdout_bytes  # C2 A3, not cp1252's lone A3
    json.loads(result.stdout_bytes.decode("utf-8"))
    text = run("check", tmp_path / "m.svcmodel", encoding=encoding)
    assert text.returncode in (0, 1), text.stderr  # not 2 with a UnicodeEncodeError
    assert text.stdout.startswith("Luton → Bedford £ review – 2026")
    missing = run("check", tmp_path / "Bedford → Luton £.svcmodel", encoding=encoding)
    assert missing.returncode == 2 and "Bedford → Luton £" in missing.stderr


@pytest.mark.parametrize("args, words", [
    (["check"], ["file"]),
    (["check", "missing.svcmodel"], ["missing.svcmodel", "cannot read"]),
    # A mistyped id is answered with the ids that work: they show nowhere in the window.
    (["check", TEMPLATES / "luton.svcmodel", "--plan", "nope"],
     ["no lot plan", "'nope'", "three-lots (Three lots (first tender, halted))", "two-lots"]),
    (["export", TEMPLATES / "luton.svcmodel", "--pdf", "out.pdf", "--lot", "nope"],
     ["no lot with id 'nope'", "alliance (L1 Drug and alcohol treatment, with engagement)", "recovery"]),
    (["new", "--template", "luton", "no-such-folder/out.svcmodel"],
     ["the folder no-such-folder does not exist"]),
    (["check", TEMPLATES / "luton.svcmodel", "--bogus"], ["--bogus"]),
    (["check", DATA / "bad" / "unknown-kind.svcmodel", "--json"], ["components[3].kind"]),
    (["new", "--template", "nope", "out.svcmodel"], ["'nope'", "leicestershire, luton"]),
    (["new", "out.svcmodel"], ["--template"]),
])
def test_bad_arguments_get_one_line_and_exit_2(args, words, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.stdout == ""
    assert_refused(result, *words)


# --- schema, templates, new -----------------------------------------------------------------

def test_schema_is_json_schema_of_the_pinned_contract():
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert {"format", "version"} <= set(schema["required"])
    for key in ("format", "version", "title", "components", "pathways", "lot_plans",
                "active_plan"):
        assert key in schema["properties"]
    component = schema["$defs"]["Component"]
    assert set(component["required"]) == {"id", "kind", "name"}
    assert component["properties"]["kind"]["enum"] == list(cat.KINDS)
    cohorts = component["properties"]["cohorts"]["items"]["enum"]
    assert cohorts == list(cat.COHORTS)
    assert set(schema["$defs"]["Pathway"]["required"]) == {"source", "target"}


def test_templates_lists_both_seed_cases():
    result = run("templates")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["leicestershire", "luton"]


def test_new_writes_a_model_from_a_template_and_will_not_overwrite(tmp_path):
    out = tmp_path / "our model.svcmodel"
    result = run("new", "--template", "luton", out)
    assert result.returncode == 0 and out.exists()
    assert read_model(out) == load_template("luton")
    before = out.read_bytes()
    assert_refused(run("new", "--template", "leicestershire", out), "already exists")
    assert out.read_bytes() == before


def test_new_output_is_byte_identical_to_a_resave(tmp_path):
    # The shipped templates are written exactly as the app writes files, so they diff cleanly;
    # a template still at version 1 differs only in its version number.
    for name in ("leicestershire", "luton"):
        out = tmp_path / f"{name}.svcmodel"
        run("new", "--template", name, out)
        shipped = (TEMPLATES / f"{name}.svcmodel").read_bytes()
        assert out.read_bytes() == shipped.replace(b'\n  "version": 1,\n', b'\n  "version": 2,\n', 1)


def test_a_mistyped_command_is_refused_not_opened_in_a_window():
    for word in ("frobnicate", "chek"):
        result = run(word, "x.svcmodel")
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "unknown command" in result.stderr
        assert "check" in result.stderr


def test_damaged_json_is_explained_in_plain_words(tmp_path):
    text = (TEMPLATES / "luton.svcmodel").read_text(encoding="utf-8")
    cut = tmp_path / "cut.svcmodel"
    cut.write_text(text[:text.index('"name"', 2000) + 4], encoding="utf-8")  # inside a string
    assert_refused(run("check", cut), "stops part-way", "cut off", ".bak")
    edited = tmp_path / "edited.svcmodel"
    edited.write_text(text.replace('"title":', '"title"', 1), encoding="utf-8")
    result = run("check", edited)
    assert_refused(result, "not valid JSON", "line 4, column 11", "a colon is missing")
    assert "delimiter" not in result.stderr and "at at" not in result.stderr


def test_counts_read_as_english():
    result = run("check", ROOT / "resources" / "templates" / "luton.svcmodel")
    assert result.stdout.strip().endswith("0 errors, 0 warnings, 1 note")


def test_refusals_name_the_component_or_lot_they_are_about():
    bad = ROOT / "tests" / "data" / "bad"
    assert "in the component named 'Adult treatment'" in \
        run("check", bad / "capacity-as-words.svcmodel").stderr
    assert "in the lot named 'Recovery'" in run("check", bad / "duplicate-lot-id.svcmodel").stderr
    assert "line 4:" in run("check", bad / "windows-1252.svcmodel").stderr


def test_a_refusal_about_a_pathway_names_its_two_ends(tmp_path):
    data = json.loads((ROOT / "resources" / "templates" / "luton.svcmodel").read_text("utf-8"))
    data["pathways"][0]["share_percent"] = 150
    edited = tmp_path / "share.svcmodel"
    edited.write_text(json.dumps(data), encoding="utf-8")
    result = run("check", edited)
    assert_refused(result, "pathways[0].share_percent", "at most 100",
                   "in the pathway from 'Self-referral' to 'Assessment and engagement hub'")
