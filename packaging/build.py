"""Build the one-folder app (and on Windows the installer), then check that it runs.

    python packaging/build.py               dist/service-model-designer/ (this OS)
    python packaging/build.py --installer   and, on Windows, dist/ServiceModelDesigner-<v>-setup.exe
                                            with Inno Setup 6 (ISCC.exe on PATH or installed)
    python packaging/build.py --sign "signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f"
                                            also sign the exes, the installer and its uninstaller

Needs the `build` extra: pip install -e ".[build]". Every build ends with the smoke test: the
built executable runs `check` on both templates from its own folder (exit 0 expected).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "service-model-designer"
CLI = "smd-cli"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
TEMPLATES = ("leicestershire", "luton")


def folder_size_mb(folder: Path) -> float:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1048576


def build_folder(dist: Path, work: Path) -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work),
                    str(ROOT / "packaging" / "service_model_designer.spec")],
                   cwd=ROOT, check=True)
    return dist / APP


def smoke_test(app_folder: Path) -> None:
    """Run `check` on both bundled templates with each executable, from the app's own folder
    and with no display, as CI or an IT script would."""
    bundled = next(app_folder.rglob("templates"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    executables = [CLI] if sys.platform == "win32" else [APP, CLI]  # the windowed exe is mute
    for exe in executables:
        for name in TEMPLATES:
            template = (bundled / f"{name}.svcmodel").relative_to(app_folder)
            result = subprocess.run([str(app_folder / (exe + EXE_SUFFIX)), "check", str(template)],
                                    cwd=app_folder, env=env, capture_output=True, text=True,
                                    timeout=120)
            last = (result.stdout.strip().splitlines() or [result.stderr.strip()])[-1]
            print(f"smoke: {exe} check {template}: exit {result.returncode}: {last}")
            if result.returncode != 0:
                raise SystemExit(f"smoke test failed: {result.stderr.strip()}")
    smoke_test_window(app_folder, bundled / f"{TEMPLATES[0]}.svcmodel", env)


def smoke_test_window(app_folder: Path, model: Path, env: dict, seconds: float = 5) -> None:
    """The windowed app opens a model and keeps running (Qt plug-ins, fonts and resources were
    all found); a missing piece shows as an early exit."""
    window = subprocess.Popen([str(app_folder / (APP + EXE_SUFFIX)), str(model)], cwd=app_folder,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    try:
        window.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        print(f"smoke: {APP} {model.name}: window still running after {seconds:.0f} s")
        return
    finally:
        if window.poll() is None:
            window.terminate()
            window.wait(timeout=30)
    raise SystemExit(f"smoke test failed: the window exited with {window.returncode}: "
                     f"{window.stderr.read().strip()[-500:]}")


def find_iscc() -> str | None:
    candidates = [shutil.which("ISCC"), shutil.which("iscc")]
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"),
                 os.environ.get("LOCALAPPDATA") and Path(os.environ["LOCALAPPDATA"]) / "Programs"):
        if base:
            candidates.append(str(Path(base) / "Inno Setup 6" / "ISCC.exe"))
    return next((c for c in candidates if c and Path(c).is_file()), None)


def build_installer(dist: Path, sign: str | None) -> None:
    iscc = find_iscc()
    if iscc is None:
        raise SystemExit("error: Inno Setup 6 (ISCC.exe) not found; install it from "
                         "https://jrsoftware.org/isdl.php or put ISCC.exe on PATH")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    command = [iscc, f"/DAppVersion={version}", f"/DDistDir={dist / APP}", f"/O{dist}"]
    if sign:
        command += [f"/Ssmdsign={sign}", "/DSign"]
    subprocess.run(command + [str(ROOT / "packaging" / "installer.iss")], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--installer", action="store_true", help="also build the Windows installer")
    parser.add_argument("--sign", help="Inno Setup sign tool command ($f is the file to sign)")
    opts = parser.parse_args()
    started = time.monotonic()
    app_folder = build_folder(opts.dist.resolve(), opts.work.resolve())
    print(f"built {app_folder} in {time.monotonic() - started:.0f} s, "
          f"{folder_size_mb(app_folder):.0f} MB")
    smoke_test(app_folder)
    if opts.installer:
        if sys.platform != "win32":
            raise SystemExit("error: the installer is built on Windows (Inno Setup)")
        build_installer(opts.dist.resolve(), opts.sign)
    return 0


if __name__ == "__main__":
    sys.exit(main())
