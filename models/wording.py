"""Small helpers for the words every part of the app shows a user the same way."""


def plural(count: int, noun: str) -> str:
    """'1 error', '3 errors': for every count shown to a user (window, command line, print)."""
    return f"{count} {noun}" + ("" if count == 1 else "s")
