"""The export and feed responses: each format parsed back, with the timeline's filters applied."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import icalendar
import pytest

from tests.stories import ingest_both
from timeline import services
from timeline.models import Event, Precision
from timeline.selectors import TimelineFilters, story_entries, story_events

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://evil") The convoy sailed on Friday.'


@pytest.fixture
def exported(story, ingest):
    ingest_both(ingest)
    ingest(
        HOSTILE,
        published=dt.date(2021, 4, 3),
        title="<img src=x onerror=alert(2)>",
        source="<b>Evil</b>, Outlet; Ltd",
    )
    # An editor says the refloating is only known to the month.
    event = Event.objects.get(text__startswith="Salvage teams")
    event.date, event.precision = dt.date(2021, 3, 1), Precision.MONTH
    services.event_save_edit(event=event, changed_fields=["date", "precision"])
    return story


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def expected(story, **filters) -> list[Event]:
    return list(story_events(story=story, filters=TimelineFilters(**filters)))


def expected_entries(story, **filters) -> list[int]:
    return [e.pk for e in story_entries(story=story, filters=TimelineFilters(**filters))]


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def calendar_events(response) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body(response)).walk("VEVENT"))


def atom_entries(response) -> list[ET.Element]:
    return ET.fromstring(body(response)).findall(f"{ATOM}entry")


@pytest.mark.parametrize(
    ("path", "content_type", "disposition"),
    [
        ("events.csv", "text/csv; charset=utf-8", 'attachment; filename="suez-events.csv"'),
        ("events.json", "application/json", 'attachment; filename="suez-events.json"'),
        ("timeline.json", "application/json", 'inline; filename="suez-events.json"'),
        ("events.ics", "text/calendar; charset=utf-8", 'attachment; filename="suez-events.ics"'),
        ("feed.atom", "application/atom+xml; charset=utf-8", 'inline; filename="suez-events.atom"'),
    ],
)
def test_each_export_has_its_content_type_filename_and_cache_headers(
    client, exported, path, content_type, disposition
):
    response = client.get(f"/stories/suez/{path}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition
    assert response["ETag"].startswith('"')
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    body(response)


def test_the_csv_has_one_row_per_visible_event_in_timeline_order(client, exported):
    rows = csv_rows(client.get("/stories/suez/events.csv"))
    events = expected(exported)
    assert [int(row["id"]) for row in rows] == [e.pk for e in events]
    month = next(row for row in rows if row["text"].startswith("Salvage teams"))
    assert month["precision"] == "month"
    assert month["date_label"] == "March 2021"
    assert month["correction"].startswith("Date corrected by an editor")
    assert month["source"] == "Harbour Ledger"
    assert month["permalink"] == f"http://testserver/stories/suez/events/{month['id']}/"
    tugboats = next(row for row in rows if row["text"].startswith("Tugboats"))
    assert "Suez Canal Authority" in tugboats["entities"].split("; ")


def test_csv_cells_keep_user_text_but_never_start_a_formula(client, exported):
    rows = csv_rows(client.get("/stories/suez/events.csv?q=convoy"))
    assert len(rows) == 1
    (row,) = rows
    assert row["text"] == HOSTILE  # starts with "<", so kept verbatim
    assert row["source"] == "<b>Evil</b>, Outlet; Ltd"
    assert not any(value.startswith(("=", "+", "@")) for value in row.values())


@pytest.mark.parametrize(
    ("params", "kept"),
    [
        ({"q": "tugboats"}, {"q": "tugboats"}),
        ({"start": "2021-03-26"}, {"start": dt.date(2021, 3, 26)}),
        ({"end": "2021-03-24"}, {"end": dt.date(2021, 3, 24)}),
        ({"precision": "month"}, {"precision": "month"}),
        ({"source": "harbour-ledger"}, {"source": "harbour-ledger"}),
    ],
)
def test_exports_apply_the_timelines_filters(client, exported, params, kept):
    from timeline.models import Source

    if "source" in kept:
        kept = {"source": Source.objects.get(slug=kept["source"])}
    ids = [e.pk for e in expected(exported, **kept)]
    assert 0 < len(ids) < len(expected(exported))
    assert [int(r["id"]) for r in csv_rows(client.get("/stories/suez/events.csv", params))] == ids
    document = json.loads(body(client.get("/stories/suez/events.json", params)))
    assert [e["id"] for e in document["events"]] == ids
    # TimelineJS and the calendar have one item per timeline entry, like the page.
    entries = expected_entries(exported, **kept)
    slides = json.loads(body(client.get("/stories/suez/timeline.json", params)))["events"]
    assert [s["unique_id"] for s in slides] == [f"entry-{pk}" for pk in entries]
    vevents = calendar_events(client.get("/stories/suez/events.ics", params))
    assert sorted(str(v["UID"]) for v in vevents) == sorted(
        f"entry-{pk}@testserver" for pk in entries
    )
    entries = atom_entries(client.get("/stories/suez/feed.atom", params))
    assert len(entries) == len(ids)


def test_the_entity_filter_applies_to_exports(client, exported):
    event = Event.objects.get(text__startswith="Tugboats")
    entity = event.entities.get(name="Suez Canal Authority")
    document = json.loads(body(client.get("/stories/suez/events.json", {"entity": entity.slug})))
    assert [e["id"] for e in document["events"]] == [event.pk]
    assert document["filters"] == {"entity": entity.slug}


def test_the_json_export_carries_every_field_with_user_text_as_data(client, exported):
    document = json.loads(body(client.get("/stories/suez/events.json")))
    assert document["story"] == {
        "title": "Suez Canal blockage",
        "slug": "suez",
        "url": "http://testserver/stories/suez/",
    }
    hostile = next(e for e in document["events"] if "convoy" in e["text"])
    assert hostile["text"] == HOSTILE
    assert hostile["article"]["title"] == "<img src=x onerror=alert(2)>"
    assert hostile["date"] == "2021-04-02" and hostile["date_iso"] == "2021-04-02"
    month = next(e for e in document["events"] if e["text"].startswith("Salvage teams"))
    assert (month["precision"], month["date_iso"], month["date_label"]) == (
        "month",
        "2021-03",
        "March 2021",
    )
    assert month["version"] == 2


def test_timelinejs_slides_respect_precision_and_escape_user_text(client, exported):
    document = json.loads(body(client.get("/stories/suez/timeline.json")))
    assert document["title"]["text"]["headline"] == "Suez Canal blockage"
    slides = {s["unique_id"]: s for s in document["events"]}
    month = Event.objects.get(text__startswith="Salvage teams")
    slide = slides[f"entry-{month.group_id}"]
    assert slide["start_date"] == {"year": "2021", "month": "3", "display_date": "March 2021"}
    assert "end_date" not in slide
    hostile = Event.objects.get(text__contains="convoy")
    slide = slides[f"entry-{hostile.group_id}"]
    assert slide["start_date"] == {
        "year": "2021",
        "month": "4",
        "day": "2",
        "display_date": "2 April 2021",
    }
    html = slide["text"]["headline"] + slide["text"]["text"]
    assert "<script>" not in html and "<img" not in html and "<b>Evil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in slide["text"]["text"]
    assert f'href="http://testserver/stories/suez/events/{hostile.pk}/"' in slide["text"]["text"]


def test_the_calendar_has_all_day_events_spanning_their_precision(client, exported):
    response = client.get("/stories/suez/events.ics")
    raw = body(response).decode()
    calendar = icalendar.Calendar.from_ical(raw)
    assert str(calendar["X-WR-CALNAME"]) == "Suez Canal blockage"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in raw
    vevents = {str(v["UID"]): v for v in calendar.walk("VEVENT")}
    grounding = Event.objects.get(text__contains="ran aground")
    day = vevents[f"entry-{grounding.group_id}@testserver"]
    assert day.decoded("DTSTART") == dt.date(2021, 3, 23)
    assert day.decoded("DTEND") == dt.date(2021, 3, 24)
    assert str(day["SUMMARY"]) == grounding.text
    assert str(day["URL"]) == f"http://testserver/stories/suez/events/{grounding.pk}/"
    assert "Reported by Meridian Wire in “Ship blocks canal”, 25 March 2021" in str(
        day["DESCRIPTION"]
    )
    assert "DTSTART;VALUE=DATE:20210323\r\nDTEND;VALUE=DATE:20210324" in raw
    month = Event.objects.get(text__startswith="Salvage teams")
    span = vevents[f"entry-{month.group_id}@testserver"]
    assert (span.decoded("DTSTART"), span.decoded("DTEND")) == (
        dt.date(2021, 3, 1),
        dt.date(2021, 4, 1),
    )
    assert str(span["SUMMARY"]).startswith("March 2021: Salvage teams")
    hostile = vevents[f"entry-{Event.objects.get(text__contains='convoy').group_id}@testserver"]
    assert str(hostile["SUMMARY"]) == HOSTILE  # commas, quotes and brackets survive the format
    assert "<b>Evil</b>, Outlet; Ltd" in str(hostile["DESCRIPTION"])


def test_calendar_uids_stay_the_same_when_an_event_is_edited(client, exported):
    first = {str(v["UID"]): v for v in calendar_events(client.get("/stories/suez/events.ics"))}
    event = Event.objects.get(text__contains="ran aground")
    event.text = "The Ever Given ran aground, blocking the canal."
    services.event_save_edit(event=event, changed_fields=["text"])
    second = {str(v["UID"]): v for v in calendar_events(client.get("/stories/suez/events.ics"))}
    assert first.keys() == second.keys()
    uid = f"entry-{event.group_id}@testserver"
    assert str(second[uid]["SUMMARY"]) == event.text
    assert second[uid]["SEQUENCE"] >= first[uid]["SEQUENCE"]
    assert second[uid].decoded("LAST-MODIFIED") >= first[uid].decoded("LAST-MODIFIED")


def test_the_atom_feed_lists_new_and_changed_events_latest_change_first(client, exported):
    entries = atom_entries(client.get("/stories/suez/feed.atom"))
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids)) == len(expected(exported))
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert updated == sorted(updated, reverse=True)

    event = Event.objects.get(text__contains="ran aground")
    event.text = "Correction: the Ever Given ran aground at 07:40."
    services.event_save_edit(event=event, changed_fields=["text"])
    entries = atom_entries(client.get("/stories/suez/feed.atom"))
    top = entries[0]
    assert top.find(f"{ATOM}link").get("href") == (
        f"http://testserver/stories/suez/events/{event.pk}/"
    )
    assert top.findtext(f"{ATOM}id") in ids  # the same entry, changed: a reader updates it
    assert "ran aground at 07:40" in top.findtext(f"{ATOM}title")
    assert top.findtext(f"{ATOM}updated") > top.findtext(f"{ATOM}published")


def test_atom_summaries_are_html_with_user_text_escaped(client, exported):
    entries = atom_entries(client.get("/stories/suez/feed.atom?q=convoy"))
    (entry,) = entries
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # What a feed reader renders as HTML: the user's markup is text in it.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary.text
    assert "<script>" not in summary.text and "<img" not in summary.text
    assert "&lt;b&gt;Evil&lt;/b&gt;" in summary.text
    assert entry.findtext(f"{ATOM}title").endswith("convoy sailed on Friday.")


def test_rejected_events_are_never_exported(client, exported):
    services.events_set_status(
        events=Event.objects.filter(text__contains="ran aground"), status=Event.Status.REJECTED
    )
    assert "ran aground" not in body(client.get("/stories/suez/events.csv")).decode()
    assert "ran aground" not in body(client.get("/stories/suez/events.json")).decode()
    assert "ran aground" not in body(client.get("/stories/suez/events.ics")).decode()
    assert "ran aground" not in body(client.get("/stories/suez/feed.atom")).decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "24/03/2021"}, "start", "Enter a date as YYYY-MM-DD."),
        ({"start": "2021-03-20", "end": "2021-03-01"}, "end", "The end date is before"),
        ({"precision": "century"}, "precision", "Precision must be day"),
        ({"entity": "nobody-at-all"}, "entity", "No person, organisation or place"),
        ({"source": "<script>"}, "source", "No such source"),
    ],
)
@pytest.mark.parametrize("path", ["events.json", "timeline.json"])
def test_invalid_filters_get_a_json_400_from_the_json_exports(
    client, exported, path, params, field, message
):
    response = client.get(f"/stories/suez/{path}", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert message in errors[field][0]


@pytest.mark.parametrize("path", ["events.csv", "events.ics", "feed.atom"])
def test_invalid_filters_get_a_plain_text_400_from_the_other_exports(client, exported, path):
    response = client.get(f"/stories/suez/{path}", {"start": "soon", "source": "<script>"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "nothing was exported" in text
    assert "From (start): Enter a date as YYYY-MM-DD." in text
    assert "Source (source): No such source in this story." in text


def test_exports_ignore_the_timelines_load_more_cursor(client, exported):
    rows = csv_rows(client.get("/stories/suez/events.csv", {"after": "garbage"}))
    assert len(rows) == len(expected(exported))


def test_an_unchanged_export_answers_not_modified_and_a_change_invalidates_it(client, exported):
    first = client.get("/stories/suez/events.csv")
    body(first)
    again = client.get("/stories/suez/events.csv", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    filtered = client.get("/stories/suez/events.csv?q=tugboats")
    assert filtered["ETag"] != first["ETag"]

    event = Event.objects.get(text__contains="ran aground")
    event.text = "Edited."
    services.event_save_edit(event=event, changed_fields=["text"])
    edited = client.get("/stories/suez/events.csv", headers={"If-None-Match": first["ETag"]})
    assert edited.status_code == 200

    Event.objects.get(text__startswith="Tugboats").delete()
    deleted = client.get("/stories/suez/events.csv", headers={"If-None-Match": edited["ETag"]})
    assert deleted.status_code == 200
    assert "Tugboats" not in body(deleted).decode()


def test_an_export_answers_head_but_not_post(client, exported):
    assert client.head("/stories/suez/events.ics").status_code == 200
    assert client.post("/stories/suez/events.ics").status_code == 405


def test_an_export_of_an_unknown_story_is_a_404(client, db):
    assert client.get("/stories/nothing-here/events.csv").status_code == 404


@pytest.mark.parametrize(
    "path", ["events.csv", "events.json", "timeline.json", "events.ics", "feed.atom"]
)
def test_export_query_counts_do_not_grow_with_the_number_of_events(
    client, story, ingest, django_assert_max_num_queries, path
):
    for day in range(1, 25):
        ingest(
            f"Officials met Egypt's envoy in Cairo on {day} March 2021. Report {day}.",
            published=dt.date(2021, 3, 28),
            source=f"Outlet {day % 5}",
        )
    assert Event.objects.count() >= 24
    # The story, two for the ETag, the events (or the entries, then their reports) and their
    # entities: a thousand rows per round trip.
    with django_assert_max_num_queries(6):
        response = client.get(f"/stories/suez/{path}")
        content = body(response)
    assert b"Cairo" in content


def test_streamed_pieces_are_joined_into_blocks_of_about_the_given_size():
    from timeline.exports.views import _buffered

    pieces = ["ab", b"cd", "é" * 3, "x"]
    assert list(_buffered(pieces, size=4)) == [b"abcd", "ééé".encode(), b"x"]
    assert list(_buffered([], size=4)) == []
    assert b"".join(_buffered(["line\n"] * 1000, size=1024)) == b"line\n" * 1000


def test_a_happening_several_outlets_reported_is_one_slide_and_one_calendar_event(
    client, story, ingest
):
    ingest(
        "The container ship Ever Given ran aground in the Suez Canal on Tuesday.",
        published=dt.date(2021, 3, 24),
        title="Ship stuck",
        source="Meridian Wire",
    )
    ingest(
        "On 23 March the Ever Given ran aground in the Suez Canal, blocking it.",
        published=dt.date(2021, 3, 25),
        title="Canal shut",
        source="Harbour Ledger",
    )
    ingest(
        "The Ever Given ran aground in the Suez Canal on 24 March, officials insisted.",
        published=dt.date(2021, 3, 26),
        title="<i>Officials</i> differ",
        source="The Canal Desk",
    )
    (entry,) = story_entries(story=story, filters=TimelineFilters())
    assert entry.report_count == 3 and entry.sources_disagree

    (slide,) = json.loads(body(client.get("/stories/suez/timeline.json")))["events"]
    assert slide["unique_id"] == f"entry-{entry.pk}"
    assert slide["start_date"]["day"] == "23"
    text = slide["text"]["text"]
    assert "Reported in 3 articles by 3 sources, first by Meridian Wire:" in text
    assert text.count("<li>") == 3
    assert "&lt;i&gt;Officials&lt;/i&gt; differ" in text and "<i>" not in text
    assert "<strong>Sources disagree on the date:</strong> 23 March 2021" in text
    assert "24 March 2021 (The Canal Desk)" in text

    (vevent,) = calendar_events(client.get("/stories/suez/events.ics"))
    assert str(vevent["UID"]) == f"entry-{entry.pk}@testserver"
    assert vevent.decoded("DTSTART") == dt.date(2021, 3, 23)
    description = str(vevent["DESCRIPTION"])
    assert "Reported in 3 articles:" in description
    assert "- Harbour Ledger in “Canal shut”, 25 March 2021" in description
    assert "Sources disagree on the date:" in description
    categories = vevent["CATEGORIES"].cats
    assert list(categories) == ["Meridian Wire", "Harbour Ledger", "The Canal Desk"]

    # The data exports keep every report, each naming its entry.
    rows = csv_rows(client.get("/stories/suez/events.csv"))
    assert len(rows) == 3 and {row["entry"] for row in rows} == {str(entry.pk)}
    document = json.loads(body(client.get("/stories/suez/events.json")))
    assert {e["entry"] for e in document["events"]} == {entry.pk}


def test_choosing_an_entrys_canonical_report_changes_the_exports_etag(client, story, ingest):
    from timeline import entries

    for title, source, published in (("One", "Meridian Wire", 24), ("Two", "Harbour Ledger", 25)):
        ingest(
            "The Ever Given ran aground in the Suez Canal on 23 March 2021.",
            published=dt.date(2021, 3, published),
            title=title,
            source=source,
        )
    (entry,) = story_entries(story=story, filters=TimelineFilters())
    first = client.get("/stories/suez/timeline.json")
    body(first)
    second_report = Event.objects.filter(group=entry).order_by("-id").first()
    entries.group_set_canonical(group=entry, event=second_report)
    again = client.get("/stories/suez/timeline.json", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert f"/events/{second_report.pk}/" in body(again).decode()
