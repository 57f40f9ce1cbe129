"""Timeline entries: reports grouped on ingest and by command; editors' decisions are kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from timeline import entries, services
from timeline.extraction.grouping import pair_scores
from timeline.extraction.grouping_eval import load_gold
from timeline.models import Event, EventGroup

pytestmark = pytest.mark.django_db

AGROUND_TUESDAY = "The container ship Ever Given ran aground in the Suez Canal on Tuesday."
AGROUND_23_MARCH = "On 23 March the Ever Given ran aground in the Suez Canal, blocking it."
AGROUND_24_MARCH = "The Ever Given ran aground in the Suez Canal on 24 March, officials insisted."
REFLOATED = "Salvage crews refloated the Ever Given on Monday after six days."


@pytest.fixture
def grounding(ingest):
    """Two outlets reporting the grounding of 23 March 2021 in different words."""
    first = ingest(
        AGROUND_TUESDAY, published=dt.date(2021, 3, 24), title="Ship stuck", source="Meridian Wire"
    )
    second = ingest(
        AGROUND_23_MARCH,
        published=dt.date(2021, 3, 25),
        title="Canal shut",
        source="Harbour Ledger",
    )
    return first, second


def only_event(article) -> Event:
    return article.events.get()


def assignment(story) -> dict[int, int]:
    return dict(Event.objects.filter(story=story).values_list("pk", "group_id"))


def test_a_new_article_reporting_the_same_happening_joins_its_entry(grounding):
    first, second = grounding
    group = only_event(first).group
    assert only_event(second).group == group
    assert (group.report_count, group.source_count, group.sources_disagree) == (2, 2, False)
    assert group.date == dt.date(2021, 3, 23)


def test_a_different_happening_starts_an_entry_of_its_own(grounding, ingest):
    later = ingest(REFLOATED, published=dt.date(2021, 3, 30), source="The Canal Desk")
    assert only_event(later).group != only_event(grounding[0]).group
    assert only_event(later).group.report_count == 1


def test_reports_a_day_apart_are_grouped_and_flagged_as_sources_disagreeing(grounding, ingest):
    third = ingest(AGROUND_24_MARCH, published=dt.date(2021, 3, 26), source="The Canal Desk")
    group = only_event(third).group
    assert group == only_event(grounding[0]).group
    assert group.sources_disagree
    assert group.report_count == 3


def test_every_event_belongs_to_an_entry_after_ingest(story, ingest):
    ingest("Tugs arrived on Wednesday. Dredgers followed on Thursday.", source="Wire")
    assert not Event.objects.filter(group__isnull=True).exists()


def test_the_group_events_command_is_idempotent(grounding, ingest, story):
    ingest(REFLOATED, published=dt.date(2021, 3, 30), source="The Canal Desk")
    before = assignment(story)
    out = io.StringIO()
    call_command("group_events", "--story", story.slug, stdout=out)
    assert "0 placed in an entry, 0 new entries" in out.getvalue()
    call_command("group_events", stdout=io.StringIO())
    assert assignment(story) == before


def test_the_group_events_command_refuses_an_unknown_story(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No story"):
        call_command("group_events", "--story", "nope")


def test_regrouping_a_story_groups_what_separate_ingests_left_apart(grounding, story):
    first, second = grounding
    # As if they had been ingested before grouping existed: one entry each.
    entries.events_split(events=second.events.all())
    Event.objects.filter(story=story).update(group_pinned=False)
    EventGroup.objects.update(locked=False)
    entries.story_group_events(story=story)
    assert only_event(first).group == only_event(second).group
    # The first report kept its entry; the second moved into it, and its history says so.
    assert only_event(second).history.values_list("history_change_reason", flat=True)[0] == (
        "regrouped"
    )


def test_a_new_reports_first_entry_adds_nothing_to_its_history(grounding):
    reasons = list(only_event(grounding[1]).history.values_list("history_change_reason", flat=True))
    assert reasons == ["extracted"]


def test_a_split_survives_re_extraction_and_regrouping(grounding, story, admin_user):
    first, second = grounding
    new = entries.events_split(events=second.events.all(), user=admin_user)
    assert only_event(second).group == new
    for article in (first, second):
        services.article_extract_events(article=article)
    entries.story_group_events(story=story)
    assert only_event(second).group == new
    assert only_event(first).group != new
    history = only_event(second).history.first()
    assert history.history_change_reason.startswith("split from entry")
    assert history.history_user == admin_user


def test_a_merge_survives_re_extraction_and_regrouping(grounding, ingest, story, admin_user):
    later = ingest(REFLOATED, published=dt.date(2021, 3, 30), source="The Canal Desk")
    target = entries.groups_merge(
        groups=EventGroup.objects.filter(
            pk__in=[only_event(later).group_id, only_event(grounding[0]).group_id]
        ),
        user=admin_user,
    )
    assert target.locked and target.report_count == 3
    services.article_extract_events(article=later)
    entries.story_group_events(story=story)
    assert {only_event(a).group_id for a in (*grounding, later)} == {target.pk}
    assert target.history.first().history_change_reason.startswith("merged entries")


def test_a_new_report_still_joins_an_entry_an_editor_split(grounding, ingest):
    first, second = grounding
    entries.events_split(events=second.events.all())
    third = ingest(AGROUND_TUESDAY + " It blocked ships.", published=dt.date(2021, 3, 24))
    assert only_event(third).group in (only_event(first).group, only_event(second).group)


def test_the_editors_canonical_choice_survives_regrouping(grounding, story):
    first, second = grounding
    group = only_event(first).group
    entries.group_set_canonical(group=group, event=only_event(second))
    entries.story_group_events(story=story)
    group.refresh_from_db()
    assert group.canonical_chosen
    assert group.text == AGROUND_23_MARCH


def test_the_canonical_report_must_belong_to_the_entry(grounding, ingest):
    later = ingest(REFLOATED, published=dt.date(2021, 3, 30))
    with pytest.raises(entries.GroupingError):
        entries.group_set_canonical(group=only_event(grounding[0]).group, event=only_event(later))


@pytest.mark.parametrize(
    ("select", "message"),
    [("none", "Select reports of one entry"), ("all", "nothing to split")],
)
def test_a_split_that_means_nothing_is_refused(grounding, select, message):
    events = Event.objects.none() if select == "none" else Event.objects.all()
    with pytest.raises(entries.GroupingError, match=message):
        entries.events_split(events=events)


def test_merging_needs_two_entries_of_one_story(grounding, ingest, story):
    with pytest.raises(entries.GroupingError, match="at least two"):
        entries.groups_merge(groups=EventGroup.objects.filter(pk=only_event(grounding[0]).group_id))
    other = services.story_get_or_create(slug="other")
    elsewhere = ingest(REFLOATED, published=dt.date(2021, 3, 30), into=other)
    with pytest.raises(entries.GroupingError, match="different stories"):
        entries.groups_merge(
            groups=EventGroup.objects.filter(
                pk__in=[only_event(grounding[0]).group_id, only_event(elsewhere).group_id]
            )
        )


def test_rejecting_a_report_updates_its_entry(grounding):
    first, second = grounding
    event = only_event(first)
    event.status = Event.Status.REJECTED
    services.event_save_edit(event=event, changed_fields=["status"])
    group = only_event(second).group
    assert (group.report_count, group.text) == (1, AGROUND_23_MARCH)


def test_an_editors_date_correction_can_make_sources_disagree(grounding):
    event = only_event(grounding[1])
    event.date = dt.date(2021, 3, 22)
    services.event_save_edit(event=event, changed_fields=["date"])
    assert only_event(grounding[0]).group.sources_disagree


def test_the_demo_story_is_grouped_as_the_labelled_set_says(db):
    """The product's grouping (ingest, stored entities) measured on the labelled clusters."""
    call_command("load_demo", stdout=io.StringIO())
    groups: dict[int, list[str]] = {}
    for event in Event.objects.select_related("article"):
        key = f"{event.article.published.isoformat()}|{event.article.title}|"
        key += f"{event.sentence_start}|{event.timex_start}"
        groups.setdefault(event.group_id, []).append(key)
    scores = pair_scores(groups.values(), load_gold())
    assert scores.precision >= 0.55, scores
    assert scores.recall >= 0.53, scores


