"""The built-in templates shipped in resources/templates/ (the seed cases of domain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from resources import resource_path

from .fileio import EXTENSION, read_model
from .schema import ServiceModel

EXAMPLE = "leicestershire"  # the model the app opens with


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    path: Path


def templates() -> list[Template]:
    folder = resource_path("templates")
    return [Template(p.stem, read_model(p).title, p)
            for p in sorted(folder.glob(f"*{EXTENSION}"))]


def template_path(name: str) -> Path:
    path = resource_path("templates", name + EXTENSION)
    if not path.is_file():
        known = ", ".join(t.name for t in templates())
        raise KeyError(f"no built-in template is called {name!r}; the templates are: {known}")
    return path


def load_template(name: str) -> ServiceModel:
    return read_model(template_path(name))
