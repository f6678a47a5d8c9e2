"""Guard against the PySide6 6.12.0 / Python 3.11 crash (see pyproject.toml's pin).

That release leaks a reference to None on every Qt call that returns nothing, and the
interpreter aborts with "Fatal Python error: none_dealloc" after about 5,000 such calls. The
calls run in a child process so an abort fails this test instead of killing pytest.
"""

import subprocess
import sys

VOID_CALLS = 20_000

SCRIPT = f"""
from PySide6.QtCore import QObject, QPointF
point, obj = QPointF(), QObject()
for i in range({VOID_CALLS}):
    point.setX(i)            # returns None
    obj.setObjectName("x")   # returns None
print("ok")
"""


def test_many_void_qt_calls_do_not_abort():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_installed_pyside_respects_the_pin():
    import PySide6

    major, minor = (int(part) for part in PySide6.__version__.split(".")[:2])
    if sys.version_info < (3, 12):
        assert (major, minor) < (6, 12), f"PySide6 {PySide6.__version__} aborts on Python 3.11"
