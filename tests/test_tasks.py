"""Background tasks, run at once: ingest, extract, re-extract, retries and progress records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError

from tests.task_helpers import FailingFirst, article_input
from timeline import services, tasks
from timeline.models import Article, Event, JobProgress

pytestmark = pytest.mark.django_db

TEXT = "The Ever Given ran aground on Tuesday. Salvors will try again on Friday."


@pytest.fixture
def quick_retries(settings):
    settings.TIMELINE_TASK_MAX_ATTEMPTS = 3
    settings.TIMELINE_TASK_RETRY_DELAY = 30
    return settings


def test_an_article_payload_survives_json_and_comes_back_the_same():
    import json

    data = article_input(3, language="en-GB")
    payload = json.loads(json.dumps(tasks.article_payload(data)))
    assert tasks.article_from_payload(payload) == data


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"title": "t", "text": "x"}, "no 'published'"),
        ({"title": "t", "text": "x", "published": "yesterday"}, "Invalid isoformat"),
        (["not", "an", "object"], "must be a JSON object"),
    ],
)
def test_a_bad_article_payload_is_refused_with_a_clear_error(payload, message):
    with pytest.raises(ValueError, match=message):
        tasks.article_from_payload(payload)


@pytest.mark.parametrize(
    ("attempt", "low", "high"), [(1, 30, 36), (2, 60, 72), (3, 120, 144), (4, 240, 288)]
)
def test_the_wait_before_a_retry_doubles_with_each_failed_attempt(
    quick_retries, attempt, low, high
):
    for _ in range(20):
        assert low <= tasks.retry_delay(attempt).total_seconds() <= high


def test_the_ingest_task_stores_the_article_extracts_it_and_counts_it_on_the_job(story):
    job = tasks.articles_ingest_enqueue(story=story, articles=[article_input(1), article_input(2)])
    assert (job.status, job.done, job.total, job.percent) == ("done", 2, 2, 100)
    assert job.started_at and job.finished_at
    article = Article.objects.get(title="Report 1")
    assert article.extraction_status == Article.ExtractionStatus.DONE
    assert article.extraction_attempts == 1 and article.extraction_task_id
    assert sorted(e.date.isoformat() for e in article.events.all()) == ["2021-03-23", "2021-03-26"]


def test_ingesting_the_same_article_again_in_the_background_adds_nothing(story):
    tasks.articles_ingest_enqueue(story=story, articles=[article_input(1)])
    job = tasks.articles_ingest_enqueue(story=story, articles=[article_input(1)])
    assert job.done == 1 and Article.objects.count() == 1


def test_the_ingest_task_creates_the_story_it_names(db):
    result = tasks.ingest_article.enqueue(
        story="new-story", article=tasks.article_payload(article_input(1))
    )
    assert result.return_value["stored"] is True
    assert result.return_value["extraction"]["created"] == 2
    assert Article.objects.get().story.slug == "new-story"


def test_a_bad_payload_fails_at_once_and_the_job_names_the_article(story, quick_retries):
    job = services.job_create(kind=JobProgress.Kind.INGEST, label="two", total=2, story=story)
    tasks.enqueue(
        tasks.ingest_article,
        story=story.slug,
        article={"title": "Undated", "text": "x"},
        job_id=job.pk,
    )
    tasks.enqueue(
        tasks.ingest_article,
        story=story.slug,
        article=tasks.article_payload(article_input(1)),
        job_id=job.pk,
    )
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.attempts) == ("done", 1, 1, 0)
    assert "“Undated”: ValueError: the article payload has no 'published'" in job.error


def test_a_transient_failure_is_retried_until_extraction_succeeds(
    story, quick_retries, monkeypatch
):
    article, _ = services.article_store(story=story, data=article_input(1))
    flaky = FailingFirst(services.article_extract_events, times=2)
    monkeypatch.setattr(services, "article_extract_events", flaky)
    tasks.article_extraction_enqueue(article=article)
    article.refresh_from_db()
    assert flaky.calls == 3
    assert article.extraction_status == Article.ExtractionStatus.DONE
    assert article.extraction_attempts == 3
    assert article.events.count() == 2


def test_after_the_last_attempt_the_error_stays_on_the_article(story, quick_retries, monkeypatch):
    article, _ = services.article_store(story=story, data=article_input(1))
    flaky = FailingFirst(services.article_extract_events, times=99)
    monkeypatch.setattr(services, "article_extract_events", flaky)
    result = tasks.article_extraction_enqueue(article=article)
    article.refresh_from_db()
    assert flaky.calls == 3
    assert result.status == "FAILED"
    assert article.extraction_status == Article.ExtractionStatus.FAILED
    assert article.extraction_attempts == 3
    assert article.extraction_error == (
        "OperationalError: server closed the connection unexpectedly (after 3 attempts)"
    )


def test_an_error_in_the_input_is_not_retried(story, quick_retries, monkeypatch):
    article, _ = services.article_store(story=story, data=article_input(1))
    broken = FailingFirst(services.article_extract_events, times=99, error=ValueError("bad row"))
    monkeypatch.setattr(services, "article_extract_events", broken)
    tasks.article_extraction_enqueue(article=article)
    article.refresh_from_db()
    assert broken.calls == 1
    assert (article.extraction_status, article.extraction_error) == (
        "failed",
        "ValueError: bad row",
    )


def test_a_failure_midway_through_extraction_leaves_no_events_half_written(
    story, quick_retries, monkeypatch
):
    article, _ = services.article_store(story=story, data=article_input(1))

    def fail_after_the_events_are_written(*, events, story):
        assert Event.objects.filter(article=article).exists()  # inside the transaction
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(services, "_events_link_entities", fail_after_the_events_are_written)
    tasks.article_extraction_enqueue(article=article)
    article.refresh_from_db()
    assert article.extraction_status == Article.ExtractionStatus.FAILED
    assert not Event.objects.filter(article=article).exists()
    # The article itself is whole: its text is there to extract from once the fault is gone.
    monkeypatch.undo()
    tasks.article_extraction_enqueue(article=article)
    assert Event.objects.filter(article=article).count() == 2


def test_extracting_an_article_deleted_meanwhile_does_nothing(db):
    result = tasks.extract_article.enqueue(article_id=123456)
    assert result.return_value == {"article": 123456, "skipped": "the article no longer exists"}


def test_a_re_extraction_job_counts_every_article_and_adds_up_what_it_did(story, ingest):
    first = ingest(TEXT, title="One")
    ingest("Canal traffic resumed on Monday.", published=dt.date(2021, 3, 30), title="Two")
    event = first.events.get(timex_text="Friday")
    services.events_set_status(events=Event.objects.filter(pk=event.pk), status="verified")
    job, result = tasks.story_reextract_enqueue(story=story)
    job.refresh_from_db()
    assert (job.kind, job.status, job.done, job.total, job.failed) == ("reextract", "done", 2, 2, 0)
    # Unchanged texts rewrite nothing; the verified event is kept.
    assert job.summary == {"created": 0, "updated": 0, "retired": 0, "kept": 1}
    assert result.return_value["kept"] == 1
    assert job.story == story and job.finished_at >= job.started_at


def test_a_re_extraction_job_resumes_after_the_last_article_it_finished(
    story, ingest, quick_retries, monkeypatch
):
    articles = [
        ingest(f"Report {n}: the ship moved on Monday.", published=dt.date(2021, 3, 30))
        for n in range(4)
    ]
    seen: list[int] = []
    real = services.article_extract_events

    def fails_once_on_the_third(*, article):
        seen.append(article.pk)
        if article.pk == articles[2].pk and seen.count(article.pk) == 1:
            raise OperationalError("could not serialize access")
        return real(article=article)

    monkeypatch.setattr(services, "article_extract_events", fails_once_on_the_third)
    job, _ = tasks.story_reextract_enqueue(story=story)
    job.refresh_from_db()
    ids = [a.pk for a in articles]
    assert seen == [ids[0], ids[1], ids[2], ids[2], ids[3]]  # the first two are not redone
    assert (job.status, job.done, job.attempts) == ("done", 4, 2)
    assert job.cursor == ids[3]
    assert "attempt 1 failed: OperationalError: could not serialize access" in job.error


def test_a_re_extraction_job_that_keeps_failing_is_marked_failed(
    story, ingest, quick_retries, monkeypatch
):
    ingest(TEXT)

    def always_fails(*, article):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(services, "article_extract_events", always_fails)
    job, _ = tasks.story_reextract_enqueue(story=story)
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("failed", 0, 3)
    assert job.error.endswith("shutting down (after 3 attempts)")
    assert job.finished_at is not None


def test_an_empty_ingest_job_is_done_at_once(story):
    job = tasks.articles_ingest_enqueue(story=story, articles=[])
    assert (job.status, job.total, job.percent) == ("done", 0, 100)
