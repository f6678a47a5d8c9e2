"""Build the one-folder app (and on Windows the installer), then check that it runs.

    python packaging/build.py               dist/service-model-designer/ (this OS)
    python packaging/build.py --installer   and, on Windows, dist/ServiceModelDesigner-<v>-setup.exe
                                            with Inno Setup 6 (ISCC.exe on PATH or installed)
    python packaging/build.py --sign "signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f"
                                            also sign the exes, the installer and its uninstaller
    python packaging/build.py --release     the release path: installer signed and timestamped
                                            with the certificate the environment names
                                            (SMD_SIGN_THUMBPRINT, see docs/windows.md), then
                                            every signature verified; refuses to build unsigned

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


TIMESTAMP_URL = "http://timestamp.digicert.com"


def release_sign_command(env: dict = os.environ) -> str:
    """The sign command for a release, from the environment: SMD_SIGN_COMMAND as given, or
    signtool with the certificate whose thumbprint is SMD_SIGN_THUMBPRINT (imported into the
    user's store first: no password on a command line), timestamped by SMD_TIMESTAMP_URL."""
    if env.get("SMD_SIGN_COMMAND"):
        return env["SMD_SIGN_COMMAND"]
    thumbprint = env.get("SMD_SIGN_THUMBPRINT", "").replace(" ", "")
    if not thumbprint:
        raise SystemExit("error: a release is signed: set SMD_SIGN_THUMBPRINT to the "
                         "code-signing certificate's thumbprint (or SMD_SIGN_COMMAND); "
                         "docs/windows.md says how")
    signtool = find_signtool() or "signtool.exe"
    url = env.get("SMD_TIMESTAMP_URL") or TIMESTAMP_URL
    # $q is Inno Setup's quote: a literal one would not survive ISCC's command line.
    return (f"$q{signtool}$q sign /fd sha256 /sha1 {thumbprint} /tr {url} /td sha256 "
            "/d $qService Model Designer$q $f")


def find_signtool() -> str | None:
    """signtool.exe on PATH or in the newest Windows 10/11 SDK."""
    found = shutil.which("signtool")
    if found:
        return found
    kits = Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "Windows Kits"
    candidates = sorted(kits.glob("10/bin/10.*/x64/signtool.exe"))
    return str(candidates[-1]) if candidates else None


def verify_signatures(files: list[Path]) -> None:
    """Every file signed by a trusted chain and timestamped, or the release stops."""
    signtool = find_signtool()
    if signtool is None:
        raise SystemExit("error: signtool.exe not found (Windows SDK) to verify the signatures")
    for path in files:
        result = subprocess.run([signtool, "verify", "/pa", "/tw", str(path)],
                                capture_output=True, text=True)
        if result.returncode != 0 or "not timestamped" in result.stdout + result.stderr:
            raise SystemExit(f"error: {path.name} is not signed and timestamped: "
                             f"{(result.stdout + result.stderr).strip()[-300:]}")
        print(f"signed and timestamped: {path.name}")


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
    parser.add_argument("--release", action="store_true",
                        help="signed, timestamped installer with the certificate from the "
                             "environment; the signatures are verified")
    opts = parser.parse_args()
    if opts.release:
        if sys.platform != "win32":
            raise SystemExit("error: a release is built and signed on Windows")
        opts.installer, opts.sign = True, opts.sign or release_sign_command()
    started = time.monotonic()
    app_folder = build_folder(opts.dist.resolve(), opts.work.resolve())
    print(f"built {app_folder} in {time.monotonic() - started:.0f} s, "
          f"{folder_size_mb(app_folder):.0f} MB")
    smoke_test(app_folder)
    if opts.installer:
        if sys.platform != "win32":
            raise SystemExit("error: the installer is built on Windows (Inno Setup)")
        build_installer(opts.dist.resolve(), opts.sign)
    if opts.release:
        verify_signatures([app_folder / (APP + EXE_SUFFIX), app_folder / (CLI + EXE_SUFFIX),
                           *opts.dist.resolve().glob("*-setup.exe")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
