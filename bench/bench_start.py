"""App start to first painted window, and peak memory with a model open, in fresh processes.

    python bench/bench_start.py app [FILE]    the designer, started the way main.py starts it
    python bench/bench_start.py bare [FILE]   a bare PySide6 QMainWindow (FILE read with json.loads)

The child prints one JSON line: the wall-clock time of its first painted frame (the canvas for
the designer, the window for the bare one), for the designer also the time its first check
finished (the window runs it just after the first paint), and its peak resident memory
(ru_maxrss).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from bench.timing import Result  # noqa: E402

START_RATIO_LIMIT = 1.5
CHILD_TIMEOUT = 240


def _child(mode: str, file: str | None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QGraphicsView, QMainWindow

    painted: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not painted:
                is_canvas = isinstance(obj.parent(), QGraphicsView)
                if (mode == "app" and is_canvas) or (mode == "bare" and isinstance(obj, QMainWindow)):
                    painted["at"] = time.time()
                    QTimer.singleShot(0, quit_when_checked)
            return False

    def quit_when_checked() -> None:
        if mode == "app":
            from designer.app import _WINDOWS

            if _WINDOWS and not _WINDOWS[0].doc.checked:
                QTimer.singleShot(5, quit_when_checked)  # the findings are not in yet
                return
        painted["checked"] = time.time()
        QApplication.instance().quit()

    app = QApplication(sys.argv[:1])
    watcher = FirstPaint()
    app.installEventFilter(watcher)
    if mode == "app":
        import main

        main.main([file] if file else [])
    else:
        data = json.loads(Path(file).read_bytes()) if file else None  # noqa: F841 (held)
        window = QMainWindow()
        window.setWindowTitle("Bare window")
        window.resize(1400, 900)
        window.show()
        app.exec()
    print(json.dumps({"painted": painted.get("at"), "checked": painted.get("checked"),
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    return 0


def isolated_env(home: Path) -> dict[str, str]:
    """Settings, data, caches and temporary files (the single-instance lock and socket) of
    the started app in `home`: never the user's, and never handed to an app already running."""
    folders = {name: home / name.lower() for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                                       "XDG_CACHE_HOME", "TMPDIR")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               # Bytecode, as an installed app has it (kept in `home`, not the checkout):
               # without it every start compiles the app's ~50 modules from source first.
               PYTHONPYCACHEPREFIX=str(home / "pycache"),
               **{name: str(folder) for name, folder in folders.items()})
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def start_once(mode: str, file: Path | None, home: Path) -> tuple[float, float]:
    """(seconds from launch to first paint, peak MB) of one child process; the seconds from
    launch to the first findings go to CHECKED."""
    env = isolated_env(home)
    command = [sys.executable, str(Path(__file__).resolve()), mode] + ([str(file)] if file else [])
    launched = time.time()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=CHILD_TIMEOUT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} start failed: {done.stderr.strip()[-300:]}")
    report = json.loads(lines[-1])
    if report["painted"] is None:
        raise RuntimeError(f"{mode} start never painted")
    if mode == "app" and report.get("checked"):
        CHECKED.append(report["checked"] - launched)
    return report["painted"] - launched, report["maxrss_mb"]


CHECKED: list[float] = []  # seconds from launch to the first findings, per designer start


def bench_start(size: int | str, file: Path | None, repeats: int, home: Path) -> list[Result]:
    """Start to first paint against a bare window (paired), and peak memory against it."""
    try:
        return _bench_start(size, file, repeats, home)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        message = str(e).splitlines()[-1] if str(e) else type(e).__name__
        return [Result(size, "start to first paint", note=f"skipped: failed ({message})")]


def _bench_start(size: int | str, file: Path | None, repeats: int, home: Path) -> list[Result]:
    ours, bare, ratios, our_mb, bare_mb = [], [], [], [], []
    CHECKED.clear()
    if not (home / "pycache").is_dir():
        start_once("app", None, home)  # not timed: writes the bytecode (see isolated_env)
    for _ in range(repeats):
        s, s_mb = start_once("app", file, home)
        b, b_mb = start_once("bare", file, home)
        ours.append(s)
        bare.append(b)
        ratios.append(s / b)
        our_mb.append(s_mb)
        bare_mb.append(b_mb)
    r = statistics.median(ratios)
    what = "the example" if file is None else "this model"
    limit = f"<= {START_RATIO_LIMIT:g}x" if file is None else ""
    mb, base_mb = statistics.median(our_mb), statistics.median(bare_mb)
    return [
        Result(size, f"start to first paint ({what})", statistics.median(ours),
               "bare QMainWindow", statistics.median(bare), r, limit,
               (r <= START_RATIO_LIMIT) if file is None else None,
               note="fresh process each" + ("" if file is None else "; bare also json.loads"
                                            " the file")),
        Result(size, f"  first findings shown ({what})",
               statistics.median(CHECKED[-repeats:]) if CHECKED else None,
               note="the first check runs just after the first paint"),
        Result(size, f"peak memory ({what} open)", value=mb, unit="MB",
               baseline="bare QMainWindow", ratio=mb / base_mb,
               note=f"ru_maxrss; bare window {base_mb:.0f} MB"),
    ]


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
