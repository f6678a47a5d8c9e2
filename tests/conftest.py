"""Shared test set-up: Qt runs offscreen, and small helpers to build models by hand."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
