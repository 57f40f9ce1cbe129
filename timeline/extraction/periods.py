"""Calendar arithmetic and the cached dateparser front end used to resolve expressions."""

from __future__ import annotations

import calendar
import datetime
import re
from functools import lru_cache

import dateparser

from .vocabulary import NUMBER_WORDS, VAGUE_QUANTITIES

# Year-less expressions are parsed against a fixed leap year so the cache key is the text
# alone (it does not grow with every publication date) and "February 29" still parses; the
# resolver picks the real year from the publication date and the tense.
_NEUTRAL_BASE = datetime.datetime(2000, 1, 1)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def parse_absolute(
    text: str, parts: tuple[str, ...], date_order: str | None = None
) -> datetime.date | None:
    """Parse an absolute calendar expression with dateparser; None when it is not a date."""
    settings: dict = {
        "RELATIVE_BASE": _NEUTRAL_BASE,
        "PREFER_DATES_FROM": "current_period",
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": list(parts),
    }
    if date_order:
        settings["DATE_ORDER"] = date_order
    try:
        parsed = dateparser.parse(_SPACES.sub(" ", text), languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; treat as "no date".
        return None
    return parsed.date() if parsed else None


def week_monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_value(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def number_value(text: str) -> float | None:
    """The quantity a number expression stands for; None for vague ones like "several"."""
    words = _SPACES.sub(" ", text.strip().lower())
    if words in VAGUE_QUANTITIES:
        return None
    if words in NUMBER_WORDS:
        return float(NUMBER_WORDS[words])
    compact = words.replace(",", "")
    try:
        return float(compact)
    except ValueError:
        pass
    parts = re.split(r"[-\s]", words)
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return float(NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]])
    return None


def format_quantity(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def spoken_year(text: str) -> int | None:
    """The year a read-out year stands for: "nineteen ninety-six" 1996, "two thousand" 2000."""
    words = re.split(r"[-\s]+", text.strip().lower())
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + sum(NUMBER_WORDS.get(w, 0) for w in rest)
    if len(words) < 2 or words[0] not in ("eighteen", "nineteen"):
        return None
    return NUMBER_WORDS[words[0]] * 100 + sum(NUMBER_WORDS.get(w, 0) for w in words[1:])
