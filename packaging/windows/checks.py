"""The Windows CI checks, one sub-command each, for a maintainer to run by hand as well.

    py packaging\\windows\\checks.py install SETUP.exe     silent per-user install; HKCU only
    py packaging\\windows\\checks.py open-by-shell         two .svcmodel files with £ and – in
                                                         their names opened by the shell: one
                                                         process owns both windows
    py packaging\\windows\\checks.py pdf                   export a PDF: fonts embedded, text out
    py packaging\\windows\\checks.py json                  check --json through a pipe is UTF-8
    py packaging\\windows\\checks.py fits 1.25             the window fits the work area
    py packaging\\windows\\checks.py upgrade OLD.exe NEW.exe   upgrade while the app runs
    py packaging\\windows\\checks.py uninstall             uninstall; the user's files remain

Each exits 0 when the check holds and prints one line saying what was seen; otherwise it exits 1
naming what failed. `pdf` and `json` also run on Linux against a Linux build (--app FOLDER).
The held-file saves are tests/test_windows_saves.py (SMD_SAVE_FOLDER names the folder: an NTFS
folder or a \\\\localhost share).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "Service Model Designer"
APP_ID = "{2749E652-DD2D-4143-BDA6-679E527CF290}_is1"
UNINSTALL = rf"Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}"
CLASSES = [r"Software\Classes\.svcmodel", r"Software\Classes\ServiceModelDesigner.Model"]
EXE = "service-model-designer.exe" if sys.platform == "win32" else "service-model-designer"
CLI = "smd-cli.exe" if sys.platform == "win32" else "smd-cli"
TEMPLATE = ROOT / "resources" / "templates" / "luton.svcmodel"


def installed_folder() -> Path:
    return Path(os.environ["LOCALAPPDATA"]) / "Programs" / APP_NAME


def fail(message: str) -> None:
    raise SystemExit(f"FAILED: {message}")


def key_exists(root, path: str) -> bool:
    import winreg
    try:
        winreg.CloseKey(winreg.OpenKey(root, path))
        return True
    except OSError:
        return False


def registry_value(root, path: str, name: str = "") -> str | None:
    import winreg
    try:
        with winreg.OpenKey(root, path) as key:
            return winreg.QueryValueEx(key, name)[0]
    except OSError:
        return None


def run_setup(setup: Path, *extra: str) -> None:
    log = Path(tempfile.gettempdir()) / f"{setup.stem}.log"
    result = subprocess.run([str(setup), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART",
                             "/CURRENTUSER", f"/LOG={log}", *extra], timeout=600)
    if result.returncode != 0:
        fail(f"{setup.name} exited {result.returncode}; its log is {log}")


def check_install(opts) -> None:
    import winreg
    run_setup(Path(opts.setup))
    exe = installed_folder() / EXE
    if not exe.is_file():
        fail(f"{exe} is missing after a per-user install")
    for key in CLASSES + [UNINSTALL]:
        if not key_exists(winreg.HKEY_CURRENT_USER, key):
            fail(f"HKCU\\{key} is missing")
        if key_exists(winreg.HKEY_LOCAL_MACHINE, key):
            fail(f"HKLM\\{key} exists: a per-user install must not write there")
    command = registry_value(winreg.HKEY_CURRENT_USER,
                             CLASSES[1] + r"\shell\open\command")
    if command != f'"{exe}" "%1"':
        fail(f"the open command is {command!r}")
    print(f"installed per user in {exe.parent}; .svcmodel registered in HKCU only")


def top_windows_of(names: tuple[str, ...]) -> dict[int, list[str]]:
    """Visible top-level window titles by process id, for processes named in `names`."""
    import ctypes
    from ctypes import wintypes

    user32 = ctypes.WinDLL("user32", use_last_error=True)
    enum_proc = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)
    user32.EnumWindows.argtypes = [enum_proc, wintypes.LPARAM]
    user32.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
    user32.IsWindowVisible.argtypes = [wintypes.HWND]
    user32.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
    pids = {int(line.split(",")[1].strip('"')) for line in subprocess.run(
        ["tasklist", "/fo", "csv", "/nh"], capture_output=True, text=True).stdout.splitlines()
        if line.strip('"').split('"')[0].lower() in names}
    found: dict[int, list[str]] = {}

    def visit(hwnd, _):
        pid = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        if pid.value in pids and user32.IsWindowVisible(hwnd):
            title = ctypes.create_unicode_buffer(512)
            user32.GetWindowTextW(hwnd, title, 512)
            if title.value:
                found.setdefault(pid.value, []).append(title.value)
        return True
    user32.EnumWindows(enum_proc(visit), 0)
    return found


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    return condition()


def check_open_by_shell(opts) -> None:
    folder = Path(tempfile.mkdtemp(prefix="smd-shell-"))
    files = [folder / "Luton £ review – draft.svcmodel", folder / "Luton £ options – final.svcmodel"]
    for path in files:
        shutil.copyfile(TEMPLATE, path)
    for path in files:  # as two double-clicks in Explorer: the shell's "open" verb
        os.startfile(str(path))
        time.sleep(3)
    names = (EXE.lower(),)
    windows = wait_for(lambda: (lambda w: w if sum(map(len, w.values())) >= 2 else None)(
        top_windows_of(names)))
    if not windows:
        fail("no window of the app appeared")
    if len(windows) != 1:
        fail(f"{len(windows)} processes own the windows (expected one): {windows}")
    [titles] = windows.values()
    for path in files:
        if not any(path.stem in t for t in titles):
            fail(f"no window is titled with {path.stem!r}: {titles}")
    print(f"one process owns both windows: {titles}")
    subprocess.run(["taskkill", "/f", "/im", EXE], capture_output=True)


def app_folder(opts) -> Path:
    return Path(opts.app) if opts.app else installed_folder()


def check_pdf(opts) -> None:
    out = Path(tempfile.mkdtemp(prefix="smd-pdf-")) / "Luton lot pack £.pdf"
    result = subprocess.run([str(app_folder(opts) / CLI), "export", str(TEMPLATE), "--pdf",
                             str(out)], capture_output=True, timeout=300)
    if result.returncode != 0 or not out.is_file():
        fail(f"export exited {result.returncode}: {result.stderr.decode('utf-8', 'replace')}")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    if not fonts:
        fail("pdffonts lists no fonts")
    # Columns: name type encoding emb sub uni object ID; emb is the fourth from the end but 3.
    not_embedded = [line for line in fonts if line.split()[-5] != "yes"]
    if not_embedded:
        fail(f"fonts not embedded: {not_embedded}")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    if "Luton" not in text or "£" not in text:
        fail("pdftotext did not find 'Luton' and the pound sign in the pack")
    print(f"{out.name}: {len(fonts)} fonts, all embedded; text extracts ({len(text)} chars)")


def check_json(opts) -> None:
    # Through a real pipe, read as bytes: nothing re-encodes them on the way.
    model = Path(tempfile.mkdtemp(prefix="smd-json-")) / "Luton → Bedford £ – review.svcmodel"
    text = TEMPLATE.read_text("utf-8").replace('"title": "', '"title": "→ £ – ', 1)
    model.write_text(text, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    for args in (["--json"], []):
        result = subprocess.run([str(app_folder(opts) / CLI), "check", str(model), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                timeout=120)
        if result.returncode not in (0, 1):
            fail(f"check {' '.join(args)} exited {result.returncode}: {result.stderr!r}")
        decoded = result.stdout.decode("utf-8")  # raises on a cp1252 byte
        if args:
            json.loads(decoded)
        elif "→ £ –" not in decoded:
            fail(f"the title is not in the output: {decoded[:200]!r}")
    print("check and check --json write UTF-8 through a pipe")


def check_fits(opts) -> None:
    import ctypes
    from ctypes import wintypes

    user32 = ctypes.WinDLL("user32", use_last_error=True)
    user32.SetProcessDPIAware()  # compare physical pixels with physical pixels
    work = wintypes.RECT()
    user32.SystemParametersInfoW.argtypes = [wintypes.UINT, wintypes.UINT, wintypes.LPVOID,
                                             wintypes.UINT]
    user32.SystemParametersInfoW(0x0030, 0, ctypes.byref(work), 0)  # SPI_GETWORKAREA
    env = {**os.environ, "QT_SCALE_FACTOR": opts.scale}
    app = subprocess.Popen([str(app_folder(opts) / EXE), str(TEMPLATE)], env=env)
    try:
        user32.FindWindowW.argtypes = [wintypes.LPCWSTR, wintypes.LPCWSTR]
        user32.FindWindowW.restype = wintypes.HWND
        hwnd = wait_for(lambda: next((h for h in [user32.FindWindowW(None, t) for t in
                                                  top_windows_of((EXE.lower(),)).get(app.pid, [])]
                                      if h), None))
        if not hwnd:
            fail("the window did not appear")
        time.sleep(2)
        rect = wintypes.RECT()
        user32.GetWindowRect.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.RECT)]
        user32.GetWindowRect(hwnd, ctypes.byref(rect))
        # A maximised window's border hangs a few pixels over the work area by design.
        slack = 8
        inside = (rect.left >= work.left - slack and rect.top >= work.top - slack
                  and rect.right <= work.right + slack and rect.bottom <= work.bottom + slack)
        seen = (f"window {rect.left},{rect.top}-{rect.right},{rect.bottom}, work area "
                f"{work.left},{work.top}-{work.right},{work.bottom} at {opts.scale}")
        if not inside:
            fail(seen)
        print(f"fits: {seen}")
    finally:
        app.kill()


def check_upgrade(opts) -> None:
    import winreg
    run_setup(Path(opts.old))
    old_version = registry_value(winreg.HKEY_CURRENT_USER, UNINSTALL, "DisplayVersion")
    app = subprocess.Popen([str(installed_folder() / EXE), str(TEMPLATE)])
    time.sleep(8)
    run_setup(Path(opts.new), "/CLOSEAPPLICATIONS")  # the Restart Manager closes the running copy
    new_version = registry_value(winreg.HKEY_CURRENT_USER, UNINSTALL, "DisplayVersion")
    if new_version == old_version:
        fail(f"still version {old_version} after the upgrade")
    if app.poll() is None:
        app.kill()
    print(f"upgraded {old_version} -> {new_version} while the app ran")


def check_uninstall(opts) -> None:
    import winreg
    documents = Path.home() / "Documents"
    documents.mkdir(exist_ok=True)
    mine = documents / "smd-ci-my-model.svcmodel"
    shutil.copyfile(TEMPLATE, mine)
    data = Path(os.environ["LOCALAPPDATA"]) / APP_NAME / APP_NAME / "recovery"
    data.mkdir(parents=True, exist_ok=True)
    kept = data / "ci-marker.txt"
    kept.write_text("the user's recovery folder", "utf-8")
    uninstaller = installed_folder() / "unins000.exe"
    result = subprocess.run([str(uninstaller), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART"],
                            timeout=300)
    wait_for(lambda: not uninstaller.exists(), 60)  # it finishes in a copy of itself
    if result.returncode != 0 or (installed_folder() / EXE).exists():
        fail(f"the uninstaller exited {result.returncode} or left {EXE}")
    for key in CLASSES:
        if key_exists(winreg.HKEY_CURRENT_USER, key):
            fail(f"HKCU\\{key} remains after uninstall")
    if not mine.is_file() or not kept.is_file():
        fail("uninstall removed the user's files")
    print("uninstalled; the association is gone and the user's files remain")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", help="the app folder (default: the per-user install)")
    sub = parser.add_subparsers(dest="check", required=True)
    sub.add_parser("install").add_argument("setup")
    sub.add_parser("open-by-shell")
    sub.add_parser("pdf")
    sub.add_parser("json")
    sub.add_parser("fits").add_argument("scale")
    upgrade = sub.add_parser("upgrade")
    upgrade.add_argument("old")
    upgrade.add_argument("new")
    sub.add_parser("uninstall")
    opts = parser.parse_args()
    {"install": check_install, "open-by-shell": check_open_by_shell, "pdf": check_pdf,
     "json": check_json, "fits": check_fits, "upgrade": check_upgrade,
     "uninstall": check_uninstall}[opts.check](opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
