"""The editors' admin: pages load with few queries, corrections are recorded, actions work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from tests.admin_forms import editable_list_data
from timeline import services
from timeline.admin import evidence_html
from timeline.models import Event

pytestmark = pytest.mark.django_db

TEXT = (
    "The Ever Given ran aground on Tuesday in the Suez Canal.\n\n"
    "Salvage teams said on Wednesday they would try again on Friday."
)


@pytest.fixture
def article(ingest):
    return ingest(TEXT, published=dt.date(2021, 3, 24), title="Stuck <ship>")


def test_the_event_changelist_loads_with_a_constant_number_of_queries(
    admin_client, story, ingest, django_assert_max_num_queries
):
    for n in range(12):
        ingest(
            f"Report {n}: the ship moved on Monday near Ismailia.", published=dt.date(2021, 3, 30)
        )
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("admin:timeline_event_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count('class="evidence"') == 12


def test_the_article_changelist_and_change_page_load_with_few_queries(
    admin_client, article, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:timeline_article_changelist")).status_code == 200
    with django_assert_max_num_queries(20):
        response = admin_client.get(reverse("admin:timeline_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert "Tuesday</mark>" in response.content.decode()


def test_the_evidence_is_highlighted_and_escaped(story, ingest):
    article = ingest("<b>Bold</b> claims were made on Tuesday.", published=dt.date(2021, 3, 24))
    event = article.events.get()
    html = evidence_html(event, article.text)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert ">Tuesday</mark>" in html


def test_editing_an_event_in_admin_records_the_changed_fields(admin_client, article):
    event = article.events.get(timex_text="Tuesday")
    url = reverse("admin:timeline_event_change", args=[event.pk])
    response = admin_client.post(
        url,
        {
            "date": "2021-03-22",
            "precision": "day",
            "end_date": "",
            "status": "extracted",
            "text": event.text,
            "entities": [entity.pk for entity in event.entities.all()],
            "version": event.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.date == dt.date(2021, 3, 22)
    assert event.edited_fields == ["date"]


def test_list_editable_changes_are_recorded_too(admin_client, article):
    events = list(Event.objects.order_by("date", "id"))
    data = editable_list_data(events)
    data["form-0-precision"] = "week"
    response = admin_client.post(reverse("admin:timeline_event_changelist"), data)
    assert response.status_code == 302
    edited = Event.objects.get(pk=events[0].pk)
    assert edited.precision == "week" and edited.edited_fields == ["precision"]
    assert all(not e.edited_fields for e in Event.objects.exclude(pk=events[0].pk))


@pytest.mark.parametrize(("action", "status"), [("verify", "verified"), ("reject", "rejected")])
def test_bulk_actions_set_the_status(admin_client, article, action, status):
    pks = list(Event.objects.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:timeline_event_changelist"),
        {"action": action, "_selected_action": pks},
    )
    assert response.status_code == 302
    assert set(Event.objects.values_list("status", flat=True)) == {status}


def test_the_re_extract_action_keeps_corrections(admin_client, article):
    event = article.events.get(timex_text="Friday")
    event.date = dt.date(2021, 3, 27)
    event.edited_fields = ["date"]
    event.save()
    response = admin_client.post(
        reverse("admin:timeline_article_changelist"),
        {"action": "reextract_articles", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "kept as editors left them" in response.content.decode()
    event.refresh_from_db()
    assert event.date == dt.date(2021, 3, 27)


def test_editing_an_articles_text_in_admin_re_extracts_it(admin_client, article):
    url = reverse("admin:timeline_article_change", args=[article.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["story"] = article.story_id
    data["source"] = article.source_id
    data["text"] = "Traffic resumed on Monday."
    data["published"] = "2021-03-30"
    events = article.events.order_by("sentence_start")
    data |= {
        "events-TOTAL_FORMS": str(events.count()),
        "events-INITIAL_FORMS": str(events.count()),
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    for i, event in enumerate(events):
        data |= {
            f"events-{i}-id": event.pk,
            f"events-{i}-article": article.pk,
            f"events-{i}-date": event.date.isoformat(),
            f"events-{i}-precision": event.precision,
            f"events-{i}-end_date": "",
            f"events-{i}-status": event.status,
            f"events-{i}-version": event.version,
        }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(article.events.values_list("date", flat=True)) == [dt.date(2021, 3, 29)]


def test_the_entity_autocomplete_answers(admin_client, article):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Ever", "app_label": "timeline", "model_name": "event", "field_name": "entities"},
    )
    assert response.status_code == 200
    assert "Ever Given" in response.content.decode()


def test_the_editors_group_can_correct_but_not_delete(client, article):
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert "change_event" in codenames and "add_article" in codenames
    assert not any(code.startswith("delete_") for code in codenames)
    user = User.objects.create_user("ed", password="pw-for-tests-only-123", is_staff=True)
    user.groups.add(editors)
    client.force_login(user)
    assert client.get(reverse("admin:timeline_event_changelist")).status_code == 200
    event = Event.objects.first()
    assert client.post(reverse("admin:timeline_event_delete", args=[event.pk])).status_code == 403
    assert client.get("/articles/add/").status_code == 200


def test_the_extraction_quality_page_counts_corrections_by_rule_family(
    admin_client, article, django_assert_max_num_queries
):
    from timeline import services

    tuesday = article.events.get(timex_text="Tuesday")
    tuesday.date = dt.date(2021, 3, 22)
    services.event_save_edit(event=tuesday, changed_fields=["date"])
    services.events_set_status(events=article.events.filter(timex_text="Friday"), status="rejected")

    url = reverse("admin:timeline_event_quality")
    with django_assert_max_num_queries(8):
        response = admin_client.get(url, {"story": article.story.slug})
    assert response.status_code == 200
    rows = {row.rule: row for row in response.context["rows"]}
    weekday = rows["weekday"]
    assert (weekday.total, weekday.date_changed, weekday.rejected) == (3, 1, 1)
    assert response.context["totals"].total == Event.objects.count()
    html = response.content.decode()
    assert "Extraction quality" in html and "weekday" in html
    assert (
        "Extraction quality"
        in admin_client.get(reverse("admin:timeline_event_changelist")).content.decode()
    )


def test_the_quality_page_is_for_staff_only(client, article):
    response = client.get(reverse("admin:timeline_event_quality"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_merging_entities_moves_their_events_and_keeps_the_names_as_aliases(
    admin_client, story, ingest
):
    from timeline.models import Entity

    ingest("Canal chief Osama Rabie spoke on Tuesday.", published=dt.date(2021, 3, 24))
    ingest(
        "Officials said Mr Osama on Monday that talks went well.", published=dt.date(2021, 3, 24)
    )
    rabie = Entity.objects.get(name="Osama Rabie")
    stray = Entity.objects.create(name="O. Rabie", kind="other", slug="o-rabie")
    stray.events.add(*Event.objects.filter(timex_text="Monday"))
    response = admin_client.post(
        reverse("admin:timeline_entity_changelist"),
        {"action": "merge", "_selected_action": [rabie.pk, stray.pk]},
        follow=True,
    )
    assert "Merged 2 entities" in response.content.decode()
    rabie.refresh_from_db()
    assert not Entity.objects.filter(pk=stray.pk).exists()
    assert "O. Rabie" in rabie.aliases
    assert rabie.events.count() == 2


def test_the_review_queue_lists_unchecked_uncertain_events_first(admin_client, article):
    sure = article.events.get(timex_text="Tuesday")
    Event.objects.filter(pk=sure.pk).update(confidence=0.95, rule="month-day")
    Event.objects.filter(timex_text="Friday").update(confidence=0.5)
    services.events_set_status(
        events=article.events.filter(timex_text="Wednesday"), status="verified"
    )
    response = admin_client.get(reverse("admin:timeline_event_changelist"), {"review": "attention"})
    listed = [event.timex_text for event in response.context["cl"].result_list]
    assert listed == ["Friday"]
    assert "review-keys.js" in response.content.decode()