def _split_apart(story, article) -> None:
    """As if the article had been ingested before grouping existed: an entry of its own."""
    entries.events_split(events=article.events.all())
    Event.objects.filter(story=story).update(group_pinned=False)
    EventGroup.objects.update(locked=False)


def test_the_grouping_task_regroups_a_story_and_records_what_it_did(grounding, story):
    from timeline import tasks

    first, second = grounding
    _split_apart(story, second)
    job, result = tasks.story_group_enqueue(story=story)
    job.refresh_from_db()
    assert (job.kind, job.status, job.done, job.total) == ("group", "done", 1, 1)
    assert job.summary == {"reports": 2, "moved": 1, "created": 0, "removed": 1}
    assert result.return_value == {"job": job.pk, **job.summary}
    assert only_event(first).group == only_event(second).group
    # Running it again finds nothing to move.
    again, _ = tasks.story_group_enqueue(story=story)
    again.refresh_from_db()
    assert again.summary["moved"] == 0 and again.summary["created"] == 0


def test_a_grouping_task_that_keeps_failing_is_marked_failed_and_changes_nothing(
    grounding, story, settings, monkeypatch
):
    from django.db import OperationalError

    from timeline import tasks

    settings.TIMELINE_TASK_MAX_ATTEMPTS = 2
    _split_apart(story, grounding[1])
    before = assignment(story)

    def fails(*, story):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(tasks, "story_group_events", fails)
    job, _ = tasks.story_group_enqueue(story=story)
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("failed", 0, 2)
    assert job.error.endswith("shutting down (after 2 attempts)")
    assert assignment(story) == before


