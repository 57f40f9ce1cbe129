"""Events: one per sentence and date, with their evidence and explanation."""

import datetime

import pytest

from timeline.extraction import Event, Precision, Timex, extract

WED = datetime.date(2022, 3, 9)


def dates(text: str, published: datetime.date = WED) -> list[tuple[str, str]]:
    return [(e.iso_date, e.precision.value) for e in extract(text, published=published).events]


def test_an_event_carries_its_sentence_and_expression():
    text = "Title line\n\nErdogan held a phone call on Sunday with Putin."
    [event] = extract(text, published=WED).events
    assert event.sentence == text[event.sentence_start : event.sentence_end]
    assert event.sentence.startswith("Erdogan")
    assert text[event.timex.start : event.timex.end] == "Sunday"
    assert event.rule == "weekday"
    assert 0 < event.confidence <= 1
    assert "2022-03-09" in event.explanation and "2022-03-06" in event.explanation


def test_a_sentence_naming_the_same_day_twice_gives_one_event():
    assert dates("On Wednesday, he said on Wednesday that talks had begun.") == [
        ("2022-03-09", "day")
    ]


def test_a_sentence_with_two_dates_gives_two_events():
    assert dates("He left on Monday and came back on Wednesday.") == [
        ("2022-03-07", "day"),
        ("2022-03-09", "day"),
    ]


def test_a_time_of_day_gives_a_day_precision_event():
    [event] = extract("He came back Wednesday morning.", published=WED).events
    assert (event.iso_date, event.precision, event.timex.type) == ("2022-03-09", "day", "TIME")


@pytest.mark.parametrize(
    ("text", "timexes", "events"),
    [
        (
            "Officials met on Sunday. The talks will resume at 10 a.m. on Monday.",
            [("Sunday", "2022-03-06"), ("10 a.m.", "2022-03-14T10:00"), ("Monday", "2022-03-14")],
            [("2022-03-06", "Sunday"), ("2022-03-14", "Monday")],
        ),
        (
            "The ship was refloated at 4:30 p.m. local time on March 29, 2021.",
            [("4:30 p.m. local time", "2021-03-29T16:30"), ("March 29, 2021", "2021-03-29")],
            [("2021-03-29", "March 29, 2021")],
        ),
        (
            "The blast came at 10:35 a.m. (0735 GMT) on Friday.",
            [
                ("10:35 a.m.", "2022-03-04T10:35"),
                ("0735 GMT", "2022-03-04T07:35"),
                ("Friday", "2022-03-04"),
            ],
            [("2022-03-04", "Friday")],
        ),
        (
            # A day in the next sentence, or after other words, is not the time's day.
            "Officials met on Sunday. At 3 p.m. the vote closed. On Monday it reopened.",
            [("Sunday", "2022-03-06"), ("3 p.m.", "2022-03-06T15:00"), ("Monday", "2022-03-07")],
            [("2022-03-06", "Sunday"), ("2022-03-06", "3 p.m."), ("2022-03-07", "Monday")],
        ),
        (
            "The vote opened at 9 a.m. yesterday.",
            [("9 a.m. yesterday", "2022-03-08T09:00")],
            [("2022-03-08", "9 a.m. yesterday")],
        ),
    ],
)
def test_a_time_of_day_takes_the_day_named_right_after_it(text, timexes, events):
    result = extract(text, published=WED)
    assert [(t.text, t.value) for t in result.timexes] == timexes
    assert [(e.date.isoformat(), e.timex.text) for e in result.events] == events


def test_the_next_day_is_anchored_on_the_last_date_mentioned():
    text = "The army entered the town on March 2. The next day, it withdrew."
    assert dates(text) == [("2022-03-02", "day"), ("2022-03-03", "day")]


def test_a_week_later_is_anchored_on_the_last_date_mentioned():
    text = "The army entered the town on March 2. A week later it returned."
    assert dates(text)[-1] == ("2022-03-07", "week")


def test_an_anchored_expression_falls_back_on_the_publication_date():
    assert dates("The previous day, he resigned.") == [("2022-03-08", "day")]


@pytest.mark.parametrize(
    ("precision", "iso"),
    [
        (Precision.DAY, "2022-03-09"),
        (Precision.WEEK, "2022-03-07"),
        (Precision.MONTH, "2022-03"),
        (Precision.QUARTER, "2022-01"),
        (Precision.YEAR, "2022"),
    ],
)
def test_iso_date_writes_the_date_at_its_precision(precision, iso):
    first_day = {
        Precision.DAY: datetime.date(2022, 3, 9),
        Precision.WEEK: datetime.date(2022, 3, 7),
        Precision.MONTH: datetime.date(2022, 3, 1),
        Precision.QUARTER: datetime.date(2022, 1, 1),
        Precision.YEAR: datetime.date(2022, 1, 1),
    }[precision]
    timex = Timex(0, 4, "then", "DATE", iso)
    event = Event(first_day, precision, 0, 4, "then", timex, 0.5, "test", "test")
    assert event.iso_date == iso


def test_precision_is_a_string_enum():
    assert Precision("week") is Precision.WEEK
    assert Precision.MONTH == "month"


def test_the_result_lists_every_timex_even_those_without_events():
    result = extract("They agreed on Wednesday to a 12-hour ceasefire.", published=WED)
    assert [(t.text, t.type) for t in result.timexes] == [
        ("Wednesday", "DATE"),
        ("12-hour", "DURATION"),
    ]
    assert len(result.events) == 1


def test_a_datetime_publication_date_is_cut_to_its_date():
    result = extract("He arrived yesterday.", published=datetime.datetime(2022, 3, 9, 23, 30))
    assert result.events[0].iso_date == "2022-03-08"


def test_since_points_to_the_past_even_without_a_past_verb():
    assert dates("Russia is isolated since February 24.") == [("2022-02-24", "day")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A few words may stand between "since" and the point it counts from.
        ("Police have searched for him since shortly after the Oct. 23 shooting.", "2021-10-23"),
        ("Prices have risen since the late September talks.", "2021-09"),
        # Anything else between them leaves the tense to the verb: the nearest October 23.
        ("Since then the Oct. 23 vote has been on every agenda.", "2022-10-23"),
    ],
)
def test_since_a_few_words_back_points_to_the_past(text, expected):
    published = datetime.date(2022, 5, 6)
    assert [iso for iso, _precision in dates(text, published)] == [expected]


def test_until_points_to_the_future_when_no_verb_decides():
    assert dates("Talks in Antalya until March 20.") == [("2022-03-20", "day")]
