"""Reading what a commissioner types: amounts of money, dates, contract extensions, and a
schema refusal put in one line. The contract and funding windows (and anything after them)
read typed text only through here, so "£1.2m" or "31/03/2027" means the same everywhere."""

from __future__ import annotations

import calendar
import re
from datetime import date

MOST_MONEY = 1e12
NEGATIVE = re.compile(r"^\(.*\)$|^[-\u2212\u2013]")  # -5 (minus, hyphen or dash), or (5,000)


def parse_amount(text: str) -> float | None:
    """'£1,250,000', '1250000', '1.25m', '250k' -> pounds; '' -> None; ValueError otherwise,
    in words. The one reading of money typed by hand: the contract window and Funding use it."""
    cleaned = text.strip().lower().replace("£", "").replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if NEGATIVE.search(cleaned):
        raise ValueError("An amount cannot be negative")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", cleaned)
    if not match:
        raise ValueError(f"{text.strip()!r} is not an amount of money, for example £250,000 or "
                         "1.2m")
    value = float(match.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[match.group(2)]
    if value > MOST_MONEY:
        raise ValueError(f"{text.strip()!r} is too large an amount")
    return value


def parse_extensions(text: str) -> list[float] | None:
    """'2 + 2', '1+1', '2, 2' or '' -> years; None when it is not a list of numbers."""
    parts = [p for p in re.split(r"[+,;]", text) if p.strip()]
    try:
        years = [float(p.strip()) for p in parts]
    except ValueError:
        return None
    return years if all(0 <= y <= 100 for y in years) else None


DATE_EXAMPLE = "for example 01/04/2025 or 2025-04-01"


def parse_date(text: str) -> str | None:
    """'31/03/2027', '1/4/2027' (day first, as in England) or '2027-03-31' -> '2027-03-31', the
    form the file keeps; '' -> None; ValueError in words otherwise ('31 February 2027 does not
    exist...')."""
    text = text.strip()
    if not text:
        return None
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(f"Write a real date as DD/MM/YYYY or YYYY-MM-DD, {DATE_EXAMPLE}.")
    if not 1 <= month <= 12:
        raise ValueError(f"There is no month {month}: write a real date, {DATE_EXAMPLE}.")
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"{day} {calendar.month_name[month]} {year} does not exist: write a "
                         f"real date, {DATE_EXAMPLE}.") from None


def uk_date(iso: str | None) -> str:
    """'2027-03-31' -> '31/03/2027' for the field; text that is not ISO is shown as it is."""
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""
    except ValueError:
        return iso


def schema_problem(error: ValueError) -> str:
    """One line from a schema refusal: 'name: String should have at most 10000 characters'."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}".strip(": ")
    return str(error).splitlines()[0]
