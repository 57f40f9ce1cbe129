"""Background work through Django's tasks API: ingest, extract, re-extract and regroup, retried
with backoff.

Each task takes JSON-serialisable keyword arguments only (ids, slugs, an article as a dict), so
every backend can store it: the database (`manage.py db_worker`), RQ over Redis
(`manage.py rqworker --with-scheduler`) or the immediate backend (runs in the caller).

Retries: the tasks API runs a task once. A failed attempt is retried here: the error and the
attempt number are recorded (on the article, or on the job's progress record), and the task
enqueues itself again with `run_after` = now + TIMELINE_TASK_RETRY_DELAY x 2^(attempt - 1), plus
up to a fifth of that at random so workers that lost the database together do not return
together, up to TIMELINE_TASK_MAX_ATTEMPTS attempts. Bad input (a ValueError, a deleted row)
fails at once: trying again cannot help. A backend that cannot defer (immediate) retries at once.
The attempt then re-raises, so the backend's own record of it says failed, with the traceback.

Writes go through timeline.services; each unit (storing an article, extracting one article's
events) is one transaction, so a failure midway leaves nothing half-written, and a re-extraction
job resumes after the last article it finished.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone

try:  # Django 6 ships the tasks API; on 5.2 the django-tasks backport provides the same one.
    from django.tasks import TaskContext, TaskResult, task
    from django.tasks.base import Task
except ImportError:
    from django_tasks import TaskContext, TaskResult, task
    from django_tasks.base import Task

from timeline import services
from timeline.entries import story_group_events
from timeline.models import Article, JobProgress, Story

logger = logging.getLogger(__name__)

# An editor waiting on the Add article page goes before batch work (where priorities exist).
EDITOR_PRIORITY = 10

# Trying again cannot fix these: the input is wrong or the row is gone.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    ObjectDoesNotExist,
    ValidationError,
    ValueError,
    TypeError,
    LookupError,
)


def retry_delay(attempt: int) -> dt.timedelta:
    """How long to wait after failed attempt n (1, 2, ...) before the next one."""
    base = settings.TIMELINE_TASK_RETRY_DELAY * 2 ** (attempt - 1)
    return dt.timedelta(seconds=base * (1 + random.uniform(0, 0.2)))


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def enqueue(
    task_: Task, *, priority: int = 0, run_after: dt.datetime | None = None, **kwargs
) -> TaskResult:
    """Enqueue with a priority and a start time where the configured backend supports them."""
    backend = task_.get_backend()
    changes: dict = {}
    if priority and backend.supports_priority:
        changes["priority"] = priority
    if run_after is not None and backend.supports_defer:
        changes["run_after"] = run_after
    return task_.using(**changes).enqueue(**kwargs)


def _retry_or_give_up(
    *,
    task_: Task,
    kwargs: dict,
    attempt: int,
    exc: BaseException,
    record_retry: Callable[[str, dt.datetime | None], None],
    record_failure: Callable[[str], None],
) -> None:
    """After a failed attempt: schedule the next one, or record the final failure."""
    error = error_text(exc)
    if isinstance(exc, PERMANENT_ERRORS) or attempt >= settings.TIMELINE_TASK_MAX_ATTEMPTS:
        logger.error("%s gave up after attempt %d: %s", task_.name, attempt, error)
        record_failure(error if attempt == 1 else f"{error} (after {attempt} attempts)")
        return
    backend = task_.get_backend()
    retry_at = timezone.now() + retry_delay(attempt) if backend.supports_defer else None
    logger.warning("%s attempt %d failed, retrying: %s", task_.name, attempt, error)
    # Recorded before enqueueing: an immediate backend runs the next attempt inside enqueue().
    try:
        record_retry(f"attempt {attempt} failed: {error}", retry_at)
    except Exception:  # the database may be what failed; the retry itself still matters
        logger.exception("could not record the failed attempt of %s", task_.name)
    enqueue(task_, run_after=retry_at, **kwargs, attempt=attempt + 1)


def _retry_job(*, task_: Task, kwargs: dict, attempt: int, exc: BaseException) -> None:
    """_retry_or_give_up for a task that works through a job: its record shows each attempt."""
    job_id = kwargs["job_id"]
    _retry_or_give_up(
        task_=task_,
        kwargs=kwargs,
        attempt=attempt,
        exc=exc,
        record_retry=lambda error, at: services.job_retry(job_id=job_id, error=error, retry_at=at),
        record_failure=lambda error: services.job_finish(job_id=job_id, error=error),
    )


# Payloads: an ArticleInput travels as a plain dict.


def article_payload(data: services.ArticleInput) -> dict:
    return {**asdict(data), "published": data.published.isoformat()}


def article_from_payload(payload: dict) -> services.ArticleInput:
    """The ArticleInput a payload describes; a ValueError names what is wrong with it."""
    if not isinstance(payload, dict):
        raise ValueError("an article payload must be a JSON object")
    try:
        published = dt.date.fromisoformat(str(payload["published"]))
        return services.ArticleInput(
            title=str(payload["title"]),
            text=str(payload["text"]),
            published=published,
            source=str(payload.get("source") or ""),
            url=str(payload.get("url") or ""),
            language=str(payload.get("language") or "en"),
        )
    except KeyError as exc:
        raise ValueError(f"the article payload has no {exc.args[0]!r}") from exc


# Extraction of one article.


def _extract(*, article_id: int, attempt: int, task_id: str) -> dict:
    """Extract one article's events (one transaction); on failure retry later, then re-raise."""
    try:
        article = services.article_extraction_start(
            article_id=article_id, attempt=attempt, task_id=task_id
        )
    except Article.DoesNotExist:
        return {"article": article_id, "skipped": "the article no longer exists"}
    try:
        summary = services.article_extract_events(article=article)
    except Exception as exc:
        _retry_or_give_up(
            task_=extract_article,
            kwargs={"article_id": article_id},
            attempt=attempt,
            exc=exc,
            record_retry=lambda error, at: services.article_extraction_retry(
                article_id=article_id, error=error, retry_at=at
            ),
            record_failure=lambda error: services.article_extraction_fail(
                article_id=article_id, error=error
            ),
        )
        raise
    # An error the extractor itself raised is recorded on the article by the service; it is
    # a pure function of the text and date, so trying again would fail the same way.
    return {"article": article_id, **asdict(summary)}


