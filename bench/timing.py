"""Timing and reporting shared by the benchmarks.

The machine is shared and noisy, so a figure is never judged alone: each is measured next to
a baseline doing comparable plain work on the same data, the two alternate, and the ratio
reported is the median of the per-pair ratios (a burst of load from elsewhere hits both).
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Callable


def once(func: Callable[[], object]) -> float:
    """Seconds for one call, with the garbage collector held off as timeit does. What the
    call returns is freed after the clock stops: freeing a large model is not loading it."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
        del result
        return seconds
    finally:
        gc.enable()


def timed(func: Callable[[], object], repeats: int) -> float:
    return statistics.median(once(func) for _ in range(repeats))


def paired(subject: Callable[[], object], baseline: Callable[[], object],
           repeats: int) -> tuple[float, float, float]:
    """(median subject seconds, median baseline seconds, median of the per-pair ratios)."""
    subject_times, baseline_times, ratios = [], [], []
    for i in range(repeats):
        if i % 2:  # alternate who goes first, so neither always gets the warm cache
            b, s = once(baseline), once(subject)
        else:
            s, b = once(subject), once(baseline)
        subject_times.append(s)
        baseline_times.append(b)
        ratios.append(s / b if b > 0 else float("inf"))
    return (statistics.median(subject_times), statistics.median(baseline_times),
            statistics.median(ratios))


@dataclass
class Result:
    size: int | str  # components, or "example" for the built-in template
    name: str
    seconds: float | None = None  # None: the figure is not a time (see value/unit)
    baseline: str = ""
    baseline_seconds: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None  # None: no target at this size
    note: str = ""
    value: float | None = None  # for figures that are not times, e.g. megabytes
    unit: str = ""

    def figure(self) -> str:
        if self.seconds is not None:
            return duration(self.seconds)
        if self.value is not None:
            return f"{self.value:,.0f} {self.unit}"
        return "-"

    def baseline_figure(self) -> str:
        if self.baseline_seconds is not None:
            return duration(self.baseline_seconds)
        if self.baseline and self.value is not None and self.ratio:
            return f"{self.value / self.ratio:,.0f} {self.unit}"
        return "-"

    def verdict(self) -> str:
        if self.met is None:
            return self.target
        return f"{self.target}: {'met' if self.met else 'MISSED'}"

    def line(self) -> str:
        ratio = f"{self.ratio:6.1f}x" if self.ratio is not None else "      -"
        base = f"{self.baseline} {self.baseline_figure()}" if self.baseline else ""
        text = f"  {self.name:34} {self.figure():>10}  {ratio}  vs {base:40}" if base else \
            f"  {self.name:34} {self.figure():>10}  {ratio}  {'':43}"
        extra = "  ".join(part for part in (self.verdict(), self.note) if part)
        return (text + "  " + extra).rstrip()


def duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1e3:.0f} ms"
    return f"{seconds * 1e3:.2f} ms"


def skipped(size: int | str, name: str, why: str) -> Result:
    return Result(size, name, note=f"skipped: {why}")
