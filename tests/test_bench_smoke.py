"""The benchmarks cannot rot: the generator is deterministic and writes ordinary model files,
and `bench/run.py --quick` (N=100) runs every benchmark and prints every figure."""

import subprocess
import sys
from pathlib import Path

from models import read_model
from models.checks import run_checks

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, timeout=60):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_generator_is_deterministic_and_writes_ordinary_model_files(tmp_path):
    first, second = tmp_path / "a.svcmodel", tmp_path / "b.svcmodel"
    for out in (first, second):
        done = _run("bench/generate.py", "250", str(out))
        assert done.returncode == 0, done.stderr
        assert "250 components" in done.stdout
    assert first.read_bytes() == second.read_bytes()
    model = read_model(first)
    assert len(model.components) == 250
    assert len({c.id for c in model.components}) == 250
    assert len(model.lot_plans) == 3 and model.active_plan == "councils"
    councils = {c.id.split("-")[0] for c in model.components}
    assert len(councils) == 12  # 22 components per council, the last one cut short
    crossing = [p for p in model.pathways if p.source.split("-")[0] != p.target.split("-")[0]]
    assert crossing, "neighbouring councils are cross-linked"
    assert run_checks(model)  # real findings to report, not an empty model


def test_generator_seed_changes_the_model(tmp_path):
    a, b = tmp_path / "a.svcmodel", tmp_path / "b.svcmodel"
    assert _run("bench/generate.py", "100", str(a)).returncode == 0
    assert _run("bench/generate.py", "100", str(b), "--seed", "2").returncode == 0
    assert a.read_bytes() != b.read_bytes()


def test_generator_refuses_a_bad_size(tmp_path):
    done = _run("bench/generate.py", "0", str(tmp_path / "x.svcmodel"))
    assert done.returncode == 2
    assert "at least 1" in done.stderr
    assert "Traceback" not in done.stderr
    done = _run("bench/generate.py", "10", str(tmp_path / "no-such-folder" / "x.svcmodel"))
    assert done.returncode == 2
    assert "could not save" in done.stderr and "Traceback" not in done.stderr


def test_quick_benchmark_run_prints_every_figure(tmp_path):
    tables = tmp_path / "bench.md"
    done = _run("bench/run.py", "--quick", "--markdown", str(tables), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for figure in ("start to first paint (the example)", "peak memory (the example open)",
                   "load (read_model)", "save (write_model)", "coverage check (run_checks)",
                   "automatic layout", "scene build + first paint", "zoom step + paint at fit",
                   "drag: one move event", "PDF export of the lot pack"):
        assert figure in out, f"{figure!r} missing from:\n{out}"
    assert "vs json.loads" in out and "vs one plain BFS" in out and "vs bare QGraphicsScene" in out
    assert "did not finish" not in out and "failed" not in out
    assert "Traceback" not in done.stderr
    text = tables.read_text(encoding="utf-8")
    assert "### 100 components" in text and "| load (read_model)" in text
