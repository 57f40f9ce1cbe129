"""Value types shared by every stage of the extraction pipeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import Enum


class Precision(str, Enum):
    """How much of an event's date is known; the date is the first day of that period."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Sentence:
    """A sentence of the original text; `text == original[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Timex:
    """A temporal expression (TIMEX3-style) found in the original text.

    `type` is one of DATE, TIME, DURATION, SET; `value` is the normalised TIMEX3 value
    ("2022-03-09", "2022-W10", "P3Y", "PRESENT_REF", "XXXX-WXX-1", ...).
    """

    start: int
    end: int
    text: str
    type: str
    value: str

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "value": self.value,
        }


@dataclass(frozen=True)
class ResolvedDate:
    """A calendar period an expression refers to, with the reasoning that produced it."""

    date: datetime.date
    precision: Precision
    rule: str
    explanation: str
    confidence: float
    end_date: datetime.date | None = None


@dataclass(frozen=True)
class Event:
    """A sentence anchored to one resolved date."""

    date: datetime.date
    precision: Precision
    sentence_start: int
    sentence_end: int
    sentence: str
    timex: Timex
    confidence: float
    rule: str
    explanation: str
    end_date: datetime.date | None = None

    @property
    def iso_date(self) -> str:
        """The date at its precision: day and week give YYYY-MM-DD (a week's Monday),
        month and quarter give YYYY-MM (a quarter's first month), year gives YYYY."""
        if self.precision in (Precision.DAY, Precision.WEEK):
            return self.date.isoformat()
        if self.precision in (Precision.MONTH, Precision.QUARTER):
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return f"{self.date.year:04d}"

    def to_dict(self) -> dict:
        data = {
            "date": self.iso_date,
            "precision": self.precision.value,
            "start": self.sentence_start,
            "end": self.sentence_end,
            "text": self.sentence,
            "timex": self.timex.to_dict(),
            "confidence": self.confidence,
            "rule": self.rule,
            "explanation": self.explanation,
        }
        if self.end_date is not None:
            data["end_date"] = self.end_date.isoformat()
        return data


@dataclass(frozen=True)
class ExtractionResult:
    """Everything extracted from one text: its temporal expressions and dated events."""

    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
