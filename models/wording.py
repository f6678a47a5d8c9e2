"""Small helpers for the words every part of the app shows a user the same way."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable


def plural(count: int, noun: str) -> str:
    """'1 error', '3 errors': for every count shown to a user (window, command line, print)."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def when_words(moment: datetime, now: datetime | None = None) -> str:
    """'today at 14:02', 'on Tuesday 3 December at 14:02', 'on 3 December 2024 at 14:02'."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # the revision log is written in UTC
    local = moment.astimezone()
    now = (now or datetime.now(timezone.utc)).astimezone()
    clock = f"{local:%H:%M}"
    if local.date() == now.date():
        return f"today at {clock}"
    if local.year == now.year:
        return f"on {local:%A} {local.day} {local:%B} at {clock}"
    return f"on {local.day} {local:%B} {local.year} at {clock}"


def wrap_words(text: str, fits: Callable[[str, int], bool], max_lines: int | None = None
               ) -> tuple[list[str], str]:
    """Greedy word wrap, the one used everywhere text is set in lines (canvas boxes, printed
    boxes and tables, the appraisal's headings). `fits(line, index)` says whether the line
    fits as line `index`. A word that fits on no line gets a line of its own, for the caller
    to elide or refuse. Stops after `max_lines`; returns the lines and the words left over."""
    words = text.split()
    lines: list[str] = []
    taken = 0
    while taken < len(words) and (max_lines is None or len(lines) < max_lines):
        line = words[taken]
        taken += 1
        while taken < len(words) and fits(f"{line} {words[taken]}", len(lines)):
            line = f"{line} {words[taken]}"
            taken += 1
        lines.append(line)
    return lines, " ".join(words[taken:])


def money(value: float | None, missing: str = "not set") -> str:
    """Pounds as every part of the app shows them: '£1,250,000', '-£1,000' (the sign before
    the pound sign), or `missing` when the amount is not known."""
    if value is None:
        return missing
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def and_list(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C': names listed in a sentence (one at least)."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def capitalised(text: str) -> str:
    """The first letter made upper case, the rest kept (str.capitalize() would lower-case a
    lot's name)."""
    return text[:1].upper() + text[1:]


def with_article(noun: str) -> str:
    """'an adult treatment', 'a rehab'."""
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def two_lines(text: str) -> str:
    """'Cost per\ncompletion': a title of several words broken at the space nearest its
    middle, for a narrow table heading; one word stays as it is."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(len(text) - 1 - 2 * i))
    return text[:cut] + "\n" + text[cut + 1:]
