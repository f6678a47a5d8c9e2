"""Small helpers for the words every part of the app shows a user the same way."""

from __future__ import annotations

from datetime import datetime, timezone


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
