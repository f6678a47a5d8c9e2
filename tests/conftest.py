"""Shared test set-up: Qt runs offscreen, and small helpers to build models by hand."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app's own data folder (recovery copies, shared email drafts) goes to a fresh folder per
# test run, never the user's: a window left modified writes a recovery copy there.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="smd-test-data-")
