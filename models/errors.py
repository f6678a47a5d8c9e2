"""Problems with model files, phrased for the person who has to fix them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str  # key path such as components[3].kind, or "" for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ModelFileError(Exception):
    """A file that cannot be opened. `str()` is one line naming the first problem."""

    def __init__(self, problems: list[Problem] | str, source: str = ""):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = problems
        self.source = source
        first = str(problems[0])
        more = len(problems) - 1
        line = first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
        super().__init__(" ".join(line.split()))  # always one line, whatever the file held


def key_path(loc: tuple) -> str:
    """('components', 3, 'kind') -> 'components[3].kind'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
