"""Real workers: the database backend's db_worker and RQ workers over the Redis on 127.0.0.1.

In-process workers share the test's database connection, so they run on SQLite and PostgreSQL
alike; the worker processes need a database another process can open: the PostgreSQL test
database in the PostgreSQL pass, a migrated SQLite file otherwise (the SQLite test database
lives in memory). Redis tests use their own database number and remove every key they made.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.conftest import missing
from tests.task_helpers import FailingFirst, article_input
from timeline import services, tasks
from timeline.models import Article, JobProgress
from timeline.settings import tasks_settings

ROOT = Path(__file__).resolve().parents[1]
# A Redis database of its own, so these tests never touch another app's queues.
TEST_REDIS_URL = os.environ.get("TIMELINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture
def database_backend(settings, monkeypatch):
    settings.TASKS = tasks_settings("database")
    settings.TIMELINE_TASK_RETRY_DELAY = 30
    settings.TIMELINE_TASK_MAX_ATTEMPTS = 3
    # The worker checks its connection between tasks; inside a test's transaction that would
    # end the transaction, so the check is left out here (the worker processes below do it).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def run_db_worker() -> None:
    """The database backend's own worker loop, in this process: runs what is due, then stops."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def redis():
    import redis as redis_client

    client = redis_client.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis_client.ConnectionError as exc:
        missing(f"no Redis server at {TEST_REDIS_URL} ({exc})")

    def forget_our_keys() -> None:
        for key in client.scan_iter(match="rq:*"):
            client.delete(key)

    forget_our_keys()
    yield client
    forget_our_keys()
    client.close()


@pytest.fixture
def rq_backend(settings, redis):
    settings.TASKS = tasks_settings("rq")
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.TIMELINE_TASK_RETRY_DELAY = 30
    settings.TIMELINE_TASK_MAX_ATTEMPTS = 3
    return redis


def run_rq_worker() -> None:
    """An RQ worker over the test Redis, in this process (SimpleWorker: no fork), in burst mode."""
    import django_rq

    worker = django_rq.get_worker("default", worker_class="rq.SimpleWorker")
    worker.work(burst=True, with_scheduler=True)


# The database backend, in this process.


@pytest.mark.django_db
def test_db_worker_runs_an_editors_extraction_first(database_backend, story):
    from django_tasks_db.models import DBTaskResult

    batch, _ = services.article_store(story=story, data=article_input(1))
    editors, _ = services.article_store(story=story, data=article_input(2))
    tasks.article_extraction_enqueue(article=batch)
    tasks.article_extraction_enqueue(article=editors, priority=tasks.EDITOR_PRIORITY)
    assert Article.objects.get(pk=batch.pk).extraction_status == "pending"
    assert list(DBTaskResult.objects.values_list("priority", "status")) == [
        (10, "READY"),
        (0, "READY"),
    ]
    run_db_worker()
    first, second = DBTaskResult.objects.order_by("started_at")
    assert first.args_kwargs["kwargs"] == {"article_id": editors.pk}
    assert {first.status, second.status} == {"SUCCESSFUL"}
    assert Article.objects.get(pk=batch.pk).events.count() == 2


