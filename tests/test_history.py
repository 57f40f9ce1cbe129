"""History: who changed what and why, shown as field diffs in admin, revertible; public notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from timeline import services
from timeline.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(ingest):
    article = ingest("The Ever Given ran aground on Tuesday.", published=dt.date(2021, 3, 24))
    return article.events.get()


def edit(admin_client, event: Event, **changes):
    data = {
        "date": event.date.isoformat(),
        "precision": event.precision,
        "end_date": "",
        "status": event.status,
        "text": event.text,
        "entities": [e.pk for e in event.entities.all()],
        "version": event.version,
        "change_reason": "",
    } | changes
    return admin_client.post(reverse("admin:timeline_event_change", args=[event.pk]), data)


def test_an_edit_is_recorded_with_who_when_what_and_why(admin_client, admin_user, event):
    response = edit(admin_client, event, date="2021-03-22", change_reason="Ship grounded Monday")
    assert response.status_code == 302
    latest, previous = event.history.order_by("-history_id")[:2]
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Ship grounded Monday"
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "date"] == [
        ("date", dt.date(2021, 3, 23), dt.date(2021, 3, 22))
    ]
    assert event.history.first().history_type == "~"
    assert event.history.last().history_change_reason == "extracted"


def test_the_admin_history_page_shows_the_field_level_changes(admin_client, event):
    edit(admin_client, event, date="2021-03-22", change_reason="wrong weekday")
    response = admin_client.get(reverse("admin:timeline_event_history", args=[event.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "wrong weekday" in html
    assert "2021-03-22" in html or "22 March 2021" in html or "March 22, 2021" in html


def test_an_old_version_can_be_reverted_in_admin(admin_client, event):
    original = event.history.earliest("history_id")
    edit(admin_client, event, date="2021-03-22")
    event.refresh_from_db()
    url = reverse("admin:timeline_event_simple_history", args=[event.pk, original.history_id])
    form = admin_client.get(url).context["adminform"].form
    assert form["version"].value() == event.version  # checked against the current version
    response = admin_client.post(
        url,
        {
            "date": "2021-03-23",
            "precision": "day",
            "end_date": "",
            "status": "extracted",
            "text": event.text,
            "version": form["version"].value(),
            "change_reason": "revert",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert event.date == dt.date(2021, 3, 23)
    assert event.history.first().history_change_reason == "revert"


def test_the_timeline_notes_a_corrected_date(client, event):
    event.date = dt.date(2021, 3, 22)
    services.event_save_edit(event=event, changed_fields=["date"])
    html = client.get(f"/stories/{event.story.slug}/").content.decode()
    assert "Correction:" in html
    assert "first extracted as 23 March 2021" in html


def test_an_uncorrected_event_has_no_note(client, event):
    services.events_set_status(events=Event.objects.all(), status="verified")
    assert "Correction:" not in client.get(f"/stories/{event.story.slug}/").content.decode()


def test_bulk_decisions_are_in_the_history_with_the_editor(admin_client, admin_user, event):
    admin_client.post(
        reverse("admin:timeline_event_changelist"),
        {"action": "verify", "_selected_action": [event.pk]},
    )
    latest = event.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "verified",
        admin_user,
        "bulk: verified",
    )


def test_a_link_that_was_empty_shows_as_none_not_as_a_deleted_row(admin_client, event):
    # As if the event had been extracted before it had a timeline entry: its first version
    # has no entry, and grouping it later is recorded as a change.
    event.history.update(group=None)
    services.events_set_status(events=Event.objects.filter(pk=event.pk), status="verified")
    response = admin_client.get(reverse("admin:timeline_event_history", args=[event.pk]))
    html = response.content.decode()
    assert "pk=None" not in html
    assert "(none)" in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/timeline/event/abc/history/",
        "/admin/timeline/event/abc/history/5/",
        "/admin/timeline/event/{pk}/history/abc/",
        "/admin/timeline/article/abc/history/",
        "/admin/timeline/eventgroup/1e3/history/",
    ],
)
def test_a_history_url_with_a_malformed_id_is_not_found_not_an_error(admin_client, event, path):
    assert admin_client.get(path.format(pk=event.pk)).status_code == 404
