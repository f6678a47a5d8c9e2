#!/bin/sh
# Build the one-folder app into a scratch folder and run its `check` on both templates from its
# own folder, plus a 5-second start of the window (offscreen). About 30 s on 2 cores.
#   packaging/smoke_test.sh [SCRATCH_DIR]
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
SCRATCH=${1:-$(mktemp -d)}
"$PYTHON" packaging/build.py --dist "$SCRATCH/dist" --work "$SCRATCH/work"
echo "smoke test passed: $SCRATCH/dist/service-model-designer"
