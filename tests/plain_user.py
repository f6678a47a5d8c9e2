"""Saving as an ordinary user would, even when the tests run as root (as CI does).

Root writes into a read-only folder regardless of its mode, so a read-only-folder test run as
root would prove nothing. Here the save runs in a child process which, under root, is started
by util-linux's setpriv without the two capabilities that let root ignore file modes
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): for that child a mode 555 folder is read-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAVE = """
import sys
from models import SaveError, read_model, write_model
try:
    write_model(sys.argv[1], read_model(sys.argv[2]))
except SaveError as e:
    print(e)
    sys.exit(3)
"""


def as_plain_user(argv: list[str]) -> list[str]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv to drop root's file-mode override")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--", *argv]


def save_as_plain_user(target: Path, source: Path) -> subprocess.CompletedProcess:
    """Save the model in `source` over `target`; exit 3 and the SaveError's text when refused."""
    return subprocess.run(as_plain_user([sys.executable, "-c", SAVE, str(target), str(source)]),
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
