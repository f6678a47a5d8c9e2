"""Every benchmark of issue 7 in one command, with no display needed.

    python bench/run.py                      sizes 100, 1,000, 5,000 and 10,000
    python bench/run.py --sizes 1000,5000    chosen sizes
    python bench/run.py --quick              N=100, fewest repeats: the smoke test's run
    python bench/run.py --markdown OUT.md    also write the result tables as Markdown

Every figure is printed beside a baseline measured in the same run on the same data, with the
ratio between them (the median of per-pair ratios): the machine is shared, so ratios are what
to compare across runs and machines. Models come from bench/generate.py (seed 1).

The domain benchmarks run in this process. The canvas and the PDF export run in a child
process per size with a time limit, and the app start in fresh processes, so one slow part
cannot keep the whole run past ten minutes: what does not finish is reported as such.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_domain, bench_start  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.timing import Result, skipped  # noqa: E402
from models.fileio import write_model  # noqa: E402

SIZES = (100, 1000, 5000, 10000)
RUN_BUDGET = 540.0  # seconds for the whole run: ten minutes with a margin
PART_LIMIT = {"canvas": 180.0, "pdf": 60.0}  # seconds for one part at one size
SLOW_AFTER = 5.0  # one run slower than this is measured once instead of repeated
REBUILD_AGAIN_LIMIT = 20.0  # a scene build slower than this is not built again (drag, start)
SKIP_LARGER_AFTER = 30.0  # a part this slow at one size is skipped at larger sizes
RESULT = "RESULT "  # how a child process hands a result to the parent on stdout


def repeats_for(size: int, quick: bool) -> tuple[int, int]:
    """(repeats for fast domain work, repeats for slow Qt work) at this size."""
    if quick:
        return 3, 1
    return {100: (15, 5), 1000: (9, 3), 5000: (7, 3)}.get(size, (7, 2))


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip()
                   for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        memory = f", {kb / 1048576:.0f} GB memory"
    except (OSError, StopIteration, ValueError):
        pass
    import PySide6
    import pydantic

    return [f"{os.cpu_count()} cores ({cpu}){memory}, load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at start",
            f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, "
            f"pydantic {pydantic.VERSION}, {platform.system()} {platform.release()}"]


# --- parts run in a child process ----------------------------------------------------------

def emit(results: list[Result]) -> None:
    for r in results:
        print(RESULT + json.dumps(dataclasses.asdict(r)), flush=True)


def slow_after(repeats: int) -> float:
    # With one repeat asked for, the first run is the figure whatever it takes.
    return SLOW_AFTER if repeats > 1 else 0.0


def part_canvas(size: int, path: Path, repeats: int, peer: bool) -> None:
    from bench import bench_canvas
    from models.fileio import read_model

    bench_canvas.application()
    model = read_model(path)
    results, first_build = bench_canvas.bench_scene(size, model, repeats, slow_after(repeats))
    emit(results)
    if first_build > REBUILD_AGAIN_LIMIT:
        emit([skipped(size, "drag, NodeGraphQt", f"each builds the scene again, which took "
                                                 f"{first_build:.0f} s here")])
        return
    emit(bench_canvas.bench_drag(size, model))
    missing = bench_canvas.nodegraphqt_missing() if peer else "not asked for"
    if missing:
        emit([skipped(size, "NodeGraphQt peer", missing)])
    elif size > bench_canvas.NODEGRAPHQT_MAX:
        emit([skipped(size, "NodeGraphQt peer", f"above {bench_canvas.NODEGRAPHQT_MAX:,} "
                                                "components it takes too long for this run")])
    else:
        emit(bench_canvas.bench_nodegraphqt(size, model, repeats, slow_after(repeats)))


def part_pdf(size: int, path: Path, repeats: int) -> None:
    from bench import bench_canvas, bench_pdf
    from models.fileio import read_model

    bench_canvas.application()
    results, _ = bench_pdf.bench_pdf(size, read_model(path), path.parent, repeats,
                                     slow_after(repeats))
    emit(results)


def run_part(part: str, size: int, path: Path, repeats: int, peer: bool,
             limit: float, config_home: Path) -> tuple[list[Result], bool]:
    """Run a part in a child process, printing its results as they come; returns them and
    whether it finished within `limit` seconds (it is stopped there)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--part", part,
               "--size", str(size), "--model", str(path), "--repeats", str(repeats)]
    if not peer:
        command.append("--no-peer")
    deadline = time.monotonic() + limit
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             env=bench_start.isolated_env(config_home))
    results: list[Result] = []
    with selectors.DefaultSelector() as waiting:
        waiting.register(child.stdout, selectors.EVENT_READ)
        finished = False
        while time.monotonic() < deadline:
            if not waiting.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = child.stdout.readline()
            if not line:  # the child closed its output: it is done
                finished = True
                break
            if line.startswith(RESULT):
                result = Result(**json.loads(line[len(RESULT):]))
                print(result.line(), flush=True)
                results.append(result)
    if not finished:
        child.kill()
    code = child.wait()
    child.stdout.close()
    if not finished:
        extra = skipped(size, f"rest of the {part} benchmarks",
                        f"did not finish within {limit:.0f} s")
    elif code != 0:
        extra = skipped(size, f"the {part} benchmarks", f"failed (exit status {code}), "
                                                        "see the messages above")
    else:
        return results, True
    print(extra.line(), flush=True)
    return results + [extra], False


