"""Dates written at their precision, and the constraints that keep events consistent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from timeline.models import Article, Event, format_date_at_precision, iso_at_precision

D = dt.date(2022, 3, 9)


@pytest.mark.parametrize(
    ("date", "precision", "end", "label"),
    [
        (D, "day", None, "9 March 2022"),
        (dt.date(2022, 3, 7), "week", None, "week of 7 March 2022"),
        (dt.date(2022, 3, 1), "month", None, "March 2022"),
        (dt.date(2022, 1, 1), "quarter", None, "Q1 2022"),
        (dt.date(2022, 1, 1), "year", None, "2022"),
        (dt.date(2021, 4, 12), "day", dt.date(2021, 4, 13), "12–13 April 2021"),
        (dt.date(2021, 4, 30), "day", dt.date(2021, 5, 2), "30 April – 2 May 2021"),
        (dt.date(2021, 5, 1), "month", dt.date(2021, 7, 1), "May 2021 – July 2021"),
    ],
)
def test_it_writes_a_date_at_its_precision(date, precision, end, label):
    assert format_date_at_precision(date, precision, end) == label


@pytest.mark.parametrize(
    ("precision", "iso"),
    [("day", "2022-03-09"), ("week", "2022-W10"), ("month", "2022-03"), ("year", "2022")],
)
def test_the_time_element_gets_an_iso_value_at_the_precision(precision, iso):
    assert iso_at_precision(D, precision) == iso


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        {"end_date": dt.date(2022, 3, 1)},
        {"timex_start": 50, "timex_end": 60},
        {"confidence": 1.5},
        {"precision": "century"},
        {"status": "maybe"},
    ],
)
def test_the_database_refuses_inconsistent_events(story, ingest, bad):
    article = ingest("Talks were held on Wednesday.", published=D)
    values = {
        "article": article,
        "story": story,
        "date": D,
        "text": "x",
        "sentence_start": 0,
        "sentence_end": 29,
        "timex_start": 20,
        "timex_end": 29,
        "timex_text": "Wednesday",
    } | bad
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(**values)


@pytest.mark.django_db
def test_an_articles_url_is_unique_only_when_present(story):
    def article(text: str, url: str) -> Article:
        return Article.objects.create(
            story=story, title=text, url=url, published=D, text=text, content_hash=text
        )

    article("one", url="")
    article("two", url="")  # many articles may have no URL
    article("three", url="https://example.org/x")
    with pytest.raises(IntegrityError), transaction.atomic():
        article("four", url="https://example.org/x")
    assert Article.objects.count() == 3