@pytest.mark.django_db
def test_db_worker_retries_a_failed_extraction_later_and_admin_shows_the_error(
    database_backend, story, admin_client, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    article, _ = services.article_store(story=story, data=article_input(1))
    flaky = FailingFirst(services.article_extract_events, times=1)
    monkeypatch.setattr(services, "article_extract_events", flaky)
    tasks.article_extraction_enqueue(article=article)
    run_db_worker()

    article.refresh_from_db()
    assert (article.extraction_status, article.extraction_attempts) == ("retrying", 1)
    assert article.extraction_error == (
        "attempt 1 failed: OperationalError: server closed the connection unexpectedly"
    )
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED" and failed.exception_class_path.endswith("OperationalError")
    assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 2
    wait = (retry.run_after - timezone.now()).total_seconds()
    assert 25 < wait <= 36
    assert article.extraction_retry_at == retry.run_after

    page = admin_client.get(reverse("admin:timeline_article_change", args=[article.pk]))
    html = page.content.decode()
    assert "retrying" in html
    assert "attempt 1 failed: OperationalError: server closed the connection" in html
    listing = admin_client.get(reverse("admin:timeline_article_changelist")).content.decode()
    assert "retrying (attempt 1)" in listing

    run_db_worker()  # not due yet: nothing runs
    assert DBTaskResult.objects.get(pk=retry.pk).status == "READY"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    run_db_worker()
    article.refresh_from_db()
    assert (article.extraction_status, article.extraction_attempts) == ("done", 2)
    assert article.extraction_error == "" and article.events.count() == 2


@pytest.mark.django_db
def test_a_re_extraction_jobs_progress_moves_as_the_worker_goes(
    database_backend, story, ingest, monkeypatch, admin_client
):
    for n in range(3):
        ingest(f"Report {n}: the ship moved on Monday.", published=dt.date(2021, 3, 30))
    job, _ = tasks.story_reextract_enqueue(story=story)
    assert (job.status, job.done, job.total) == ("queued", 0, 3)
    listing = admin_client.get(reverse("admin:timeline_jobprogress_changelist")).content.decode()
    assert '<progress class="job-progress" max="100" value="0">0%</progress> 0 of 3' in listing

    seen = []
    real = services.article_extract_events

    def watching(*, article):
        seen.append(JobProgress.objects.values_list("status", "done").get(pk=job.pk))
        return real(article=article)

    monkeypatch.setattr(services, "article_extract_events", watching)
    run_db_worker()
    assert seen == [("running", 0), ("running", 1), ("running", 2)]
    job.refresh_from_db()
    assert (job.status, job.done, job.percent) == ("done", 3, 100)
    story_page = admin_client.get(reverse("admin:timeline_story_change", args=[story.pk]))
    assert "3 of 3" in story_page.content.decode()


# RQ over the Redis on 127.0.0.1, in this process.


@pytest.mark.django_db
def test_an_rq_worker_retries_a_failed_ingest_through_the_scheduler(rq_backend, story, monkeypatch):
    import django_rq
    from rq.registry import ScheduledJobRegistry

    flaky = FailingFirst(services.article_store, times=1)
    monkeypatch.setattr(services, "article_store", flaky)
    job = tasks.articles_ingest_enqueue(story=story, articles=[article_input(1)])
    run_rq_worker()

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("retrying", 0, 0)
    assert "attempt 1 failed: OperationalError" in job.error
    assert not Article.objects.exists()  # nothing half-stored
    queue = django_rq.get_queue("default")
    registry = ScheduledJobRegistry(queue=queue)
    [scheduled_id] = registry.get_job_ids()
    when = registry.get_scheduled_time(scheduled_id)
    assert 25 < (when - timezone.now()).total_seconds() <= 36

    registry.schedule(queue.fetch_job(scheduled_id), timezone.now())  # time passes
    run_rq_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == ("done", 1, 0)
    assert Article.objects.get().events.count() == 2


# Worker processes, as an operator runs them.


def _manage(*args: str, env: dict, timeout: int = 180) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _read(env: dict) -> dict:
    """What the other process wrote, read by a third (the database may be a file)."""
    code = (
        "import django, json; django.setup()\n"
        "from timeline.models import Article, JobProgress\n"
        "print(json.dumps({\n"
        "  'articles': sorted([a.title, a.extraction_status, a.events.count(), a.story.slug]\n"
        "                     for a in Article.objects.all()),\n"
        "  'jobs': list(JobProgress.objects.values_list('kind', 'status', 'done', 'total')),\n"
        "}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "timeline.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture
def worker_env(tmp_path) -> dict:
    """The environment for worker processes, with a database they can share with this test.

    The tests using it are transactional: what the processes commit is flushed afterwards.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        assert db["NAME"].startswith("test_"), "worker processes only ever get a test database"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        _manage("migrate", "--noinput", env=env)
    return env


@pytest.fixture
def articles_file(tmp_path) -> Path:
    path = tmp_path / "reports.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {"title": f"Report {n}", "published": "2021-03-24", "source": "Meridian Wire"}
                | {"text": f"Report {n}: the ship ran aground on Tuesday. Salvors return Friday."}
            )
            for n in range(3)
        )
    )
    return path


@pytest.mark.django_db(transaction=True)
def test_ingest_in_the_background_then_db_worker_stores_and_extracts(worker_env, articles_file):
    env = worker_env | {"TIMELINE_TASKS_BACKEND": "database"}
    queued = _manage("ingest", str(articles_file), "--story", "canal", "--background", env=env)
    assert "3 articles queued as background job" in queued
    assert _read(env) == {"articles": [], "jobs": [["ingest", "queued", 0, 3]]}

    _manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", env=env)
    assert _read(env) == {
        "articles": [[f"Report {n}", "done", 2, "canal"] for n in range(3)],
        "jobs": [["ingest", "done", 3, 3]],
    }


@pytest.mark.django_db(transaction=True)
def test_ingest_in_the_background_then_an_rq_worker_process_stores_and_extracts(
    worker_env, articles_file, redis
):
    env = worker_env | {"TIMELINE_TASKS_BACKEND": "rq", "REDIS_URL": TEST_REDIS_URL}
    _manage("ingest", str(articles_file), "--story", "canal", "--background", env=env)
    assert redis.llen("rq:queue:default") == 3
    assert _read(env)["articles"] == []

    _manage("rqworker", "default", "--burst", "--with-scheduler", env=env)
    assert _read(env) == {
        "articles": [[f"Report {n}", "done", 2, "canal"] for n in range(3)],
        "jobs": [["ingest", "done", 3, 3]],
    }
    assert redis.llen("rq:queue:default") == 0
