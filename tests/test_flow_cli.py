"""`python main.py flow FILE [--json] [--plan ID]`: the pinned demand and capacity command, run
as a user runs it, on a copy of the Luton template given figures in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import without_flow_figures

ROOT = Path(__file__).resolve().parent.parent
LUTON = ROOT / "resources" / "templates" / "luton.svcmodel"
REFERRALS = {"self": 700, "gp": 250, "hospital": 300, "custody": 150, "probation": 200,
             "prison": 120, "yp-ref": 90}
CAPACITY = {"hub": 1800, "clinical": 1450, "cj": 400, "recovery": 900, "rehab": 30}


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "flow", *map(str, args)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def luton_with_figures(tmp_path: Path, loop_share: float | None = 10) -> Path:
    raw = without_flow_figures(json.loads(LUTON.read_text(encoding="utf-8")))
    for c in raw["components"]:
        if c["id"] in REFERRALS:
            c["annual_referrals"] = REFERRALS[c["id"]]
        if c["id"] in CAPACITY:
            c.update(capacity=CAPACITY[c["id"]], episode_months=6, completion_percent=45)
    raw["pathways"].append({"source": "recovery", "target": "clinical",
                            **({"share_percent": loop_share} if loop_share is not None else {})})
    path = tmp_path / "luton.svcmodel"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_the_table_reads_as_a_commissioner_would_read_it(tmp_path):
    done = run(luton_with_figures(tmp_path))
    assert done.returncode == 0 and done.stderr == ""
    out = done.stdout
    assert "demand and capacity" in out and "People coming in a year: 1,810" in out
    assert "Residential rehab (spot purchase)" in out and "OVER" in out
    assert "The most people a year the system could carry" in out
    assert "Lot" in out and "Cohort" in out
    assert "capacity-below-demand" in out
    # The table fits a 120-column Windows console: the figures' headings take two lines.
    table = out[out.index("\nComponent"):].split("\n\n")[0]
    assert max(len(line) for line in table.splitlines()) <= 120
    assert "Cost per" in out and "completion" in out


def test_json_has_the_pinned_shape(tmp_path):
    done = run(luton_with_figures(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"components", "pathways", "bottlenecks", "findings"} <= set(data)
    pinned = {"id", "arrivals", "capacity", "utilisation_percent", "caseload", "completions",
              "unplanned_exits"}
    for row in data["components"]:
        assert pinned <= set(row)
    rows = {row["id"]: row for row in data["components"]}
    assert rows["self"]["arrivals"] == 700 and rows["rehab"]["capacity"] == 30
    assert rows["hub"]["caseload"] == pytest.approx(rows["hub"]["arrivals"] * 6 / 12)
    assert all({"source", "target", "people"} <= set(p) for p in data["pathways"])
    assert data["bottlenecks"][0] == "rehab"  # most over first
    utilisation = [rows[i]["utilisation_percent"] for i in data["bottlenecks"]]
    assert utilisation == sorted(utilisation, reverse=True)
    assert {f["rule"] for f in data["findings"]} == {"capacity-below-demand"}
    assert set(data["findings"][0]) >= {"rule", "severity", "message", "components", "lot"}


def test_a_loop_nobody_leaves_exits_1_with_null_arrivals(tmp_path):
    path = luton_with_figures(tmp_path, loop_share=None)
    raw = json.loads(path.read_text())
    raw["pathways"] = [p for p in raw["pathways"]
                       if not (p["source"] == "recovery" and p["target"] in ("ips", "done"))]
    raw["pathways"] = [p for p in raw["pathways"]
                       if not (p["source"] == "clinical" and p["target"] == "done")]
    path.write_text(json.dumps(raw))
    done = run(path, "--json")
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert "flow-loop" in {f["rule"] for f in data["findings"]}
    rows = {row["id"]: row for row in data["components"]}
    assert rows["recovery"]["arrivals"] is None and rows["clinical"]["arrivals"] is None


def test_a_model_without_figures_says_what_to_enter(tmp_path):
    bare = tmp_path / "bare.svcmodel"
    bare.write_text(json.dumps(without_flow_figures(json.loads(LUTON.read_text("utf-8")))))
    done = run(bare)
    assert done.returncode == 0 and "enter the people a year" in done.stdout


def test_refusals_are_one_clean_line(tmp_path):
    for args in ([tmp_path / "missing.svcmodel"], [LUTON, "--plan", "nope"]):
        done = run(*args)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    bad = tmp_path / "bad.svcmodel"
    raw = json.loads(LUTON.read_text())
    raw["components"][8]["annual_referrals"] = 12
    bad.write_text(json.dumps(raw))
    done = run(bad)
    assert done.returncode == 2 and "components[8].annual_referrals" in done.stderr
    assert "Traceback" not in done.stderr
