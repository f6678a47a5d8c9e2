"""The frozen one-folder app (PyInstaller) runs `check` on both templates from its own folder.

The build takes about 30 s on 2 cores, so those tests are opt-in: SMD_FROZEN_TEST=1 (CI sets it)
with the `build` extra installed (pip install -e ".[build]"); packaging/smoke_test.sh does the
same. The checks that the installer script and the spec agree always run.
"""

import importlib.util
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PACKAGING = ROOT / "packaging"
ISS = (PACKAGING / "installer.iss").read_text("utf-8")


def test_installer_registers_the_association_per_user():
    for line in ["PrivilegesRequired=lowest", "PrivilegesRequiredOverridesAllowed=dialog",
                 "ChangesAssociations=yes", "DefaultDirName={autopf}\\{#AppName}",
                 "SetupIconFile=..\\resources\\icons\\app.ico"]:
        assert line in ISS.splitlines(), line
    registry = [line for line in ISS.splitlines() if line.startswith("Root: HKA;")]
    subkeys = {re.search(r'Subkey: "([^"]+)"', line).group(1): line for line in registry}
    assert "uninsdeletekey" in subkeys["Software\\Classes\\.svcmodel"]
    assert "uninsdeletekey" in subkeys["Software\\Classes\\{#ProgId}"]
    assert '""%1""' in subkeys["Software\\Classes\\{#ProgId}\\shell\\open\\command"]
    assert "Software\\Classes\\{#ProgId}\\DefaultIcon" in subkeys
    assert "upx" not in ISS.lower()


def test_installer_packs_what_the_spec_builds():
    spec = (PACKAGING / "service_model_designer.spec").read_text("utf-8")
    app = re.search(r'^APP = "([^"]+)"', spec, re.M).group(1)
    cli = re.search(r'^CLI = "([^"]+)"', spec, re.M).group(1)
    assert f'#define AppExe "{app}.exe"' in ISS
    assert f'#define CliExe "{cli}.exe"' in ISS
    assert f'#define DistDir "..\\dist\\{app}"' in ISS
    assert "upx=True" not in spec.replace(" ", "")


def test_app_icon_holds_the_windows_sizes():
    ico = (ROOT / "resources" / "icons" / "app.ico").read_bytes()
    assert len(ico) < 100 * 1024
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1)
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert sizes == {16, 32, 48, 256}


needs_build = pytest.mark.skipif(
    os.environ.get("SMD_FROZEN_TEST") != "1" or importlib.util.find_spec("PyInstaller") is None,
    reason='set SMD_FROZEN_TEST=1, with the build extra (pip install -e ".[build]")')


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("smd_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app_folder(build, tmp_path_factory):
    base = tmp_path_factory.mktemp("frozen")
    return build.build_folder(base / "dist", base / "work")


@pytest.mark.parametrize("exe", ["service-model-designer", "smd-cli"])
@pytest.mark.parametrize("template", ["leicestershire", "luton"])
@needs_build
def test_frozen_check_runs_from_its_own_folder(build, app_folder, exe, template):
    if sys.platform == "win32" and exe == "service-model-designer":
        pytest.skip("the windowed Windows exe has no console; smd-cli is the console one")
    model = Path("_internal", "resources", "templates", f"{template}.svcmodel")
    assert (app_folder / model).is_file()
    result = subprocess.run([str(app_folder / (exe + build.EXE_SUFFIX)), "check", str(model)],
                            cwd=app_folder,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("0 errors")
    assert result.stderr == ""


@needs_build
def test_frozen_check_refuses_a_missing_file_in_one_line(build, app_folder):
    cli = app_folder / ("smd-cli" + build.EXE_SUFFIX)
    result = subprocess.run([str(cli), "check", "no such file.svcmodel"],
                            cwd=app_folder, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@needs_build
def test_frozen_window_starts(build, app_folder):
    model = app_folder / "_internal" / "resources" / "templates" / "luton.svcmodel"
    build.smoke_test_window(app_folder, model, {**os.environ, "QT_QPA_PLATFORM": "offscreen"})


@needs_build
def test_unused_qt_modules_are_left_out(app_folder):
    bundled = {p.name.split(".")[0] for p in (app_folder / "_internal" / "PySide6").glob("Qt*.*")}
    assert {"QtCore", "QtGui", "QtWidgets"} <= bundled
    assert not bundled & {"QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtMultimedia"}


@needs_build
def test_frozen_flow_solves_a_loop_with_numpy(build, app_folder, tmp_path):
    """numpy is in the build: a model with a loop (relapse back to treatment) needs it."""
    import json

    raw = json.loads((app_folder / "_internal" / "resources" / "templates" /
                      "luton.svcmodel").read_text("utf-8"))
    for c in raw["components"]:
        if c["kind"].endswith("_referral") or c["kind"] == "prison_release":
            c["annual_referrals"] = 100
    raw["pathways"].append({"source": "recovery", "target": "clinical", "share_percent": 10})
    model = tmp_path / "loop.svcmodel"
    model.write_text(json.dumps(raw), "utf-8")
    result = subprocess.run([str(app_folder / ("smd-cli" + build.EXE_SUFFIX)), "flow",
                             str(model), "--json"], cwd=app_folder,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)["components"]}
    assert rows["clinical"]["arrivals"] > 0 and rows["recovery"]["arrivals"] > 0
