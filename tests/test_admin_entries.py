"""Editors' work on timeline entries in admin: merge, split, canonical choice, review queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from timeline import services
from timeline.models import Event, EventGroup

pytestmark = pytest.mark.django_db

AGROUND_TUESDAY = "The container ship Ever Given ran aground in the Suez Canal on Tuesday."
AGROUND_23_MARCH = "On 23 March the Ever Given ran aground in the Suez Canal, blocking it."
AGROUND_24_MARCH = "The Ever Given ran aground in the Suez Canal on 24 March, officials insisted."
REFLOATED = "Salvage crews refloated the Ever Given on Monday after six days."
CHANGELIST = "admin:timeline_eventgroup_changelist"


@pytest.fixture
def reports(ingest):
    """Two reports of the grounding (one entry) and one of the refloating."""
    for text, published, source in (
        (AGROUND_TUESDAY, dt.date(2021, 3, 24), "Meridian Wire"),
        (AGROUND_23_MARCH, dt.date(2021, 3, 25), "Harbour <Ledger>"),
        (REFLOATED, dt.date(2021, 3, 30), "The Canal Desk"),
    ):
        ingest(text, published=published, source=source)
    return {event.text: event for event in Event.objects.all()}


def test_the_entry_list_and_page_load_with_few_queries(
    admin_client, reports, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert AGROUND_TUESDAY in response.content.decode()
    group = reports[AGROUND_TUESDAY].group
    with django_assert_max_num_queries(16):
        response = admin_client.get(reverse("admin:timeline_eventgroup_change", args=[group.pk]))
    html = response.content.decode()
    assert "Harbour &lt;Ledger&gt;" in html  # the canonical choices, escaped
    assert "Tuesday</mark>" in html and "23 March</mark>" in html  # every report inline


def test_merging_entries_in_admin_makes_one_locked_entry(admin_client, reports):
    groups = [reports[AGROUND_TUESDAY].group_id, reports[REFLOATED].group_id]
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "merge", "_selected_action": [str(pk) for pk in groups]},
        follow=True,
    )
    assert "Merged into one entry of 3 reports from 3 sources" in response.content.decode()
    assert EventGroup.objects.count() == 1
    assert EventGroup.objects.get().locked
    assert Event.objects.filter(group_pinned=True).count() == 3


def test_merging_a_single_entry_explains_what_to_do(admin_client, reports):
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "merge", "_selected_action": [str(reports[REFLOATED].group_id)]},
        follow=True,
    )
    assert "Select at least two entries to merge." in response.content.decode()


def test_splitting_a_report_off_in_the_event_list_gives_it_its_own_entry(admin_client, reports):
    event = reports[AGROUND_23_MARCH]
    response = admin_client.post(
        reverse("admin:timeline_event_changelist"),
        {"action": "split_entry", "_selected_action": [str(event.pk)]},
        follow=True,
    )
    assert "into <a href=" in response.content.decode()
    event.refresh_from_db()
    assert event.group != reports[AGROUND_TUESDAY].group
    assert event.group_pinned and event.group.locked


def test_splitting_reports_of_two_entries_is_refused_with_a_reason(admin_client, reports):
    response = admin_client.post(
        reverse("admin:timeline_event_changelist"),
        {
            "action": "split_entry",
            "_selected_action": [str(reports[AGROUND_23_MARCH].pk), str(reports[REFLOATED].pk)],
        },
        follow=True,
    )
    assert "Select reports of one entry to split off." in response.content.decode()


def test_picking_the_canonical_report_on_the_entry_page_is_kept(admin_client, reports):
    event = reports[AGROUND_23_MARCH]
    url = reverse("admin:timeline_eventgroup_change", args=[event.group_id])
    data = {
        "canonical_event": str(event.pk),
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    group = EventGroup.objects.get(pk=event.group_id)
    assert group.canonical_chosen and group.text == AGROUND_23_MARCH
    assert group.history.first().history_change_reason == f"canonical report: event {event.pk}"


def test_the_canonical_action_takes_exactly_one_report(admin_client, reports):
    url = reverse("admin:timeline_event_changelist")
    two = [str(reports[AGROUND_23_MARCH].pk), str(reports[AGROUND_TUESDAY].pk)]
    response = admin_client.post(
        url, {"action": "make_canonical", "_selected_action": two}, follow=True
    )
    assert "Select exactly one report of an entry." in response.content.decode()
    one = [str(reports[AGROUND_23_MARCH].pk)]
    admin_client.post(url, {"action": "make_canonical", "_selected_action": one})
    assert EventGroup.objects.get(pk=reports[AGROUND_23_MARCH].group_id).text == AGROUND_23_MARCH


def test_the_review_queue_puts_disagreeing_sources_and_new_reports_of_checked_entries_first(
    admin_client, reports, ingest
):
    ingest(AGROUND_24_MARCH, published=dt.date(2021, 3, 26), source="Gulf Freight Review")
    services.events_set_status(
        events=Event.objects.filter(text=REFLOATED), status=Event.Status.VERIFIED
    )
    joining = ingest(
        "Salvage crews refloated the Ever Given on Monday, a week after it stuck.",
        published=dt.date(2021, 3, 31),
        source="Wire",
    ).events.get()
    assert joining.group_id == reports[REFLOATED].group_id
    Event.objects.filter(text=AGROUND_TUESDAY).update(confidence=0.4)
    # Earlier and less certain than all of them, yet only a low-confidence reason: listed after.
    uncertain = ingest("Pilots boarded the ship on 1 March.", published=dt.date(2021, 3, 2))
    uncertain.events.update(confidence=0.1)
    url = reverse("admin:timeline_event_changelist")
    listed = list(admin_client.get(url, {"review": "attention"}).context["cl"].result_list)
    disagreeing = [e for e in listed if e.group.sources_disagree]
    assert len(disagreeing) == 3
    assert listed[: len(disagreeing)] == disagreeing
    assert listed[len(disagreeing)] == joining
    assert listed[len(disagreeing) + 1] == uncertain.events.get()
    joined = list(admin_client.get(url, {"review": "joined"}).context["cl"].result_list)
    assert joined == [joining]
    html = admin_client.get(url, {"review": "attention"}).content.decode()
    assert "3 reports, sources disagree" in html


def test_editors_can_merge_and_split_entries_but_not_delete_them(client, reports):
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"view_eventgroup", "change_eventgroup"} <= codenames
    user = User.objects.create_user("ed", password="pw-for-tests-only-123", is_staff=True)
    user.groups.add(editors)
    client.force_login(user)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    group = reports[REFLOATED].group
    assert (
        client.post(reverse("admin:timeline_eventgroup_delete", args=[group.pk])).status_code == 403
    )
    selected = [str(group.pk), str(reports[AGROUND_TUESDAY].group_id)]
    client.post(reverse(CHANGELIST), {"action": "merge", "_selected_action": selected})
    assert EventGroup.objects.count() == 1
    assert EventGroup.objects.get().history.first().history_user == user


def test_the_entry_page_opens_its_reports_in_the_event_list(admin_client, reports):
    group = reports[AGROUND_TUESDAY].group
    page = admin_client.get(reverse("admin:timeline_eventgroup_change", args=[group.pk]))
    link = f"{reverse('admin:timeline_event_changelist')}?group__id__exact={group.pk}"
    assert link in page.content.decode()
    listed = admin_client.get(link).context["cl"].result_list
    assert {event.text for event in listed} == {AGROUND_TUESDAY, AGROUND_23_MARCH}
