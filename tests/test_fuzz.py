"""A seeded mutation fuzzer: `check`, `diff` and `export` on damaged and hostile model files
give one clean line on stderr (exit 2) or a result, never a traceback, a hidden bug ("unexpected
problem") or a hang.

The CI budget is small (FUZZ_DEFAULT files). For a real run: SMD_FUZZ=5000 (and SMD_FUZZ_SEED
to vary the seed); docs/reliability.md records the figures of such a run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from main import main
from models import serialise
from models.templates import load_template

ROOT = Path(__file__).resolve().parent.parent
FUZZ_DEFAULT = 200
BUDGET = int(os.environ.get("SMD_FUZZ", FUZZ_DEFAULT))
SEED = int(os.environ.get("SMD_FUZZ_SEED", 13))
EXPORT_EVERY = 25  # a PDF pack takes a good part of a second: only every 25th file
CALL_SECONDS = 60  # far beyond any real answer: anything slower counts as a hang

# Tokens a hostile or broken file holds, spliced in at random places.
TOKENS = [b"NaN", b"Infinity", b"-1e400", b"1e400", b"1e12", b"-1e12", b"1" * 5000,
          b"\x00", b"\xef\xbb\xbf", b"\xff", b"\\ud800", b"\\u0000", b"\x1b[2J",
          "\u202e".encode(), b"[" * 3000, b"]" * 50, b"{" * 3000, b'"x": 1, "x": 2',
          b"\r\n", b"true", b"null", b'""', b"[]", b"{}", b",", b":", b'"',
          b'"<img src=x.png><b>b</b>"', ("x" * 100_000).encode(), b"-0", b"0.1e-400"]
VALUES = [None, True, False, 0, -1, 1e12, -1e12, 1e300, 2**70, "", "x" * 20_000, [], {},
          "<b>b</b>", "\x1b]0;t\x07", "\u202e", "L1", "2024-13-45", "#zzzzzz", [[[[1]]]],
          {"a": 1}, "three-lots", "alliance", "adult_treatment"]


def _nodes(node, path=()):
    """Every (parent, key) of a parsed JSON document."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield node, key
            yield from _nodes(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield node, i
            yield from _nodes(child, (*path, i))


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(data) + 1)
        kind = rng.randrange(5)
        if kind == 0 and data:  # flip a byte
            data[min(where, len(data) - 1)] = rng.randrange(256)
        elif kind == 1:  # cut short
            del data[where:]
        elif kind == 2:  # splice a token
            data[where:where] = rng.choice(TOKENS)
        elif kind == 3 and data:  # drop a run
            del data[where:where + rng.randint(1, 200)]
        else:  # repeat a run
            data[where:where] = data[where:where + rng.randint(1, 2000)]
        if not data:
            break
    return bytes(data)


def mutate_json(data: bytes, rng: random.Random) -> bytes:
    """Valid JSON, wrong in meaning: values replaced, keys dropped, entries repeated."""
    doc = json.loads(data)
    for _ in range(rng.randint(1, 3)):
        parent, key = rng.choice(list(_nodes(doc)))
        action = rng.randrange(4)
        if action == 0:
            parent[key] = rng.choice(VALUES)
        elif action == 1:
            del parent[key]
        elif action == 2 and isinstance(parent, list):
            parent.insert(key, parent[key])  # a duplicate entry (duplicate ids)
        elif isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
            parent[key] = rng.choice([1e12, -1e12, 0, 1e11 + 0.5])
        else:
            parent[key] = rng.choice(VALUES)
    return json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode()


def seeds() -> list[bytes]:
    model = load_template("luton")
    model.active_plan = "three-lots"
    return [serialise(model), serialise(load_template("leicestershire"))]


class Hang(Exception):
    pass


@contextmanager
def deadline(seconds: int):
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hang(*_):
        raise Hang(f"no answer within {seconds} s")
    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean(code: int, out: str, err: str, what: str) -> bool:
    """True when the command read the file; else it refused it in one clean line."""
    assert "Traceback" not in out + err, what
    assert "unexpected problem" not in err, f"{what}: {err}"  # main's catch-all: a bug
    if code == 2:
        assert out == "" and err.count("\n") == 1 and err.startswith("error: "), f"{what}: {err!r}"
        return False
    assert code in (0, 1), f"{what}: exit {code}"
    return True


def run_in_process(capsys, args: list[str], what: str) -> bool:
    with deadline(CALL_SECONDS):
        code = main(args)
    captured = capsys.readouterr()
    return assert_clean(code, captured.out, captured.err, what)


def test_mutated_files_give_a_result_or_one_clean_line(tmp_path, capsys):
    rng = random.Random(SEED)
    originals = seeds()
    base = tmp_path / "original.svcmodel"
    base.write_bytes(originals[0])
    loaded = exported = 0
    for n in range(BUDGET):
        original = rng.choice(originals)
        data = (mutate_json if rng.random() < 0.5 else mutate_bytes)(original, rng)
        path = tmp_path / f"m{n}.svcmodel"
        path.write_bytes(data)
        what = f"mutation {n} (seed {SEED}), kept as {path}"
        read = run_in_process(capsys, ["check", str(path)], f"check {what}")
        run_in_process(capsys, ["diff", str(base), str(path)], f"diff {what}")
        loaded += read
        if read and loaded % EXPORT_EVERY == 1:
            out = tmp_path / f"m{n}.pdf"
            run_in_process(capsys, ["export", str(path), "--pdf", str(out), "--csv",
                                    str(tmp_path / f"m{n}.csv")], f"export {what}")
            exported += 1
        path.unlink()
    print(f"fuzz: {BUDGET} files, seed {SEED}: {loaded} loaded, {BUDGET - loaded} refused, "
          f"{exported} exported")
    assert loaded and exported  # the mix reaches the checks and the printing, not only the parser


def test_mutated_files_through_the_command_line(tmp_path):
    """A few through a real process, as a script runs them: exit codes, streams, timeouts."""
    rng = random.Random(SEED + 1)
    originals = seeds()
    base = tmp_path / "original.svcmodel"
    base.write_bytes(originals[0])
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONIOENCODING"] = "utf-8"
    for n in range(2):
        path = tmp_path / f"m{n}.svcmodel"
        path.write_bytes(mutate_bytes(rng.choice(originals), rng))
        export = [["export", path, "--pdf", tmp_path / f"m{n}.pdf"]] if n == 0 else []
        for args in (["check", path], ["diff", base, path], *export):
            try:
                done = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                                      capture_output=True, text=True, encoding="utf-8",
                                      env=env, timeout=CALL_SECONDS)
            except subprocess.TimeoutExpired:
                pytest.fail(f"{args[0]} on mutation {n} hung")
            assert_clean(done.returncode, done.stdout if done.returncode == 2 else "",
                         done.stderr, f"{args[0]} on mutation {n}")
