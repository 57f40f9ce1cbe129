"""How each event is written into the exports: TimelineJS dates, calendar spans, CSV cells."""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.exports.ical import ical_days
from timeline.exports.records import csv_cell, timelinejs_dates
from timeline.models import Event

D = dt.date


def event(date: dt.date, precision: str, end_date: dt.date | None = None) -> Event:
    return Event(date=date, precision=precision, end_date=end_date)


@pytest.mark.parametrize(
    ("date", "precision", "end_date", "start", "end"),
    [
        (
            D(2021, 3, 23),
            "day",
            None,
            {"year": "2021", "month": "3", "day": "23", "display_date": "23 March 2021"},
            None,
        ),
        (
            D(2021, 3, 23),
            "day",
            D(2021, 3, 29),
            {"year": "2021", "month": "3", "day": "23", "display_date": "23 March 2021"},
            {"year": "2021", "month": "3", "day": "29", "display_date": "29 March 2021"},
        ),
        (
            D(2021, 3, 22),
            "week",
            None,
            {"year": "2021", "month": "3", "day": "22", "display_date": "week of 22 March 2021"},
            {"year": "2021", "month": "3", "day": "28", "display_date": "week of 22 March 2021"},
        ),
        (
            D(2021, 3, 1),
            "month",
            None,
            {"year": "2021", "month": "3", "display_date": "March 2021"},
            None,
        ),
        (
            D(2021, 3, 1),
            "month",
            D(2021, 7, 1),
            {"year": "2021", "month": "3", "display_date": "March 2021"},
            {"year": "2021", "month": "7", "display_date": "July 2021"},
        ),
        (
            D(2021, 4, 1),
            "quarter",
            None,
            {"year": "2021", "month": "4", "display_date": "Q2 2021"},
            {"year": "2021", "month": "6", "display_date": "Q2 2021"},
        ),
        (D(2021, 1, 1), "year", None, {"year": "2021", "display_date": "2021"}, None),
        (
            D(2021, 1, 1),
            "year",
            D(2023, 1, 1),
            {"year": "2021", "display_date": "2021"},
            {"year": "2023", "display_date": "2023"},
        ),
    ],
)
def test_timelinejs_dates_carry_only_the_fields_the_precision_supports(
    date, precision, end_date, start, end
):
    assert timelinejs_dates(event(date, precision, end_date)) == (start, end)


@pytest.mark.parametrize(
    ("date", "precision", "end_date", "first", "after_last"),
    [
        (D(2021, 3, 23), "day", None, D(2021, 3, 23), D(2021, 3, 24)),
        (D(2021, 3, 23), "day", D(2021, 3, 29), D(2021, 3, 23), D(2021, 3, 30)),
        (D(2021, 3, 22), "week", None, D(2021, 3, 22), D(2021, 3, 29)),
        (D(2021, 3, 22), "week", D(2021, 4, 5), D(2021, 3, 22), D(2021, 4, 12)),
        (D(2021, 3, 1), "month", None, D(2021, 3, 1), D(2021, 4, 1)),
        (D(2021, 12, 1), "month", None, D(2021, 12, 1), D(2022, 1, 1)),
        (D(2021, 4, 1), "quarter", None, D(2021, 4, 1), D(2021, 7, 1)),
        (D(2021, 10, 1), "quarter", None, D(2021, 10, 1), D(2022, 1, 1)),
        (D(2021, 1, 1), "year", None, D(2021, 1, 1), D(2022, 1, 1)),
        (D(2021, 1, 1), "year", D(2022, 1, 1), D(2021, 1, 1), D(2023, 1, 1)),
    ],
)
def test_a_calendar_event_spans_every_day_its_date_covers(
    date, precision, end_date, first, after_last
):
    assert ical_days(event(date, precision, end_date)) == (first, after_last)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("The ship ran aground.", "The ship ran aground."),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("2021-03-23", "2021-03-23"),
        (None, ""),
        (17, "17"),
    ],
)
def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_defused(value, written):
    assert csv_cell(value) == written
