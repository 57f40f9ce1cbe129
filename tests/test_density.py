"""The density chart: bucket size from the span, counts per bar, outliers, links that narrow."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import pytest

from timeline import services
from timeline.density import MAX_BARS, MIN_SLOTS, SLOT, Unit, density_chart, unit_for_span
from timeline.models import Entity, Event, Source
from timeline.selectors import TimelineFilters, story_density, story_events

D = dt.date


def query_for(start, end) -> str:
    return f"start={start or ''}&end={end or ''}"


def chart(days, *, start=None, end=None):
    return density_chart(days, start=start, end=end, query_for=query_for)


@pytest.mark.parametrize(
    ("first", "last", "unit"),
    [
        (D(2021, 3, 23), D(2021, 3, 23), Unit("day")),
        (D(2021, 3, 1), D(2021, 4, 30), Unit("day")),  # 61 days
        (D(2021, 3, 1), D(2021, 5, 2), Unit("week")),  # 63 days
        (D(2021, 3, 1), D(2021, 8, 29), Unit("week")),  # 26 weeks
        (D(2021, 3, 1), D(2021, 9, 30), Unit("month")),
        (D(2015, 1, 1), D(2022, 12, 31), Unit("month")),  # 8 years
        (D(2001, 1, 1), D(2021, 12, 31), Unit("year")),
        (D(1869, 1, 1), D(2021, 12, 31), Unit("year", 2)),
        (D(1, 1, 1), D(2021, 12, 31), Unit("year", 50)),
    ],
)
def test_it_chooses_days_weeks_months_or_years_from_the_span(first, last, unit):
    assert unit_for_span(first, last) == unit


@pytest.mark.parametrize(
    ("first", "last"),
    [(D(2021, 1, 1), D(2021, 1, 1) + dt.timedelta(days=n)) for n in (0, 40, 62, 150, 900, 3000)]
    + [(D(1500, 1, 1), D(2021, 1, 1)), (D(1, 1, 1), D(9999, 12, 31))],
)
def test_a_chart_never_has_more_than_the_maximum_number_of_bars(first, last):
    drawn = chart([(first, 1), (last, 1)], start=first, end=last)
    assert 1 <= len(drawn.bars) <= MAX_BARS
    assert drawn.bars[0].start == first and drawn.bars[-1].end == last


def test_days_fold_into_monday_weeks_with_their_counts():
    drawn = chart([(D(2021, 3, 1), 2), (D(2021, 3, 7), 1), (D(2021, 3, 8), 4), (D(2021, 5, 2), 1)])
    assert drawn.unit == Unit("week")
    assert [bar.count for bar in drawn.bars[:3]] == [3, 4, 0]
    assert (drawn.bars[0].start, drawn.bars[0].end) == (D(2021, 3, 1), D(2021, 3, 7))
    assert drawn.bars[0].label == "week of 1 March 2021"
    assert drawn.total == 8
    assert drawn.peak.start == D(2021, 3, 8)


def test_each_bar_links_to_its_own_dates_and_the_tallest_fills_the_height():
    drawn = chart([(D(2021, 3, 23), 10), (D(2021, 3, 25), 5)])
    bars = {bar.start: bar for bar in drawn.bars}
    assert bars[D(2021, 3, 23)].query == query_for(D(2021, 3, 23), D(2021, 3, 23))
    assert bars[D(2021, 3, 23)].height == 2 * bars[D(2021, 3, 25)].height
    assert bars[D(2021, 3, 24)].height == 0
    assert bars[D(2021, 3, 23)].title == "23 March 2021: 10 reports"
    assert bars[D(2021, 3, 25)].x > bars[D(2021, 3, 23)].x


def test_a_chart_of_a_few_bars_stands_them_in_the_middle_rather_than_stretching_them():
    one = chart([(D(2021, 3, 23), 1)])
    [bar] = one.bars
    assert one.narrow and one.width == MIN_SLOTS * SLOT
    assert bar.x + bar.width / 2 == pytest.approx(one.width / 2)
    many = chart([(D(2021, 3, 1), 1), (D(2021, 3, 31), 1)])
    assert not many.narrow and many.width == len(many.bars) * SLOT
    assert many.bars[0].x == pytest.approx((SLOT - many.bars[0].width) / 2)


def test_month_bars_end_on_the_last_day_of_their_month():
    drawn = chart([(D(2020, 1, 31), 1), (D(2020, 12, 1), 1)])
    assert drawn.unit == Unit("month")
    assert [(bar.start, bar.end) for bar in drawn.bars[:2]] == [
        (D(2020, 1, 1), D(2020, 1, 31)),
        (D(2020, 2, 1), D(2020, 2, 29)),
    ]


def test_the_date_filters_fix_the_span_and_keep_every_bar_inside_them():
    drawn = chart([(D(2021, 3, 24), 3)], start=D(2021, 3, 3), end=D(2021, 5, 20))
    assert drawn.unit == Unit("week")
    assert drawn.bars[0].start == D(2021, 3, 3)  # not Monday 1 March: the filter starts later
    assert drawn.bars[-1].end == D(2021, 5, 20)
    assert drawn.earlier is None and drawn.later is None


def test_a_range_that_began_before_the_start_filter_counts_in_the_first_bar():
    drawn = chart([(D(2021, 3, 20), 1), (D(2021, 3, 24), 1)], start=D(2021, 3, 22))
    assert drawn.bars[0].start == D(2021, 3, 22)
    assert drawn.bars[0].count == 1 and drawn.total == 2


def test_a_few_far_off_events_become_an_earlier_link_instead_of_flattening_the_chart():
    days = [(D(1869, 1, 1), 1), (D(2015, 1, 1), 2)]
    days += [(D(2021, 3, 1) + dt.timedelta(days=n), 3) for n in range(0, 120, 2)]
    drawn = chart(days)
    assert drawn.unit == Unit("week")
    assert drawn.bars[0].start == D(2021, 3, 1)
    assert drawn.earlier.count == 3
    assert (drawn.earlier.first, drawn.earlier.last) == (D(1869, 1, 1), D(2015, 1, 1))
    assert drawn.earlier.query == query_for(None, D(2021, 2, 28))
    assert drawn.total == 180
    assert "3 earlier reports are not drawn" in drawn.description


def test_a_late_outlier_becomes_a_later_link():
    days = [(D(2021, 3, 1) + dt.timedelta(days=n), 2) for n in range(40)] + [(D(2024, 6, 1), 1)]
    drawn = chart(days)
    assert drawn.unit == Unit("day")
    assert drawn.later.count == 1
    assert drawn.later.query == query_for(D(2021, 4, 10), None)


def test_spread_out_events_are_all_drawn():
    days = [(D(2015 + n, 6, 1), 1) for n in range(7)]
    drawn = chart(days)
    assert drawn.earlier is None and drawn.later is None
    assert drawn.total == 7


def test_no_events_means_no_chart():
    assert chart([]) is None
    assert chart([(D(2021, 3, 1), 0)]) is None


def test_the_title_and_description_say_what_the_chart_shows():
    drawn = chart([(D(2021, 3, 23), 4), (D(2021, 3, 24), 1)])
    assert drawn.title == "Reports per day, 23 March 2021 to 24 March 2021"
    assert drawn.description.startswith("5 reports in 2 bars of one day; the busiest is 23 March")


# The selector: one aggregate query over the same filtered events as the timeline.

REPORTS = [
    ("Officials met in Cairo on 1 March 2021 to discuss the canal.", "Meridian Wire"),
    ("Tugboats worked in Suez on 2 March 2021 to free the ship.", "Meridian Wire"),
    ("Tugboats returned to Suez on 9 March 2021.", "Harbour Ledger"),
    ("Insurers in London counted the losses on 9 March 2021.", "Harbour Ledger"),
    ("The canal reopened in April 2021.", "Harbour Ledger"),
]


@pytest.fixture
def dated_story(story, ingest):
    for text, source in REPORTS:
        ingest(text, published=dt.date(2021, 6, 1), source=source)
    return story


def bar_counts(story, **filters) -> dict[dt.date, int]:
    drawn = story_density(story=story, filters=TimelineFilters(**filters))
    return {bar.start: bar.count for bar in drawn.bars if bar.count} if drawn else {}


@pytest.mark.django_db
def test_the_selector_counts_the_visible_events_per_day(dated_story):
    assert bar_counts(dated_story) == {
        D(2021, 3, 1): 1,
        D(2021, 3, 2): 1,
        D(2021, 3, 9): 2,
        D(2021, 4, 1): 1,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "tugboats"}, {D(2021, 3, 2): 1, D(2021, 3, 9): 1}),
        ({"start": D(2021, 3, 2), "end": D(2021, 3, 9)}, {D(2021, 3, 2): 1, D(2021, 3, 9): 2}),
        ({"precision": "month"}, {D(2021, 4, 1): 1}),
        ({"source": "harbour-ledger"}, {D(2021, 3, 9): 2, D(2021, 4, 1): 1}),
        ({"entity": "london"}, {D(2021, 3, 9): 1}),
        ({"q": "nothing-like-this"}, {}),
    ],
)
def test_the_bars_honour_every_filter(dated_story, filters, expected):
    if "source" in filters:
        filters["source"] = Source.objects.get(slug=filters["source"])
    if "entity" in filters:
        filters["entity"] = Entity.objects.get(slug=filters["entity"])
    assert bar_counts(dated_story, **filters) == expected
    drawn = story_density(story=dated_story, filters=TimelineFilters(**filters))
    listed = story_events(story=dated_story, filters=TimelineFilters(**filters)).count()
    assert (drawn.total if drawn else 0) == listed


@pytest.mark.django_db
def test_rejected_events_are_not_counted(dated_story):
    services.events_set_status(
        events=Event.objects.filter(text__contains="Insurers"), status=Event.Status.REJECTED
    )
    assert bar_counts(dated_story)[D(2021, 3, 9)] == 1


@pytest.mark.django_db
def test_an_empty_story_has_no_chart(story):
    assert story_density(story=story, filters=TimelineFilters()) is None


@pytest.mark.django_db
def test_bar_links_keep_the_other_filters_and_narrow_the_dates(
    dated_story, django_assert_num_queries
):
    source = Source.objects.get(slug="harbour-ledger")
    with django_assert_num_queries(1):
        drawn = story_density(
            story=dated_story, filters=TimelineFilters(q="canal", source=source, precision="month")
        )
    bar = next(bar for bar in drawn.bars if bar.count)
    assert parse_qs(bar.query) == {
        "q": ["canal"],
        "source": ["harbour-ledger"],
        "precision": ["month"],
        "start": [bar.start.isoformat()],
        "end": [bar.end.isoformat()],
    }
