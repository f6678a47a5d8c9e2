"""Every top-level window fits its screen at 125% and 150% display scaling (issue 19, item 4).

Council screens: a 1366x768 laptop and a 1920x1080 monitor, less a 40-pixel taskbar, at 125%
or 150%. Qt reads QT_SCALE_FACTOR only at start, so each case runs in a child process whose
offscreen screen has that size (the offscreen platform's configfile); every window and dialog
must lie within the screen's logical geometry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, {root!r})
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {settings!r})
    app = QApplication([])
    app.setOrganizationName("Service Model Designer tests")
    app.setApplicationName("scaling")
    from models.templates import load_template
    from designer.document import Document
    from designer.main_window import MainWindow
    from designer.dialogs.appraisal import AppraisalDialog
    from designer.dialogs.compare import CompareDialog
    from designer.dialogs.connect_to import ConnectDialog
    from designer.dialogs.contract import ContractDialog
    from designer.files.safety import SummaryDialog
    from designer.dialogs.funding import FundingDialog
    from designer.docks.lots import MergeDialog
    from designer.dialogs.procurement import ProcurementDialog
    from models.diff import diff_models

    model = load_template("luton")
    model.active_plan = "three-lots"
    doc = Document(model)
    window = MainWindow(doc)
    window.show_first()
    app.processEvents()
    plan = doc.model.plan("three-lots")
    changed = load_template("luton")
    changed.title = "Changed"
    dialogs = {{
        "main window": window,
        "appraisal": AppraisalDialog(doc, window),
        "compare": CompareDialog(diff_models(model, changed), "What changed", window),
        "connect to": ConnectDialog(model, model.components[0].id, window),
        "contract": ContractDialog(doc, plan.lots[0].id, window),
        "save summary": SummaryDialog(window, "luton.svcmodel", "Jo Bloggs"),
        "funding": FundingDialog(doc, window),
        "merge lots": MergeDialog(plan.lots[0], plan.lots[1:], window, plan.name),
        "procurement": ProcurementDialog(doc, window),
    }}
    area = window.screen().availableGeometry()
    report = {{"area": [area.width(), area.height()], "outside": {{}}}}
    for name, widget in dialogs.items():
        widget.show()
        app.processEvents()
        # One logical pixel for rounding: at 125% a maximised 1366-pixel window is 1092.8
        # logical pixels, which Qt rounds one way for the screen and the other for the window.
        frame = widget.frameGeometry().adjusted(1, 1, -1, -1)
        if not area.contains(frame):
            report["outside"][name] = [frame.x(), frame.y(), frame.width(), frame.height()]
    print(json.dumps(report))
    window.doc.undo_stack.setClean()
""")


@pytest.mark.parametrize("screen, scale, logical", [
    ((1366, 728), "1.25", [1093, 582]),
    ((1366, 728), "1.5", [911, 485]),
    ((1920, 1040), "1.5", [1280, 693]),
])
def test_every_window_fits_the_screen_when_scaled(screen, scale, logical, tmp_path):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "council", "x": 0, "y": 0, "width": screen[0], "height": screen[1],
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": scale}
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), settings=str(tmp_path))],
        capture_output=True, timeout=120, env=env, cwd=tmp_path)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["area"] == logical  # the screen and the scale took effect
    assert report["outside"] == {}
