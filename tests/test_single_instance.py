"""Single instance, with real processes: a second launch hands its files to the first."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A tiny app: the primary prints "primary", then each batch of paths it receives as a JSON
# line, and quits after the number of batches asked for; a secondary forwards its arguments.
LAUNCH = """
import json, os, sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QCoreApplication, QTimer
from designer.files.single_instance import SingleInstance

app = QCoreApplication([])
app_id, batches, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
instance = SingleInstance(app_id)
if instance.is_primary():
    received = []
    def show(paths):
        received.append(paths)
        print(json.dumps(paths), flush=True)
        if len(received) == batches:
            app.quit()
    instance.pathsReceived.connect(show)
    print("primary", flush=True)
    time.sleep(float(os.environ.get("SLOW_START", 0)))  # a slow first window, before exec()
    QTimer.singleShot(20000, app.quit)
    sys.exit(app.exec())
print("secondary", flush=True)
sys.exit(0 if instance.send_paths(paths) else 3)
"""


@pytest.fixture
def launch(tmp_path):
    script = tmp_path / "launch.py"
    script.write_text(LAUNCH.format(root=str(ROOT)), encoding="utf-8")
    app_id = f"smd-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    started = []

    def start(*paths, batches=1, slow_start=0):
        process = subprocess.Popen([sys.executable, str(script), app_id, str(batches), *paths],
                                   cwd=tmp_path, env={**env, "SLOW_START": str(slow_start)},
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, encoding="utf-8")
        started.append(process)
        return process

    start.app_id = app_id
    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def wait_for_primary(process):
    assert process.stdout.readline().strip() == "primary", process.stderr.read()


def finish(process):
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_second_launch_forwards_its_files_to_the_first(launch, tmp_path):
    primary = launch()
    wait_for_primary(primary)
    code, out, err = finish(launch("Luton plan.svcmodel", "Ærø – £ plan.svcmodel"))
    assert (code, out.strip()) == (0, "secondary"), err
    code, out, err = finish(primary)
    assert code == 0, err
    # Relative to the second launch's folder, made absolute: the primary's folder differs.
    assert json.loads(out.splitlines()[0]) == [str(tmp_path / "Luton plan.svcmodel"),
                                               str(tmp_path / "Ærø – £ plan.svcmodel")]


def test_each_later_launch_is_forwarded_even_without_files(launch, tmp_path):
    primary = launch(batches=3)
    wait_for_primary(primary)
    for paths in (["a.svcmodel"], [], ["b.svcmodel"]):
        code, out, err = finish(launch(*paths))
        assert code == 0, err
    code, out, err = finish(primary)
    assert [json.loads(line) for line in out.splitlines()] == [
        [str(tmp_path / "a.svcmodel")], [], [str(tmp_path / "b.svcmodel")]]


def test_a_slow_primary_still_gets_the_files(launch, tmp_path):
    primary = launch(slow_start=4)  # its event loop starts 4 s after it took the lock
    wait_for_primary(primary)
    code, out, err = finish(launch("slow.svcmodel"))
    assert code == 0, err
    code, out, err = finish(primary)
    assert json.loads(out.splitlines()[0]) == [str(tmp_path / "slow.svcmodel")]


def test_files_opened_together_end_up_in_one_app(launch, tmp_path):
    # Explorer starts one process per selected file, all at once.
    names = [f"model {i}.svcmodel" for i in range(4)]
    processes = [launch(name, batches=3) for name in names]
    results = [finish(p) for p in processes]
    primaries = [(p, out) for p, (code, out, err) in zip(processes, results)
                 if out.startswith("primary")]
    assert len(primaries) == 1, results
    primary, out = primaries[0]
    received = [path for line in out.splitlines()[1:] for path in json.loads(line)]
    assert sorted(received + [str(tmp_path / primary.args[-1])]) == \
        sorted(str(tmp_path / name) for name in names)
    assert all(code == 0 for code, _, _ in results), results


@pytest.mark.skipif(sys.platform == "win32", reason="a crash leaves a socket file on Unix only")
def test_a_crashed_primary_does_not_block_the_next_start(launch, tmp_path):
    crashed = launch()
    wait_for_primary(crashed)
    crashed.send_signal(signal.SIGKILL)
    crashed.wait()
    sockets = list(Path(tempfile.gettempdir()).glob(f"{launch.app_id}-*"))
    assert any(p.is_socket() for p in sockets)  # the stale server really is left behind

    primary = launch()
    wait_for_primary(primary)
    code, out, err = finish(launch("after crash.svcmodel"))
    assert code == 0, err
    code, out, err = finish(primary)
    assert json.loads(out.splitlines()[0]) == [str(tmp_path / "after crash.svcmodel")]


def test_the_primary_does_not_send_to_itself(qapp):
    from designer.files.single_instance import SingleInstance

    instance = SingleInstance(f"smd-test-{uuid.uuid4().hex[:8]}")
    assert instance.is_primary()
    assert instance.send_paths(["x.svcmodel"]) is False
