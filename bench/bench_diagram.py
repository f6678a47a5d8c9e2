"""How readable the printed overview is (issue 17), against Graphviz dot when it is installed.

    python bench/bench_diagram.py                 both templates and generated 50, 100, 200
    python bench/bench_diagram.py --sizes 100     chosen generated sizes
    python bench/bench_diagram.py --markdown OUT.md

For each model, `main.py export MODEL --geometry` is run and its first page (the A4 landscape
overview) measured with models/diagram_measures.py: pairs of crossing arrows, arrows passing
under a box not their own, labels over a box or another label, labels over other arrows, the
smallest name size. The templates print as shipped (their stored positions); generated models
(bench/generate.py, seed 1) have their positions removed, so the automatic layout places them
as a user's Automatic Layout would. Routing time is models.routing.route_pathways alone on the
printed boxes (median of 5). Dot gets the same graph, boxes of the same size and the same
label sizes; its splines are sampled 2 units apart and measured the same way, and its name
size is ours scaled by how much smaller its drawing must print to fit the same area.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_dict  # noqa: E402
from models.diagram_measures import (arrows_under_boxes, crossings, label_overlaps,  # noqa: E402
                                     labels_over_arrows, measure)
from models.fileio import read_model  # noqa: E402
from models.geometry import BOX_H, BOX_W  # noqa: E402
from models.routing import route_pathways  # noqa: E402

TEMPLATES = ("luton", "leicestershire")
SIZES = (50, 100, 200)
COLUMNS = ("model", "drawn by", "crossings", "arrows under boxes", "label overlaps",
           "labels over arrows", "name size (pt)", "routing (ms)")


def export_geometry(model_path: Path, out: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(model_path),
                    "--geometry", str(out)], check=True, env=env, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


def routing_ms(model_path: Path, page: dict) -> float:
    """route_pathways on the overview's boxes (page points), median of 5 runs."""
    model = read_model(model_path)
    boxes = {b["id"]: (b["x"], b["y"], b["width"], b["height"]) for b in page["boxes"]}
    ends = [(p.id, p.source, p.target) for p in model.pathways]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        route_pathways(boxes, ends)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _bezier(points: list[tuple[float, float]], step: float = 2.0) -> list[tuple[float, float]]:
    out = [points[0]]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i:i + 4]
        length = sum(((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5
                     for a, b in ((p0, p1), (p1, p2), (p2, p3)))
        n = max(2, int(length / step) + 1)
        for k in range(1, n + 1):
            t = k / n
            u = 1 - t
            out.append(tuple(u ** 3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t ** 3 * d
                             for a, b, c, d in zip(p0, p1, p2, p3)))
    return out


def dot_page(model_path: Path, label_sizes: dict[str, tuple[float, float]]) -> dict | None:
    """The same graph drawn by dot (left to right, boxes 212 x 72, labels of our sizes), as a
    page of the geometry format in scene units; None when dot is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    model = read_model(model_path)
    lines = ["digraph g {", "rankdir=LR; nodesep=0.5; ranksep=0.6;",
             f"node [shape=box, fixedsize=true, width={BOX_W / 72}, height={BOX_H / 72}, "
             "label=\"\"];"]
    for n, c in enumerate(model.components):
        lines.append(f"n{n} [id=\"{n}\"];")
    index = {c.id: n for n, c in enumerate(model.components)}
    for p in model.pathways:
        if p.source == p.target:
            continue
        attrs = ""
        if p.id in label_sizes:
            w, h = label_sizes[p.id]
            attrs = f" [label=\"{'M' * max(1, round(w / 9))}\", fontsize={h * 0.8:.1f}]"
        lines.append(f"n{index[p.source]} -> n{index[p.target]}{attrs};")
    lines.append("}")
    plain = subprocess.run([dot, "-Tplain"], input="\n".join(lines), capture_output=True,
                           text=True, check=True).stdout.split("\n")
    height = float(plain[0].split()[3]) * 72
    ids = [c.id for c in model.components]
    boxes, arrows, labels = [], [], []
    for line in plain:
        parts = line.split()
        if parts and parts[0] == "node":
            x, y = float(parts[2]) * 72, height - float(parts[3]) * 72
            boxes.append({"id": ids[int(parts[1][1:])], "x": x - BOX_W / 2, "y": y - BOX_H / 2,
                          "width": BOX_W, "height": BOX_H})
        elif parts and parts[0] == "edge":
            n = int(parts[3])
            pts = [(float(parts[4 + 2 * i]) * 72, height - float(parts[5 + 2 * i]) * 72)
                   for i in range(n)]
            s, t = ids[int(parts[1][1:])], ids[int(parts[2][1:])]
            arrows.append({"source": s, "target": t, "points": _bezier(pts)})
            rest = parts[4 + 2 * n:]
            if len(rest) > 3:  # label text, x, y, style, colour
                lx, ly = float(rest[1]) * 72, height - float(rest[2]) * 72
                pid = next(p.id for p in model.pathways if (p.source, p.target) == (s, t))
                w, h = label_sizes.get(pid, (0, 0))
                labels.append({"source": s, "target": t, "text": "", "x": lx - w / 2,
                               "y": ly - h / 2, "width": w, "height": h})
    return {"boxes": boxes, "arrows": arrows, "labels": labels}


def _extent(page: dict) -> tuple[float, float]:
    xs = [b["x"] for b in page["boxes"]] + [b["x"] + b["width"] for b in page["boxes"]]
    ys = [b["y"] for b in page["boxes"]] + [b["y"] + b["height"] for b in page["boxes"]]
    for a in page["arrows"]:
        xs += [p[0] for p in a["points"]]
        ys += [p[1] for p in a["points"]]
    return max(xs) - min(xs), max(ys) - min(ys)


def bench_model(name: str, model_path: Path, work: Path) -> list[list[str]]:
    geometry = export_geometry(model_path, work / f"{name}.json")
    page = geometry["pages"][0]
    ours = measure(page)
    rows = [[name, "the app", str(ours["crossings"]), str(ours["arrows_under_boxes"]),
             str(ours["label_overlaps"]), str(ours["labels_over_arrows"]),
             f"{ours['name_size_pt']:.1f}", f"{routing_ms(model_path, page):.0f}"]]
    scale = page["boxes"][0]["width"] / BOX_W  # points per scene unit on our page
    sizes = {}
    model = read_model(model_path)
    by_ends = {(p.source, p.target): p.id for p in model.pathways}
    for label in page["labels"]:
        pid = by_ends.get((label["source"], label["target"]))
        if pid:
            sizes[pid] = (label["width"] / scale, label["height"] / scale)
    dot = dot_page(model_path, sizes)
    if dot is None:
        rows.append([name, "Graphviz dot", "not installed", "", "", "", "", ""])
        return rows
    ow, oh = _extent(page)  # points
    dw, dh = _extent(dot)  # scene units
    # dot's drawing printed in the area ours takes: its names shrink (or grow) with it
    dot_scale = min(ow / dw, oh / dh)
    rows.append([name, "Graphviz dot", str(crossings(dot["arrows"])),
                 str(arrows_under_boxes(dot["arrows"], dot["boxes"])),
                 str(label_overlaps(dot["labels"], dot["boxes"])),
                 str(labels_over_arrows(dot["labels"], dot["arrows"])),
                 f"{ours['name_size_pt'] * dot_scale / scale:.1f}", ""])
    return rows


def run(sizes: list[int]) -> list[list[str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for template in TEMPLATES:
            rows += bench_model(template, ROOT / "resources" / "templates"
                                / f"{template}.svcmodel", work)
        for size in sizes:
            data = generate_dict(size)
            for c in data["components"]:
                c.pop("position", None)  # placed by the automatic layout
            path = work / f"generated-{size}.svcmodel"
            path.write_text(json.dumps(data), encoding="utf-8")
            rows += bench_model(f"generated {size}", path, work)
    return rows


def table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Diagram readability against Graphviz dot.")
    parser.add_argument("--sizes", help="comma-separated generated model sizes (50,100,200)")
    parser.add_argument("--markdown", help="also write the table to this file")
    opts = parser.parse_args(argv)
    sizes = [int(s) for s in opts.sizes.split(",")] if opts.sizes else list(SIZES)
    text = table(run(sizes))
    print(text)
    if opts.markdown:
        Path(opts.markdown).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