@task(takes_context=True)
def extract_article(context: TaskContext, *, article_id: int, attempt: int = 1) -> dict:
    """Extract (or re-extract) one article's events, keeping editors' corrections."""
    return _extract(article_id=article_id, attempt=attempt, task_id=context.task_result.id)


def article_extraction_enqueue(*, article: Article, priority: int = 0) -> TaskResult:
    """Queue an article's extraction; it shows as pending until a worker takes it."""
    services.article_extraction_queue(article_id=article.pk)
    return enqueue(extract_article, priority=priority, article_id=article.pk)


# Ingestion of one article (the ingest command's, a form's or a feed's), as part of a job.


@task(takes_context=True)
def ingest_article(
    context: TaskContext,
    *,
    story: str,
    article: dict,
    job_id: int | None = None,
    attempt: int = 1,
) -> dict:
    """Store one article in a story (created when missing), then extract its events.

    Storing is retried as a whole; once stored, an extraction failure is the article's own
    (shown and retried on it), and the article counts as ingested.
    """
    kwargs = {"story": story, "article": article, "job_id": job_id}

    def record_retry(error: str, at: dt.datetime | None) -> None:
        if job_id is not None:
            services.job_retry(job_id=job_id, error=error, retry_at=at)

    def record_failure(error: str) -> None:
        if job_id is not None:
            title = article.get("title", "?") if isinstance(article, dict) else "?"
            services.job_advance(job_id=job_id, failed=1, error=f"“{title}”: {error}")

    try:
        data = article_from_payload(article)
        target = services.story_get_or_create(slug=story)
        stored, created = services.article_store(story=target, data=data)
    except Exception as exc:
        _retry_or_give_up(
            task_=ingest_article,
            kwargs=kwargs,
            attempt=attempt,
            exc=exc,
            record_retry=record_retry,
            record_failure=record_failure,
        )
        raise
    outcome: dict = {"article": stored.pk, "stored": created}
    if created:
        try:
            outcome["extraction"] = _extract(
                article_id=stored.pk, attempt=1, task_id=context.task_result.id
            )
        except Exception as exc:  # already recorded on the article and retried there
            outcome["extraction"] = {"article": stored.pk, "error": error_text(exc)}
    if job_id is not None:
        services.job_advance(job_id=job_id, done=1)
    return outcome