# --- the whole run -------------------------------------------------------------------------

def run(sizes: list[int], quick: bool, with_peer: bool) -> list[Result]:
    from bench import bench_canvas, bench_pdf

    started = time.perf_counter()
    results: list[Result] = []

    def report(new: list[Result], printed: bool = False) -> None:
        if not printed:
            for r in new:
                print(r.line(), flush=True)
        results.extend(new)

    def remaining() -> float:
        return RUN_BUDGET - (time.perf_counter() - started)

    folder = Path(tempfile.mkdtemp(prefix="svcmodel-bench-"))
    config_home = folder / "home"  # the started app's settings and files, not the user's
    canvas_missing = bench_canvas.canvas_missing()
    pdf_missing = bench_pdf.pdf_missing()
    too_slow = {"canvas": canvas_missing or "", "pdf": pdf_missing or ""}

    print("\n== the built-in example (Leicestershire) ==", flush=True)
    if canvas_missing:
        report([skipped("example", "start to first paint", canvas_missing)])
    else:
        report(bench_start.bench_start("example", None, 1 if quick else 5, config_home))

    for size in sizes:
        fast, slow = repeats_for(size, quick)
        path = folder / f"model-{size}.svcmodel"
        generated = time.perf_counter()
        data = write_model(path, generate(size), keep_backup=False)
        case = bench_domain.load_case(size, path, folder)
        print(f"\n== {size:,} components: {len(case.model.pathways):,} pathways, "
              f"{sum(len(p.lots) for p in case.model.lot_plans)} lots in "
              f"{len(case.model.lot_plans)} plans, {len(data) / 1048576:.1f} MB file "
              f"(generated in {time.perf_counter() - generated:.1f} s) ==", flush=True)
        for bench in (bench_domain.bench_load, bench_domain.bench_save,
                      bench_domain.bench_checks, bench_domain.bench_flow,
                      bench_domain.bench_layout):
            report(bench(case, fast))

        scene_built_quickly = False
        for part in ("canvas", "pdf"):
            label = "canvas scene, zoom, drag" if part == "canvas" else "PDF export"
            limit = min(PART_LIMIT[part], remaining() - 30)
            if too_slow[part]:
                report([skipped(size, label, too_slow[part])])
                continue
            if limit < 20:
                report([skipped(size, label, "the ten-minute budget of the run is spent")])
                continue
            part_started = time.perf_counter()
            new, finished = run_part(part, size, path, slow, with_peer, limit, config_home)
            report(new, printed=True)
            took = time.perf_counter() - part_started
            first = next((r.seconds for r in new if r.name.startswith("scene build")), None)
            failed = any(r.note.startswith("skipped: failed") for r in new)
            if part == "canvas":
                scene_built_quickly = finished and first is not None \
                    and first <= REBUILD_AGAIN_LIMIT
                slow_part = not finished or first is None or first > SKIP_LARGER_AFTER
            else:
                slow_part = not finished or took > SKIP_LARGER_AFTER * 2
            if failed:
                too_slow[part] = f"it failed at {size:,} components (see above)"
            elif slow_part:
                too_slow[part] = f"it took too long at {size:,} components (see above)"

        if quick:
            pass  # the smoke test has seen the app start with the example already
        elif not scene_built_quickly:
            report([skipped(size, "start with this model", "the scene build is too slow, "
                                                           "or was not measured")])
        elif remaining() < 60:
            report([skipped(size, "start with this model", "the ten-minute budget is spent")])
        else:
            report(bench_start.bench_start(size, path, 1, config_home))
    return results


