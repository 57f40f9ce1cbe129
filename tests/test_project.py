"""Project-wide checks: migrations complete, static files collect, the demo story loads."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from timeline.models import Article, Event, Story


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_collectstatic_builds_a_compressed_manifest(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", stdout=StringIO())
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("timeline.*.css.gz"))
    assert list(tmp_path.glob("django_htmx/htmx-2.min.*.js"))


@pytest.mark.django_db
def test_the_demo_story_loads_idempotently_with_dated_events():
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    story = Story.objects.get(slug="ever-given")
    assert 20 <= Article.objects.filter(story=story).count() <= 40
    assert Event.objects.filter(story=story).count() > 60
    assert "0 new article(s)" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title_start", "expression", "date"),
    [
        ("Mega container ship wedged", "Tuesday", "2021-03-23"),
        ("Ever Given refloated", "Monday", "2021-03-29"),
        ("Egypt impounds Ever Given", "last Wednesday", "2021-04-07"),
        ("Canal authority cuts Ever Given demand", "Sunday", "2021-05-23"),
        ("Ever Given sails north", "Wednesday", "2021-07-07"),
    ],
)
def test_demo_relative_dates_resolve_to_what_happened(title_start, expression, date):
    call_command("load_demo", stdout=StringIO())
    events = Event.objects.filter(
        article__title__startswith=title_start, timex_text__iendswith=expression
    )
    assert date in {e.date.isoformat() for e in events}, [
        (e.timex_text, e.date.isoformat())
        for e in Event.objects.filter(article__title__startswith=title_start)
    ]


@pytest.mark.django_db
def test_ensure_local_admin_prints_a_random_password_once():
    first, second = StringIO(), StringIO()
    call_command("ensure_local_admin", stdout=first)
    call_command("ensure_local_admin", stdout=second)
    assert "password:" in first.getvalue()
    assert "already exists" in second.getvalue() and "password:" not in second.getvalue()