def test_the_group_events_command_can_queue_a_background_job(grounding, story):
    from timeline.models import JobProgress

    _split_apart(story, grounding[1])
    out = io.StringIO()
    call_command("group_events", "--story", story.slug, "--background", stdout=out)
    job = JobProgress.objects.get(kind="group")
    assert f"queued background job {job.pk}" in out.getvalue()
    # The tests' backend runs tasks at once, so the job is already done.
    assert job.status == "done" and job.story == story
    assert only_event(grounding[0]).group == only_event(grounding[1]).group


def test_the_story_action_regroups_in_the_background_and_says_what_it_did(
    admin_client, grounding, story
):
    from django.urls import reverse

    _split_apart(story, grounding[1])
    response = admin_client.post(
        reverse("admin:timeline_story_changelist"),
        {"action": "group_stories", "_selected_action": [story.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Grouped 2 report(s) of “Suez Canal blockage”: 1 placed in an entry" in html
    assert only_event(grounding[0]).group == only_event(grounding[1]).group


@pytest.mark.parametrize("pinned", [False, True])
def test_an_article_moved_to_another_story_takes_its_reports_into_that_storys_entries(
    grounding, story, ingest, pinned
):
    from timeline.models import Story

    first, second = grounding
    if pinned:  # an editor had split it off into an entry of its own
        entries.events_split(events=second.events.all())
    other = Story.objects.create(slug="canal-trade", title="Canal trade")
    there = ingest(
        "The Ever Given ran aground in the Suez Canal on 23 March 2021, blocking trade.",
        published=dt.date(2021, 3, 26),
        source="The Canal Desk",
        into=other,
    )
    second.story = other
    services.article_save_edit(article=second, changed_fields=["story"], created=False)

    moved = only_event(second)
    assert moved.story == other and moved.group.story == other
    assert moved.group == only_event(there).group  # the same happening, in its new story
    stayed = only_event(first).group
    stayed.refresh_from_db()
    assert stayed.story == story and stayed.report_count == 1
    # No entry mixes two stories.
    for group in EventGroup.objects.all():
        assert set(group.events.values_list("story_id", flat=True)) <= {group.story_id}