def articles_ingest_enqueue(
    *, story: Story, articles: list[services.ArticleInput], label: str = ""
) -> JobProgress:
    """Queue articles for ingestion, one task each (so many workers can share them)."""
    job = services.job_create(
        kind=JobProgress.Kind.INGEST,
        story=story,
        label=label or f"{len(articles)} article(s) into “{story.title}”",
        total=len(articles),
    )
    for data in articles:
        enqueue(ingest_article, story=story.slug, article=article_payload(data), job_id=job.pk)
    if not articles:
        services.job_finish(job_id=job.pk)
    job.refresh_from_db()
    return job


# Re-extraction of many articles: one long job that reports progress and resumes after a failure.


@task(takes_context=True)
def reextract_articles(
    context: TaskContext, *, job_id: int, article_ids: list[int], attempt: int = 1
) -> dict:
    """Re-extract articles in id order, counting each on the job; editors' work is kept."""
    try:
        job = services.job_start(job_id=job_id, attempt=attempt, task_id=context.task_result.id)
    except JobProgress.DoesNotExist:
        return {"job": job_id, "skipped": "the job was deleted"}
    totals = {"created": 0, "updated": 0, "retired": 0, "kept": 0, **job.summary}
    try:
        remaining = Article.objects.filter(pk__in=article_ids, pk__gt=job.cursor).order_by("pk")
        for pk in list(remaining.values_list("pk", flat=True)):
            article = Article.objects.select_related("story").filter(pk=pk).first()
            if article is None:  # deleted since the job started
                continue
            summary = services.article_extract_events(article=article)
            for name in ("created", "updated", "retired", "kept"):
                totals[name] += getattr(summary, name)
            services.job_advance(
                job_id=job_id,
                done=0 if summary.error else 1,
                failed=1 if summary.error else 0,
                cursor=article.pk,
                summary=totals,
                error=f"“{article.title}”: {summary.error}" if summary.error else "",
            )
    except Exception as exc:
        _retry_job(
            task_=reextract_articles,
            kwargs={"job_id": job_id, "article_ids": article_ids},
            attempt=attempt,
            exc=exc,
        )
        raise
    job.refresh_from_db()
    if job.finished_at is None:  # some articles were deleted meanwhile: fewer than planned
        services.job_finish(job_id=job_id)
    return {"job": job_id, **totals}


def articles_reextract_enqueue(
    *, article_ids: list[int], label: str, story: Story | None = None
) -> tuple[JobProgress, TaskResult]:
    """Queue a re-extraction job over these articles; its progress record is returned."""
    ids = sorted(set(article_ids))
    job = services.job_create(
        kind=JobProgress.Kind.REEXTRACT, story=story, label=label, total=len(ids)
    )
    result = enqueue(reextract_articles, job_id=job.pk, article_ids=ids)
    job.refresh_from_db()
    return job, result


def story_reextract_enqueue(*, story: Story) -> tuple[JobProgress, TaskResult]:
    ids = list(story.articles.order_by("pk").values_list("pk", flat=True))
    return articles_reextract_enqueue(
        article_ids=ids, story=story, label=f"every article of “{story.title}”"
    )


# Grouping a whole story's reports into timeline entries again: one job per story.


@task(takes_context=True)
def group_story(context: TaskContext, *, job_id: int, story_id: int, attempt: int = 1) -> dict:
    """Regroup one story (a single transaction); editors' merges, splits and choices are kept."""
    try:
        services.job_start(job_id=job_id, attempt=attempt, task_id=context.task_result.id)
    except JobProgress.DoesNotExist:
        return {"job": job_id, "skipped": "the job was deleted"}
    try:
        story = Story.objects.get(pk=story_id)
        summary = asdict(story_group_events(story=story))
    except Exception as exc:
        _retry_job(
            task_=group_story,
            kwargs={"job_id": job_id, "story_id": story_id},
            attempt=attempt,
            exc=exc,
        )
        raise
    services.job_advance(job_id=job_id, done=1, summary=summary)
    return {"job": job_id, **summary}


def story_group_enqueue(*, story: Story) -> tuple[JobProgress, TaskResult]:
    """Queue the regrouping of a story's reports into entries; its progress record is returned."""
    job = services.job_create(
        kind=JobProgress.Kind.GROUP,
        story=story,
        label=f"group the reports of “{story.title}” into entries",
        total=1,
    )
    result = enqueue(group_story, job_id=job.pk, story_id=story.pk)
    job.refresh_from_db()
    return job, result
