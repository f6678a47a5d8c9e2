"""Files made to hurt: far positions, terminal control codes, colliding lot codes, and the
messages for broken text and runaway nesting. Run as a script would: `python main.py ...`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from main import main
from models import ModelFileError, parse_model, read_model, serialise, write_model
from models.checks import run_checks
from models.control_chars import escape_controls
from models.share import build_eml
from models.templates import load_template

ROOT = Path(__file__).resolve().parent.parent
# ESC, an OSC title, CSI clear screen, carriage return, BEL, C1 CSI, NUL, bidi override and
# isolate, line separator, a zero-width space and a tag character.
NASTY = ("\x1b[2J\x1b]0;pwned\x07\r0 errors\x9b31m\x00\u202eevil\u2066x\u2069\u2028"
         "\u200b\U000e0041")
# Bytes a terminal acts on: C0 controls but tab and line feed, DEL, C1 controls (as UTF-8),
# bidi controls, line and paragraph separators (as UTF-8).
FORBIDDEN = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|"
                       rb"\xe2\x81[\xa6-\xa9]|\xe2\x80\x8b|\xf3\xa0[\x80-\x81]")


def run(*args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, env=env, timeout=60)
    assert b"Traceback" not in done.stdout + done.stderr
    return done


# --- 2. a component far out --------------------------------------------------------------

def test_a_component_at_x_1e12_exports_a_pdf(tmp_path):
    """It hung for over 60 s (every 400-unit grid cell of a route's bounding box was walked);
    now well within the timeout. Speed itself is measured in bench/, not here."""
    model = load_template("luton")
    model.components[0].position.x = 1e12
    path = tmp_path / "far.svcmodel"
    write_model(path, model)
    pdf = tmp_path / "far.pdf"
    try:
        done = run("export", path, "--pdf", pdf)
    except subprocess.TimeoutExpired:
        pytest.fail("export of a component at x = 1e12 did not finish within 60 s")
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_box_index_answers_far_and_wide_queries_by_items():
    from PySide6.QtCore import QRectF

    from designer.printing.box_index import BoxIndex
    index = BoxIndex({"near": QRectF(0, 0, 180, 80), "far": QRectF(1e12, 0, 180, 80),
                      "wide": QRectF(-1e12, -1e12, 2e12, 2e12)})
    assert set(index.near(QRectF(-1e12, -1e12, 2.1e12, 2e12))) == {"near", "far", "wide"}
    assert set(index.near(QRectF(10, 10, 5, 5))) == {"near", "wide"}
    assert index.any_in(QRectF(1e12 + 1, 1, 2, 2), besides={"wide"})
    index.remove("wide")
    index.place("far", QRectF(500, 0, 180, 80))
    assert set(index.near(QRectF(-1e12, -1e12, 2e12, 2e12))) == {"near", "far"}
    assert not index.any_in(QRectF(1e11, 0, 1, 1))


# --- 4. control characters never reach the terminal ----------------------------------------

def nasty_pair(tmp_path) -> tuple[Path, Path]:
    model = load_template("luton")
    model.title = f"Title {NASTY}"
    model.components[0].name = f"Component {NASTY}"
    model.plan().name = f"Plan {NASTY}"
    model.plan().lots[0].name = f"Lot {NASTY}"
    model.funding_sources[0].name = f"Money {NASTY}"
    old = tmp_path / "old.svcmodel"
    write_model(old, model)
    model.components[1].name = f"Renamed {NASTY}"
    model.plan().lots[0].name = f"Lot renamed {NASTY}"
    new = tmp_path / "new.svcmodel"
    write_model(new, model)
    return old, new


def test_escape_controls_byte_for_byte():
    assert escape_controls("a\x1b[2Jb\u202ec\td\ne") == "a\\u001b[2Jb\\u202ec\td\ne"
    assert escape_controls("x\ny\r", keep_newlines=False) == "x\\u000ay\\u000d"
    assert escape_controls("\U000e0041") == "\\udb40\\udc41"
    assert escape_controls("Café – ‘Ünïcode’ العربية 中文 😀") == "Café – ‘Ünïcode’ العربية 中文 😀"
    assert json.loads(f'"{escape_controls(NASTY)}"') == NASTY  # the escapes are JSON's


@pytest.mark.parametrize("command", ["check", "diff"])
def test_check_and_diff_print_no_control_characters(tmp_path, command):
    """Through a real process, byte for byte as a terminal would receive them."""
    old, new = nasty_pair(tmp_path)
    done = run(command, old, *([new] if command == "diff" else []))
    assert done.returncode in (0, 1), done.stderr
    assert not FORBIDDEN.search(done.stdout), FORBIDDEN.search(done.stdout)
    assert done.stderr == b""
    text = done.stdout.decode("utf-8")
    assert "\\u001b[2J" in text and "\\u202e" in text  # visible, not acted on
    lines = text.splitlines()  # no line of the file's making fakes a total
    totals = [i for i, line in enumerate(lines) if re.match(r"\d+ errors?\b", line)]
    assert totals == ([len(lines) - 1] if command == "check" else [])


def printed(capsys, *args) -> tuple[int, bytes, bytes]:
    code = main([*map(str, args)])
    out, err = capsys.readouterr()
    return code, out.encode("utf-8"), err.encode("utf-8")


def test_json_output_is_escaped_and_keeps_the_names_exactly(tmp_path, capsys):
    old, new = nasty_pair(tmp_path)
    code, out, err = printed(capsys, "check", old, "--json")
    assert not FORBIDDEN.search(out) and err == b""
    assert json.loads(out)["findings"] == [f.to_json() for f in run_checks(read_model(old))]
    code, out, err = printed(capsys, "diff", old, new, "--json")
    assert code == 1 and not FORBIDDEN.search(out) and err == b""
    assert json.loads(out)["old"]["title"] == f"Title {NASTY}"  # the same string, escaped


def test_refusals_print_one_clean_line(tmp_path, capsys):
    bad = tmp_path / "bad.svcmodel"
    raw = json.loads(serialise(load_template("luton")))
    raw["components"][0]["kind"] = f"kind {NASTY}"
    raw[f"unknown {NASTY}"] = 1
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    for args in (["check", bad], ["diff", bad, bad], ["export", bad, "--pdf",
                                                      tmp_path / "x.pdf"]):
        code, out, err = printed(capsys, *args)
        assert code == 2 and out == b""
        assert err.count(b"\n") == 1, err
        assert not FORBIDDEN.search(err), err


def test_the_eml_subject_carries_no_control_characters():
    model = load_template("luton")
    model.title = f"Title {NASTY}"
    from models.share import share_subject
    eml = build_eml(b"{}", "m.svcmodel", None, "p.pdf", share_subject(model), "body")
    header = eml.split(b"\r\n\r\n", 1)[0]
    from email import message_from_bytes
    from email.header import decode_header, make_header
    subject = str(make_header(decode_header(message_from_bytes(eml)["Subject"])))
    subject = subject.replace("\r\n", "")  # unfolded
    assert subject.startswith("Service model: Title \\u001b[2J")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", subject)
    assert b"\x00" not in header and b"\x1b" not in header


# --- 5. lot codes that collide -------------------------------------------------------------

def swapped_codes():
    """Lot L1x coded "L2" and lot L2 coded "L1": the plan from the issue."""
    model = load_template("luton")
    plan = model.plan("three-lots")
    model.active_plan = plan.id
    first, second = plan.lots[0], plan.lots[1]
    first.id, first.code = "L1x", "L2"
    second.id, second.code = "L2", "L1"
    return model, first, second


def test_lot_code_duplicate_fires_on_a_code_that_is_another_lots_id():
    model, first, second = swapped_codes()
    found = [f for f in run_checks(model) if f.rule == "lot-code-duplicate"]
    assert [(f.severity, f.lot) for f in found] == [("error", "L1x")]
    assert "prints the code L2, which is the id of" in found[0].message
    assert second.name in found[0].message


def test_lot_code_duplicate_fires_on_two_lots_with_one_code():
    model = load_template("luton")
    plan = model.plan("three-lots")
    model.active_plan = plan.id
    plan.lots[2].code = plan.lots[0].code.lower() + " "  # "l1 " reads as L1 on paper
    found = [f for f in run_checks(model) if f.rule == "lot-code-duplicate"]
    assert len(found) == 1 and found[0].lot == plan.lots[2].id
    assert "both print the code L1" in found[0].message


@pytest.mark.parametrize("template", ["luton", "leicestershire"])
def test_lot_code_duplicate_stays_quiet_on_the_templates(template):
    model = load_template(template)
    for plan in model.lot_plans:
        assert not [f for f in run_checks(model, plan.id) if f.rule == "lot-code-duplicate"]


def test_export_lot_refuses_an_ambiguous_code_and_says_what_it_matched(tmp_path):
    model, first, second = swapped_codes()
    path = tmp_path / "swapped.svcmodel"
    write_model(path, model)
    pdf = tmp_path / "lot.pdf"
    done = run("export", path, "--pdf", pdf, "--lot", "L2")
    assert done.returncode == 2 and not pdf.exists()
    [line] = done.stderr.decode().splitlines()
    assert "--lot L2 could mean" in line and "id L1x, code L2" in line and "id L2, code L1" in line
    assert "lot-code-duplicate" in line

    done = run("export", path, "--pdf", pdf, "--lot", "L1")  # only L2's code: not ambiguous
    assert done.returncode == 0, done.stderr
    [said] = done.stderr.decode().splitlines()
    assert said == f"--lot L1: lot {second.name!r} (id L2, code L1)"
    assert pdf.exists()


# --- messages for broken text and runaway nesting -------------------------------------------

def refusal(data: bytes) -> str:
    with pytest.raises(ModelFileError) as raised:
        parse_model(data)
    return str(raised.value)


def test_a_lone_surrogate_is_worded():
    text = serialise(load_template("luton")).decode().replace('"title": "', '"title": "\\ud800', 1)
    message = refusal(text.encode())
    assert message.startswith("title: holds a broken character")
    assert "unable to parse" not in message


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 50_000,
                                  '{"format": "service-model", "version": 1, "x": ' + "[" * 5000,
                                  "[[]" * 50_000, "[1," * 50_000])
def test_unbalanced_deep_nesting_is_worded(text):
    message = refusal(text.encode())
    assert message == "the file nests data more than 16 levels deep; it is not a service model"


def test_shallow_unbalanced_brackets_still_say_where():
    assert "line 1, column 9" in refusal(b'{"a": [1}')


def test_commands_word_them_too(tmp_path):
    deep = tmp_path / "deep.svcmodel"
    deep.write_bytes(b"[" * 100_000)
    assert main(["check", str(deep)]) == 2
