"""The service layer: idempotent ingest, extraction into events, and corrections that survive."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from timeline import services
from timeline.models import Article, Entity, Event

pytestmark = pytest.mark.django_db

TEXT = (
    "Egypt's canal authority said on Tuesday that the ship would stay in Ismailia.\n\n"
    "The owner, Shoei Kisen Kaisha, will appeal on Thursday, a lawyer said."
)


def test_ingest_stores_the_article_and_its_events(story, ingest):
    article = ingest(TEXT, published=dt.date(2021, 4, 14))
    assert article.extraction_status == Article.ExtractionStatus.DONE
    events = list(article.events.order_by("date"))
    assert [(e.date, e.precision) for e in events] == [
        (dt.date(2021, 4, 13), "day"),
        (dt.date(2021, 4, 15), "day"),
    ]
    first = events[0]
    assert article.text[first.sentence_start : first.sentence_end] == first.text
    assert article.text[first.timex_start : first.timex_end] == first.timex_text == "Tuesday"
    assert first.story == story and first.source == article.source
    assert first.explanation


def test_ingesting_the_same_text_twice_adds_nothing(story, ingest):
    ingest(TEXT)
    ingest("  " + TEXT.replace("\n\n", "\n \n") + "\n")
    assert Article.objects.count() == 1


def test_ingesting_the_same_url_twice_adds_nothing(story, ingest):
    ingest(TEXT, url="https://example.org/a")
    ingest("Other text on Friday.", url="https://example.org/a")
    assert Article.objects.count() == 1


def test_entities_are_linked_and_a_surname_joins_the_full_name(story, ingest):
    ingest(
        "Canal chief Osama Rabie said on Tuesday the ship would stay.\n\n"
        "Rabie added on Wednesday that talks would continue.",
        published=dt.date(2021, 4, 15),
    )
    rabie = Entity.objects.get(name="Osama Rabie")
    assert rabie.kind == Entity.Kind.PERSON
    assert "Rabie" in rabie.aliases
    assert rabie.events.count() == 2


def test_an_editors_correction_survives_re_extraction(story, ingest):
    article = ingest(TEXT, published=dt.date(2021, 4, 14))
    event = article.events.get(timex_text="Tuesday")
    event.date = dt.date(2021, 4, 12)
    services.event_save_edit(event=event, changed_fields=["date"])

    summary = services.article_extract_events(article=article)

    event.refresh_from_db()
    assert event.date == dt.date(2021, 4, 12)
    assert event.edited_fields == ["date"]
    assert summary.kept == 1
    assert article.events.count() == 2


def test_rejected_and_verified_events_are_kept_as_editors_left_them(story, ingest):
    article = ingest(TEXT, published=dt.date(2021, 4, 14))
    services.events_set_status(
        events=article.events.filter(timex_text="Tuesday"), status="rejected"
    )
    services.events_set_status(
        events=article.events.filter(timex_text="Thursday"), status="verified"
    )

    services.article_extract_events(article=article)

    statuses = dict(article.events.values_list("timex_text", "status"))
    assert statuses == {"Tuesday": "rejected", "Thursday": "verified"}


def test_re_extraction_refreshes_unedited_events_and_retires_those_no_longer_found(story, ingest):
    article = ingest(TEXT, published=dt.date(2021, 4, 14))
    untouched = article.events.get(timex_text="Thursday")
    Event.objects.filter(pk=untouched.pk).update(date=dt.date(2000, 1, 1), explanation="old")
    stale = Event.objects.create(
        article=article,
        story=story,
        date=dt.date(2021, 1, 1),
        text="gone",
        sentence_start=0,
        sentence_end=5,
        timex_start=0,
        timex_end=2,
        timex_text="Eg",
    )

    summary = services.article_extract_events(article=article)

    untouched.refresh_from_db()
    assert untouched.date == dt.date(2021, 4, 15)
    assert not Event.objects.filter(pk=stale.pk).exists()
    # Only the event whose values changed is rewritten; "Tuesday" was found again unchanged.
    assert (summary.updated, summary.retired, summary.created) == (1, 1, 0)


def test_re_extraction_leaves_an_unchanged_events_last_change_time_alone(story, ingest):
    article = ingest(TEXT, published=dt.date(2021, 4, 14))
    before = dict(article.events.values_list("pk", "updated_at"))
    history = Event.history.count()

    summary = services.article_extract_events(article=article)

    assert summary.updated == 0
    assert dict(article.events.values_list("pk", "updated_at")) == before
    assert Event.history.count() == history


def test_an_extractor_failure_is_recorded_on_the_article_and_nothing_is_half_written(story, ingest):
    with mock.patch("timeline.services.extract", side_effect=RuntimeError("boom")):
        article = ingest(TEXT)
    article.refresh_from_db()
    assert article.extraction_status == Article.ExtractionStatus.FAILED
    assert "boom" in article.extraction_error
    assert not article.events.exists()


def test_changing_an_articles_source_moves_its_events_with_it(story, ingest):
    article = ingest(TEXT, source="Old Outlet")
    article.source = services.source_get_or_create(name="New Outlet")
    services.article_save_edit(article=article, changed_fields=["source"], created=False)
    assert set(article.events.values_list("source__name", flat=True)) == {"New Outlet"}


def test_story_create_makes_a_unique_slug(db):
    first = services.story_create(title="Canal watch")
    second = services.story_create(title="Canal  watch")
    assert (first.slug, second.slug) == ("canal-watch", "canal-watch-2")