def markdown(results: list[Result], header: list[str], command: str, seconds: float) -> str:
    lines = ["Machine: " + header[0] + ".", "", header[1] + ".", "",
             f"Command: `{command}` (took {seconds / 60:.1f} minutes).", ""]
    groups: dict[int | str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.size, []).append(r)
    for size, rows in groups.items():
        title = "The built-in example" if size == "example" else f"{size:,} components"
        lines += [f"### {title}", "",
                  "| What | Figure | Baseline | Baseline figure | Ratio | Target |",
                  "|---|---:|---|---:|---:|---|"]
        for r in rows:
            ratio = f"{r.ratio:.1f}x" if r.ratio is not None else ""
            note = f" ({r.note})" if r.note else ""
            lines.append(f"| {r.name.strip()}{note} | {r.figure()} | {r.baseline} | "
                         f"{r.baseline_figure() if r.baseline else ''} | {ratio} | "
                         f"{r.verdict() if r.target else ''} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks of issue 7.")
    parser.add_argument("--sizes", help="comma-separated component counts "
                                        f"(default {','.join(map(str, SIZES))})")
    parser.add_argument("--quick", action="store_true",
                        help="N=100 and the fewest repeats: checks the benchmarks still run")
    parser.add_argument("--no-peer", action="store_true", help="leave out NodeGraphQt")
    parser.add_argument("--markdown", help="also write the result tables to this file")
    # Used by the run itself to measure a part in a child process:
    parser.add_argument("--part", choices=("canvas", "pdf"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=1, help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.part:
        if opts.part == "canvas":
            part_canvas(opts.size, Path(opts.model), opts.repeats, not opts.no_peer)
        else:
            part_pdf(opts.size, Path(opts.model), opts.repeats)
        return 0
    try:
        sizes = [int(s.replace("_", "")) for s in opts.sizes.split(",")] if opts.sizes else \
            ([100] if opts.quick else list(SIZES))
    except ValueError:
        parser.error(f"--sizes {opts.sizes}: give whole numbers separated by commas")
    if any(s < 1 for s in sizes):
        parser.error("--sizes: every size must be at least 1")
    started = time.perf_counter()
    header = machine()
    print("\n".join(header))
    print("each line: what, figure, ratio to the baseline, the baseline and its figure, target")
    results = run(sizes, opts.quick, with_peer=not (opts.no_peer or opts.quick))
    seconds = time.perf_counter() - started
    missed = [r for r in results if r.met is False]
    print(f"\n{len(results)} lines in {seconds:.0f} s; targets met: "
          f"{sum(r.met is True for r in results)}, missed: {len(missed)}")
    for r in missed:
        print(f"  MISSED at {r.size}: {r.name.strip()} {r.figure()} ({r.verdict()})")
    if opts.markdown:
        command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
        Path(opts.markdown).write_text(markdown(results, header, command.strip(), seconds),
                                       encoding="utf-8")
        print(f"wrote {opts.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
