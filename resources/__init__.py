"""Package data: built-in templates, icons and the style sheet. Read with importlib.resources."""

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """A file shipped in resources/, as a real path (the package is installed unzipped)."""
    return Path(str(files(__name__).joinpath(*parts)))
