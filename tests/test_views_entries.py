"""The timeline shows one entry per happening: its sources, first report, disagreement, evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.stories import AGROUND_23_MARCH, AGROUND_24_MARCH, AGROUND_TUESDAY
from timeline import services
from timeline.models import Event

pytestmark = pytest.mark.django_db

REFLOATED = "Salvage crews refloated the Ever Given on Monday after six days."


@pytest.fixture
def grouped_story(story, ingest):
    ingest(
        AGROUND_TUESDAY, published=dt.date(2021, 3, 24), title="Ship stuck", source="Meridian Wire"
    )
    ingest(
        AGROUND_23_MARCH,
        published=dt.date(2021, 3, 25),
        title="Canal <shut>",
        source="Harbour Ledger",
    )
    ingest(REFLOATED, published=dt.date(2021, 3, 30), title="Afloat", source="The Canal Desk")
    return story


def entry_html(html: str, text: str) -> str:
    """The <li> of the timeline entry whose text (or a report's) contains `text`."""
    at = html.index(text)
    start = html.rindex('<li class="event', 0, at)
    return html[start : html.index("</li>\n    \n  </ol>", at)]


def test_reports_of_one_happening_show_as_one_entry_with_its_sources(client, grouped_story):
    html = client.get("/stories/suez/").content.decode()
    assert html.count('<li class="event') == 2
    entry = entry_html(html, "ran aground")
    assert "2 sources" in entry
    assert "first reported by <strong>Meridian Wire</strong>" in entry
    assert '<time datetime="2021-03-24">24 March 2021</time>' in entry
    assert "Sources disagree" not in entry


def test_the_entry_discloses_every_report_with_its_source_and_article(client, grouped_story):
    html = client.get("/stories/suez/").content.decode()
    entry = entry_html(html, "ran aground")
    details = entry[entry.index("<details") : entry.index("</details>")]
    assert "<summary>2 reports of this</summary>" in details
    for sentence, source in (
        (AGROUND_TUESDAY, "Meridian Wire"),
        (AGROUND_23_MARCH, "Harbour Ledger"),
    ):
        event = Event.objects.get(text=sentence)
        assert sentence in details
        assert source in details
        assert f'/articles/{event.article_id}/#event-{event.pk}"' in details
    assert "Canal &lt;shut&gt;" in details  # user text is escaped


def test_a_single_report_links_its_article_without_a_disclosure(client, grouped_story):
    entry = entry_html(client.get("/stories/suez/").content.decode(), "refloated")
    assert "<details" not in entry
    assert '<span class="event__source">The Canal Desk</span>' in entry


def test_sources_that_disagree_on_the_date_are_flagged_with_each_date_and_its_sources(
    client, grouped_story, ingest
):
    ingest(AGROUND_24_MARCH, published=dt.date(2021, 3, 26), source="Gulf Freight Review")
    entry = entry_html(client.get("/stories/suez/").content.decode(), "ran aground")
    assert "event--disputed" in entry
    assert "<strong>Sources disagree</strong>" in entry
    assert (
        '<span class="event__disagree-date">23 March 2021</span>: Meridian Wire, Harbour Ledger'
        in entry
    )
    assert '<span class="event__disagree-date">24 March 2021</span>: Gulf Freight Review' in entry
    assert "3 sources" in entry


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"source": "harbour-ledger"}, AGROUND_TUESDAY, "refloated"),
        ({"q": "blocking"}, AGROUND_TUESDAY, "refloated"),
        ({"start": "2021-03-28"}, "refloated", "ran aground"),
    ],
)
def test_an_entry_matches_a_filter_when_any_of_its_reports_does(
    client, grouped_story, params, present, absent
):
    html = client.get("/stories/suez/", params).content.decode()
    assert present in html  # the other report is shown as evidence too
    assert absent not in html


def test_an_htmx_filter_gets_only_the_fragment_with_the_grouped_entry(client, grouped_story):
    response = client.get("/stories/suez/", {"q": "aground"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="filters"' not in html
    assert "2 sources" in html and "<details" in html


def test_the_entrys_text_follows_the_editors_canonical_choice(client, grouped_story):
    from timeline import entries

    event = Event.objects.get(text=AGROUND_23_MARCH)
    entries.group_set_canonical(group=event.group, event=event)
    html = client.get("/stories/suez/").content.decode()
    assert f'<p class="event__text">{AGROUND_23_MARCH}</p>' in html


def test_a_rejected_report_leaves_its_entry_and_its_evidence(client, grouped_story):
    services.events_set_status(
        events=Event.objects.filter(text=AGROUND_TUESDAY), status=Event.Status.REJECTED
    )
    html = client.get("/stories/suez/").content.decode()
    assert AGROUND_TUESDAY not in html
    assert AGROUND_23_MARCH in html
    assert "2 sources" not in html


def test_the_grouped_timeline_query_count_is_small_and_constant(
    client, story, ingest, django_assert_max_num_queries
):
    for day in range(1, 25, 3):  # days far enough apart to be separate meetings
        for outlet in ("Wire", "Ledger", "Desk"):
            ingest(
                f"Officials met the {outlet} in Cairo on {day} March 2021 to discuss tolls.",
                published=dt.date(2021, 3, 20),
                source=outlet,
            )
    assert Event.objects.order_by().values("group").distinct().count() == 8
    # Story, the form's entity and source choices (one query), entries, their reports, the
    # reports' names, the density chart.
    with django_assert_max_num_queries(6):
        response = client.get("/stories/suez/")
    assert response.content.decode().count("3 sources") == 8
    with django_assert_max_num_queries(5):
        client.get("/stories/suez/?q=Cairo", headers={"HX-Request": "true"})


def test_the_story_list_counts_the_events_the_timeline_shows_not_their_reports(
    client, grouped_story, django_assert_max_num_queries
):
    # Cold: the stories, then the counts of those not cached (story_list).
    with django_assert_max_num_queries(2):
        html = client.get("/").content.decode()
    assert "2 events from 3 articles" in html
    # Warm: the stories only; the counts come from the cache.
    with django_assert_max_num_queries(1):
        html = client.get("/").content.decode()
    assert "2 events from 3 articles" in html


def test_a_corrected_report_inside_an_entry_shows_its_correction(client, grouped_story):
    # Not the entry's own text (the first report's), so its note shows with the report.
    event = Event.objects.get(text=AGROUND_23_MARCH)
    event.date = dt.date(2021, 3, 22)
    services.event_save_edit(event=event, changed_fields=["date"])
    entry = entry_html(client.get("/stories/suez/").content.decode(), "ran aground")
    details = entry[entry.index("<details") : entry.index("</details>")]
    assert "Date corrected by an editor; first extracted as 23 March 2021." in details
