"""Who enqueues background work: the Add article page, admin actions and the commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from timeline import services
from timeline.models import Article, Event, JobProgress
from timeline.settings import tasks_settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TEXT = "The Ever Given ran aground on Tuesday. Salvors will try again on Friday."


@pytest.fixture
def queued_for_a_worker(settings):
    """The database backend with no worker running: enqueued work waits."""
    settings.TASKS = tasks_settings("database")


def add_article(client, **changes):
    data = {
        "new_story": "Canal watch",
        "title": "Ship <stuck>",
        "published": "2021-03-24",
        "language": "en",
        "text": TEXT,
    }
    return client.post("/articles/add/", data | changes, follow=True)


def test_add_article_stores_at_once_and_says_its_events_are_on_the_way(
    admin_client, queued_for_a_worker, django_assert_max_num_queries
):
    from django_tasks_db.models import DBTaskResult

    response = add_article(admin_client)
    html = response.content.decode()
    assert "Saved “Ship &lt;stuck&gt;”. Its dated events are being extracted in the background" in (
        html
    )
    assert "Dated events are being extracted from this article in the background" in html
    article = Article.objects.get()
    assert article.extraction_status == "pending" and not article.events.exists()
    task = DBTaskResult.objects.get()
    assert (task.priority, task.args_kwargs["kwargs"]) == (10, {"article_id": article.pk})
    with django_assert_max_num_queries(8):
        admin_client.get(article.get_absolute_url())


def test_an_article_waiting_for_a_retry_says_so_on_its_page(client, story):
    article, _ = services.article_store(
        story=story,
        data=services.ArticleInput(title="T", text=TEXT, published=dt.date(2021, 3, 24)),
    )
    services.article_extraction_retry(
        article_id=article.pk,
        error="attempt 1 failed: OperationalError: gone",
        retry_at=timezone.now() + dt.timedelta(seconds=30),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "failed for now and will be tried again at" in html
    assert "OperationalError" not in html  # the details are for editors, in admin


def test_the_admin_re_extract_action_queues_a_job_and_links_to_it(
    admin_client, ingest, queued_for_a_worker
):
    article = ingest(TEXT)
    response = admin_client.post(
        reverse("admin:timeline_article_changelist"),
        {"action": "reextract_articles", "_selected_action": [article.pk]},
        follow=True,
    )
    html = response.content.decode()
    job = JobProgress.objects.get()
    assert "Queued: re-extracting 1 article(s) in the background." in html
    assert reverse("admin:timeline_jobprogress_change", args=[job.pk]) in html
    assert (job.kind, job.status, job.total, job.label) == (
        "reextract",
        "queued",
        1,
        "1 selected article(s)",
    )


def test_the_event_re_extract_action_queues_each_article_once(admin_client, ingest):
    article = ingest(TEXT)
    response = admin_client.post(
        reverse("admin:timeline_event_changelist"),
        {
            "action": "reextract",
            "_selected_action": list(article.events.values_list("pk", flat=True)),
        },
        follow=True,
    )
    # Nothing changed in the text, so nothing is rewritten (the Atom feed would list it).
    assert "Re-extracted 1 article(s): 0 new, 0 refreshed" in response.content.decode()
    assert JobProgress.objects.get().total == 1


def test_the_story_action_re_extracts_every_article_and_the_story_page_lists_the_job(
    admin_client, story, ingest
):
    ingest(TEXT)
    ingest("Canal traffic resumed on Monday.", published=dt.date(2021, 3, 30))
    response = admin_client.post(
        reverse("admin:timeline_story_changelist"),
        {"action": "reextract_stories", "_selected_action": [story.pk]},
        follow=True,
    )
    assert "Re-extracted 2 article(s)" in response.content.decode()
    page = admin_client.get(reverse("admin:timeline_story_change", args=[story.pk]))
    html = page.content.decode()
    assert "re-extract: every article of “Suez Canal blockage”" in html
    assert '<progress class="job-progress" max="100" value="100">100%</progress> 2 of 2' in html


def test_the_job_list_loads_with_a_constant_number_of_queries(
    admin_client, story, django_assert_max_num_queries
):
    for n in range(15):
        services.job_create(kind=JobProgress.Kind.INGEST, label=f"batch {n}", total=4, story=story)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:timeline_jobprogress_changelist"))
    assert response.content.decode().count('class="job-progress"') == 15


def test_editors_can_follow_jobs_but_not_change_them(client, story):
    editor = User.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    job = services.job_create(kind=JobProgress.Kind.REEXTRACT, label="all", total=1, story=story)
    client.force_login(editor)
    assert client.get(reverse("admin:timeline_jobprogress_changelist")).status_code == 200
    page = client.get(reverse("admin:timeline_jobprogress_change", args=[job.pk]))
    assert page.status_code == 200 and "Save" not in page.content.decode()


def run(command: str, *args) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue() + err.getvalue() + f"CommandError: {exc}"
    return out.getvalue() + err.getvalue()


def test_reextract_background_queues_one_job_for_the_story(ingest, story, queued_for_a_worker):
    ingest(TEXT)
    output = run("reextract", "--story", "suez", "--background")
    job = JobProgress.objects.get()
    assert f"Queued background job {job.pk}: re-extract 1 article (queued)" in output
    assert job.story == story


def test_reextract_refuses_a_story_that_does_not_exist(db):
    assert "No story with the slug “nope”" in run("reextract", "--story", "nope")


def test_ingest_background_reads_every_file_now_and_queues_the_good_articles(
    tmp_path, queued_for_a_worker
):
    (tmp_path / "good.json").write_text(
        '{"text": "Ships moved on Monday.", "published": "2021-03-30"}'
    )
    (tmp_path / "bad.json").write_text('{"text": "No date here."}')
    output = run("ingest", tmp_path, "--story", "suez", "--background", "--no-progress")
    assert "bad.json: no publication date" in output
    assert "1 article queued as background job" in output and "1 error." in output
    assert "CommandError: 1 input problem(s)" in output
    assert not Article.objects.exists()  # a worker stores it
    assert JobProgress.objects.values_list("total", "status").get() == (1, "queued")


def test_ingest_background_with_the_immediate_backend_is_done_when_it_returns(tmp_path):
    (tmp_path / "good.json").write_text(
        '{"text": "Ships moved on Monday.", "published": "2021-03-30"}'
    )
    output = run("ingest", tmp_path, "--story", "suez", "--background", "--no-progress")
    assert "(done, 1 stored so far)" in output
    assert Event.objects.get().date == dt.date(2021, 3, 29)


def test_an_unknown_tasks_backend_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="database, rq, immediate"):
        tasks_settings("celery")


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (None, "django_tasks_db.DatabaseBackend"),
        ("rq", "django_tasks_rq.RQBackend"),
        ("Immediate", "django_tasks.backends.immediate.ImmediateBackend"),
    ],
)
def test_the_tasks_backend_comes_from_the_environment(backend, expected):
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_TASKS_BACKEND"}
    if backend:
        env["TIMELINE_TASKS_BACKEND"] = backend
    code = "import timeline.settings as s; print(s.TASKS['default']['BACKEND'], s.REDIS_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split()[0] == expected
