"""Corrections are never lost: not to a concurrent edit, not to re-extraction."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from django.db import connection
from django.urls import reverse

from tests.admin_forms import editable_list_data
from timeline import services
from timeline.models import Event

pytestmark = pytest.mark.django_db

TEXT = (
    "The Ever Given ran aground on Tuesday in the Suez Canal.\n\n"
    "Salvage teams said on Wednesday they would try again on Friday.\n\n"
    "The canal authority will reopen the waterway next week."
)
PUBLISHED = dt.date(2021, 3, 24)


@pytest.fixture
def article(ingest):
    return ingest(TEXT, published=PUBLISHED)


def load(pk: int) -> Event:
    return Event.objects.get(pk=pk)


def test_the_second_of_two_editors_gets_a_conflict_showing_the_first_ones_change(article):
    event = article.events.get(timex_text="Tuesday")
    alice, bob = load(event.pk), load(event.pk)
    alice.date = dt.date(2021, 3, 22)
    services.event_save_edit(event=alice, changed_fields=["date"])

    bob.date = dt.date(2021, 3, 21)
    with pytest.raises(services.EditConflict) as raised:
        services.event_save_edit(event=bob, changed_fields=["date"])

    assert "date = 2021-03-22" in raised.value.message  # theirs
    assert "date = 2021-03-21" in raised.value.message  # yours
    assert load(event.pk).date == dt.date(2021, 3, 22)
    assert load(event.pk).version == 2


def test_the_admin_form_refuses_a_stale_save_and_shows_the_other_change(admin_client, article):
    event = article.events.get(timex_text="Tuesday")
    url = reverse("admin:timeline_event_change", args=[event.pk])
    form = {
        "date": "2021-03-21",
        "precision": "day",
        "end_date": "",
        "status": "extracted",
        "text": event.text,
        "entities": [e.pk for e in event.entities.all()],
        "version": event.version,
    }
    other = load(event.pk)
    other.date = dt.date(2021, 3, 22)
    services.event_save_edit(event=other, changed_fields=["date"])

    response = admin_client.post(url, form)

    html = response.content.decode()
    assert response.status_code == 200
    assert "changed by someone else" in html
    assert "date = 2021-03-22" in html
    assert load(event.pk).date == dt.date(2021, 3, 22)
    # The re-rendered form carries the new version: saving again applies the editor's value.
    assert 'name="version" value="2"' in html
    response = admin_client.post(url, form | {"version": 2})
    assert response.status_code == 302
    assert load(event.pk).date == dt.date(2021, 3, 21)


def test_the_editable_list_refuses_a_stale_row(admin_client, article):
    event = article.events.order_by("date", "id").first()
    others = list(Event.objects.exclude(pk=event.pk).order_by("date", "id"))
    data = editable_list_data([event, *others])
    data["form-0-precision"] = "month"
    meanwhile = load(event.pk)
    meanwhile.precision = "week"
    services.event_save_edit(event=meanwhile, changed_fields=["precision"])

    response = admin_client.post(reverse("admin:timeline_event_changelist"), data)

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert load(event.pk).precision == "week"


def test_an_editor_saving_during_re_extraction_wins(article, monkeypatch):
    event = article.events.get(timex_text="Friday")
    real = services._is_protected
    raced = []

    def editor_saves_meanwhile(candidate):
        # Re-extraction has read the events; an editor saves before it writes.
        if not raced:
            raced.append(True)
            edited = load(event.pk)
            edited.date = dt.date(2021, 3, 27)
            services.event_save_edit(event=edited, changed_fields=["date"])
        return real(candidate)

    monkeypatch.setattr(services, "_is_protected", editor_saves_meanwhile)
    services.article_extract_events(article=article)

    saved = load(event.pk)
    assert saved.date == dt.date(2021, 3, 27)
    assert saved.edited_fields == ["date"]


@pytest.mark.postgres
def test_concurrent_saves_from_threads_let_exactly_one_through(article, transactional_db):
    if connection.vendor != "postgresql":
        # Django's in-memory SQLite test database cannot be written from several threads.
        pytest.skip("a real multi-connection race: runs in the PostgreSQL pass of .ci/run")
    event = article.events.get(timex_text="Tuesday")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def editor(day: int) -> None:
        from django.db import connection as thread_connection

        mine = load(event.pk)
        mine.date = dt.date(2021, 3, day)
        barrier.wait()
        try:
            services.event_save_edit(event=mine, changed_fields=["date"], expected_version=1)
            outcomes.append("saved")
        except services.EditConflict:
            outcomes.append("conflict")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=editor, args=(day,)) for day in (18, 19, 20, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    assert load(event.pk).version == 2


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_re_extractions_and_concurrent_saves_lose_no_edit(article, seed):
    """A model of what editors committed must always match the database."""
    rng = random.Random(seed)
    pks = list(article.events.values_list("pk", flat=True))
    committed: dict[tuple[int, str], object] = {}  # (event, field) -> value an editor saved
    snapshots: dict[tuple[str, int], Event] = {}  # what each editor has loaded
    editors = ("alice", "bob", "carol")
    values = {
        "date": lambda: dt.date(2021, 3, rng.randint(1, 31)),
        "precision": lambda: rng.choice(["day", "week", "month"]),
        "status": lambda: rng.choice(["extracted", "verified"]),
        "text": lambda: f"Edited text {rng.randint(0, 999)}",
    }
    conflicts = saves = 0
    for _step in range(60):
        action = rng.random()
        pk = rng.choice(pks)
        editor = rng.choice(editors)
        if action < 0.3:
            snapshots[(editor, pk)] = load(pk)
        elif action < 0.8 and (editor, pk) in snapshots:
            mine = snapshots.pop((editor, pk))
            name = rng.choice(list(values))
            setattr(mine, name, values[name]())
            stale = mine.version != load(pk).version
            try:
                services.event_save_edit(event=mine, changed_fields=[name])
            except services.EditConflict:
                assert stale
                conflicts += 1
                continue
            assert not stale
            saves += 1
            committed[(pk, name)] = getattr(mine, name)
        elif action < 0.9:
            services.article_extract_events(article=article)
        else:
            services.events_set_status(
                events=Event.objects.filter(pk=pk), status=Event.Status.VERIFIED
            )
            committed[(pk, "status")] = "verified"
        for (event_pk, name), value in committed.items():
            assert getattr(load(event_pk), name) == value, (seed, event_pk, name)
    assert saves + conflicts > 0
