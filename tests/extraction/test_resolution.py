"""Table-driven resolution: sentence + publication date -> date and precision."""

import dataclasses
import datetime
import re
from pathlib import Path

import pytest

from timeline.extraction import Precision, extract, resolution
from timeline.extraction.periods import parse_absolute
from timeline.extraction.recognition import find_mentions
from timeline.extraction.resolution import ANCHOR_FREE_KINDS, TENSE_FREE_KINDS, Context, resolve
from timeline.extraction.tense import Tense, clause_tense
from timeline.extraction.vocabulary import MONTH_NAMES

WED = datetime.date(2022, 3, 9)  # a Wednesday, like the seed article
FRI = datetime.date(2022, 3, 11)

DAY, WEEK, MONTH, QUARTER, YEAR = (
    Precision.DAY,
    Precision.WEEK,
    Precision.MONTH,
    Precision.QUARTER,
    Precision.YEAR,
)


def only_event(sentence: str, published: datetime.date, lang: str = "en"):
    events = extract(sentence, published=published, lang=lang).events
    assert len(events) == 1, events
    return events[0]


@pytest.mark.parametrize(
    ("sentence", "published", "iso", "precision"),
    [
        # Weekdays: the publication weekday is that day; past looks back, future ahead.
        ("Lavrov arrived in Turkey on Wednesday.", WED, "2022-03-09", DAY),
        ("On Thursday, Turkey will host the ministers.", WED, "2022-03-10", DAY),
        ("Erdogan held a phone call on Sunday.", WED, "2022-03-06", DAY),
        ("The minister said Friday that talks had failed.", FRI, "2022-03-11", DAY),
        ("The company said on Thursday it had sold the unit.", WED, "2022-03-03", DAY),
        ("The ministers will meet on Wednesday.", WED, "2022-03-09", DAY),
        ("The ministers will meet next Wednesday.", WED, "2022-03-16", DAY),
        ("They met last Friday.", WED, "2022-03-04", DAY),
        ("They met last Wednesday.", WED, "2022-03-02", DAY),
        ("They will meet next Friday.", WED, "2022-03-11", DAY),
        ("The talks are set to resume on Monday.", WED, "2022-03-14", DAY),
        # Days around publication.
        ("He returned today.", WED, "2022-03-09", DAY),
        ("He arrived yesterday.", WED, "2022-03-08", DAY),
        ("She will fly home tomorrow.", WED, "2022-03-10", DAY),
        ("He was released two days ago.", WED, "2022-03-07", DAY),
        # Weeks, months and years relative to publication.
        ("Prices rose this week.", WED, "2022-03-07", WEEK),
        ("Prices rose last week.", WED, "2022-02-28", WEEK),
        ("Talks resume next week.", WED, "2022-03-14", WEEK),
        ("It happened three weeks ago.", WED, "2022-02-14", WEEK),
        ("The law will take effect in three weeks.", WED, "2022-03-28", WEEK),
        # "in ... time" always counts forward.
        ("The trial opens in two weeks' time.", WED, "2022-03-21", WEEK),
        ("Sales fell last month.", WED, "2022-02", MONTH),
        ("Sales are up this month.", WED, "2022-03", MONTH),
        ("Sales will recover next month.", WED, "2022-04", MONTH),
        ("Inflation rose earlier this month.", WED, "2022-03", MONTH),
        ("Planting was delayed earlier in the year.", WED, "2022", YEAR),
        ("Profits doubled last year.", WED, "2021", YEAR),
        ("Profits will double next year.", WED, "2023", YEAR),
        # Month names: the year comes from the tense.
        ("Parliament will vote in June.", WED, "2022-06", MONTH),
        ("The election in June was won by the opposition.", WED, "2021-06", MONTH),
        ("Elections will be held in early March.", WED, "2022-03", MONTH),
        ("Prices fell in March 2022.", WED, "2022-03", MONTH),
        ("The war began on February 24.", WED, "2022-02-24", DAY),
        ("The summit will open on December 1.", WED, "2022-12-01", DAY),
        # Absolute dates.
        ("Talks began on 9 March 2022.", WED, "2022-03-09", DAY),
        ("Talks began on March 9, 2022.", WED, "2022-03-09", DAY),
        ("The filing is dated 2022-03-09.", WED, "2022-03-09", DAY),
        ("The deadline was Sept. 30.", WED, "2021-09-30", DAY),
        # Years and parts of years.
        ("Growth slowed in late 2021.", WED, "2021", YEAR),
        ("Output peaked in mid-2019.", WED, "2019", YEAR),
        ("The company was founded in 2009.", WED, "2009", YEAR),
        ("Results for Q3 2022 will be published soon.", WED, "2022-07", QUARTER),
        ("Profits rose in the third quarter of 2022.", WED, "2022-07", QUARTER),
    ],
)
def test_it_resolves_an_expression_against_the_publication_date(
    sentence, published, iso, precision
):
    event = only_event(sentence, published)
    assert (event.iso_date, event.precision) == (iso, precision)


@pytest.mark.parametrize(
    ("lang", "iso"),
    [("en", "2022-09-03"), ("en-US", "2022-09-03"), ("en-GB", "2022-03-09"), ("fr", "2022-03-09")],
)
def test_the_language_decides_the_order_of_a_numeric_date(lang, iso):
    assert only_event("The deal was signed on 9/3/2022.", WED, lang).iso_date == iso


@pytest.mark.parametrize(
    ("sentence", "start", "end", "precision"),
    [
        ("The talks will run 12-13 April.", "2022-04-12", "2022-04-13", DAY),
        ("Voting will run from May to July.", "2022-05-01", "2022-07-31", MONTH),
        ("Output fell between 2019 and 2021.", "2019-01-01", "2021-12-31", YEAR),
    ],
)
def test_an_explicit_range_has_an_end_date(sentence, start, end, precision):
    event = only_event(sentence, WED)
    assert (event.date.isoformat(), event.end_date.isoformat(), event.precision) == (
        start,
        end,
        precision,
    )


@pytest.mark.parametrize(
    ("text", "timex_text", "type_", "value"),
    [
        ("The war lasted three years.", "three years", "DURATION", "P3Y"),
        ("They agreed to a 12-hour ceasefire.", "12-hour", "DURATION", "PT12H"),
        ("He stayed for two weeks.", "two weeks", "DURATION", "P2W"),
        ("It has grown over the past three years.", "the past three years", "DURATION", "P3Y"),
        ("He trains every Monday.", "every Monday", "SET", "XXXX-WXX-1"),
        ("The paper appears weekly.", "weekly", "SET", "P1W"),
        ("Each year, prices rise.", "Each year", "SET", "P1Y"),
        ("It was calm in the 1990s.", "the 1990s", "DATE", "199"),
        ("Polls open in spring 2021.", "spring 2021", "DATE", "2021-SP"),
        ("He recently said so.", "recently", "DATE", "PAST_REF"),
        ("Prices are high now.", "now", "DATE", "PRESENT_REF"),
        ("Prices rose this week.", "this week", "DATE", "2022-W10"),
        ("Results for Q1 2022 are out.", "Q1 2022", "DATE", "2022-Q1"),
        ("He came back Wednesday morning.", "Wednesday morning", "TIME", "2022-03-09TMO"),
    ],
)
def test_it_gives_each_timex_a_timeml_value(text, timex_text, type_, value):
    [timex] = extract(text, published=WED).timexes
    assert (timex.text, timex.type, timex.value) == (timex_text, type_, value)


@pytest.mark.parametrize(
    "sentence",
    [
        "It was calm in the 1990s.",
        "Spring 2021 was wet.",
        "The ceasefire lasted three years.",
        "They agreed to a 12-hour ceasefire.",
        "He trains every Monday.",
        "The paper appears weekly.",
        "Each year, prices rise.",
        "He recently said so.",
        "Now is the time.",
        "In the past, it was different.",
        "We will see.",
        "It was the worst since World War II.",
        "More than two million people left.",
    ],
)
def test_it_makes_no_event_from_durations_sets_or_vague_expressions(sentence):
    assert extract(sentence, published=WED).events == []


@pytest.mark.parametrize(
    ("sentence", "expression", "tense"),
    [
        ("Lavrov arrived in Turkey on Wednesday, where he will hold talks.", "Wednesday", "past"),
        ("On Thursday, Turkey will host the ministers.", "Thursday", "future"),
        ("The talks are set to resume on Monday.", "Monday", "future"),
        ("The summit is to be held in June.", "June", "future"),
        ("He said the plan had failed in June.", "June", "past"),
        ("It was isolated due to sanctions on February 24.", "February 24", "past"),
        ("Talks in June.", "June", "unknown"),
    ],
)
def test_the_nearest_verb_in_the_clause_decides_the_tense(sentence, expression, tense):
    start = sentence.index(expression)
    assert clause_tense(sentence, start, start + len(expression)).value == tense


MAR_25_2021 = datetime.date(2021, 3, 25)  # a Thursday
JUL_5_2021 = datetime.date(2021, 7, 5)  # a Monday


@pytest.mark.parametrize(
    ("sentence", "published", "iso", "precision"),
    [
        # A present-tense clause picks the nearest month, even inside reported speech.
        (
            "The risk, they said, is congestion in April if ships arrive at once.",
            MAR_25_2021,
            "2021-04",
            MONTH,
        ),
        # "is expected" / "are planned" look ahead; "had been due" does not.
        (
            "A spring tide is expected around the full moon on Sunday.",
            MAR_25_2021,
            "2021-03-28",
            DAY,
        ),
        ("The next attempts are planned for Monday.", MAR_25_2021, "2021-03-29", DAY),
        (
            "It had originally been due in Felixstowe in early April.",
            datetime.date(2021, 8, 4),
            "2021-04",
            MONTH,
        ),
        # A subordinate clause's verb does not govern the main clause's date.
        (
            "The ship will leave on Wednesday after its owner reached a deal.",
            JUL_5_2021,
            "2021-07-07",
            DAY,
        ),
        (
            "The authority said the deal would be signed on Wednesday.",
            JUL_5_2021,
            "2021-07-07",
            DAY,
        ),
        # A future seen from a past "said", or a plan reported in the past, may lie either
        # side of publication: the nearest day wins (5 July 2021 is a Monday).
        ("Lawyers said they would appeal Friday's ruling.", JUL_5_2021, "2021-07-02", DAY),
        ("The crew planned to leave Suez on Tuesday.", JUL_5_2021, "2021-07-06", DAY),
        ("The crew planned a handover on Saturday.", JUL_5_2021, "2021-07-03", DAY),
        # A fronted day dates the planning itself.
        ("On Tuesday, the crew planned to leave Suez.", JUL_5_2021, "2021-06-29", DAY),
        ("The bonds would be redeemed in three years.", JUL_5_2021, "2024", YEAR),
        (
            "All parties agreed on Sunday to adjourn the hearing.",
            datetime.date(2021, 6, 24),
            "2021-06-20",
            DAY,
        ),
        # "until" a date: a past verb does not push the limit into the past.
        ("The court adjourned the case until 11 July.", JUL_5_2021, "2021-07-11", DAY),
        ("The agency extended its deadline until Tuesday.", JUL_5_2021, "2021-07-06", DAY),
        (
            "Lenders extended the credit line through January.",
            datetime.date(2021, 10, 26),
            "2022-01",
            MONTH,
        ),
        # "effective" a date: an announced change takes effect ahead.
        ("The board named a new chairman, effective March 1.", JUL_5_2021, "2022-03-01", DAY),
        # "the coming weekend" on a weekday is this week's.
        ("Salvors hope to free the ship over the coming weekend.", MAR_25_2021, "2021-03-27", DAY),
        # Months and years count from the last date mentioned, of any precision.
        (
            "It claimed $916m in April before lowering it the following month.",
            JUL_5_2021,
            "2021-05",
            MONTH,
        ),
    ],
)
def test_it_resolves_by_the_clause_that_governs_the_expression(sentence, published, iso, precision):
    events = [e for e in extract(sentence, published=published).events if e.iso_date == iso]
    assert events, [e.iso_date for e in extract(sentence, published=published).events]
    assert events[0].precision is precision


def test_a_comparison_with_later_than_is_a_duration_not_a_date():
    result = extract("The ship docked four months later than planned.", published=JUL_5_2021)
    assert result.events == []
    assert [t.type for t in result.timexes] == ["DURATION"]


THU_1989 = datetime.date(1989, 10, 26)  # a Thursday in earnings season
THU_NOV_1989 = datetime.date(1989, 11, 2)
FRI_1998 = datetime.date(1998, 2, 13)


@pytest.mark.parametrize(
    ("text", "published", "timex_text", "type_", "value"),
    [
        # A year-less date within two months of publication is read in the nearest year,
        # whatever the tense; further off, the tense decides.
        ("The offer was extended to Nov. 20.", THU_NOV_1989, "Nov. 20", "DATE", "1989-11-20"),
        ("It had closed the plant in March.", THU_1989, "March", "DATE", "1989-03"),
        ("The dividend will be paid Dec. 14.", THU_1989, "Dec. 14", "DATE", "1989-12-14"),
        # Business copy: "a year ago" and "the year-ago quarter" are the reported quarter a
        # year before; the reported quarter is the last one named, else the one just closed.
        ("In the year-ago quarter, it earned $2 million.", THU_1989, None, "DATE", "1988-Q3"),
        ("Sales in the latest period rose 13%.", THU_1989, "the latest period", "DATE", "1989-Q3"),
        ("It compared with year-earlier profit of $3 million.", THU_1989, None, "DATE", "1988-Q3"),
        ("In the 1988 second quarter, it lost money.", THU_1989, None, "DATE", "1988-Q2"),
        ("Sales for this year's third quarter were flat.", THU_1989, None, "DATE", "1989-Q3"),
        (
            "A factor in the third-quarter loss was a charge.",
            THU_1989,
            "third-quarter",
            "DATE",
            "1989-Q3",
        ),
        ("For the quarter a year ago, it lost $1 million.", THU_1989, None, "DATE", "1988-Q3"),
        # Clock times are TIME values on the day they name, else the last day mentioned.
        (
            "He was shot at 10 p.m. Wednesday, police said.",
            FRI_1998,
            "10 p.m. Wednesday",
            "TIME",
            "1998-02-11T22:00",
        ),
        (
            "Talks broke off at noon Thursday.",
            FRI_1998,
            "noon Thursday",
            "TIME",
            "1998-02-12T12:00",
        ),
        (
            "It happened around 7:15 p.m., police said.",
            FRI_1998,
            "around 7:15 p.m.",
            "TIME",
            "1998-02-13T19:15",
        ),
        (
            "The offer expires at 5 p.m. EST Nov. 9.",
            THU_NOV_1989,
            "5 p.m. EST Nov. 9",
            "TIME",
            "1989-11-09T17:00",
        ),
        # Stretches with no number, and references to the present or future at large.
        ("Rates have fallen in recent months.", FRI_1998, "recent months", "DURATION", "PXM"),
        ("It has been tough in recent quarters.", FRI_1998, "recent quarters", "DATE", "PAST_REF"),
        ("He has campaigned for years.", FRI_1998, "years", "DURATION", "PXY"),
        ("It may happen in the near future.", FRI_1998, "the near future", "DATE", "FUTURE_REF"),
        ("Its current share is small.", FRI_1998, "current", "DATE", "PRESENT_REF"),
        # An adjective and "only" stay outside the expression.
        ("He ended the eight-year war.", FRI_1998, "eight-year", "DURATION", "P8Y"),
        ("He served for only six months.", FRI_1998, "six months", "DURATION", "P6M"),
        ("Losses narrowed over the past two quarters.", FRI_1998, None, "DURATION", "P2Q"),
        # Years read out, as in broadcast transcripts.
        (
            "In nineteen ninety-one he was convicted.",
            FRI_1998,
            "nineteen ninety-one",
            "DATE",
            "1991",
        ),
        (
            "It will be done by the year two thousand.",
            FRI_1998,
            "the year two thousand",
            "DATE",
            "2000",
        ),
        ("January nineteen ninety-seven. Atlanta again.", FRI_1998, None, "DATE", "1997-01"),
        # "the end of" belongs to the expression; "year-end" is the publication year's end.
        (
            "The offer expires at the end of November.",
            THU_NOV_1989,
            "the end of November",
            "DATE",
            "1989-11",
        ),
        (
            "Costs will be halved by the end of 1990.",
            THU_NOV_1989,
            "the end of 1990",
            "DATE",
            "1990",
        ),
        ("It aims to cut $500 million by the end of the year.", THU_NOV_1989, None, "DATE", "1989"),
        ("The deal should close by year-end.", THU_NOV_1989, "year-end", "DATE", "1989"),
        # Holidays, centuries, reporting years, and "that year" after a date.
        (
            "Elian was found on Thanksgiving Day.",
            datetime.date(2000, 1, 7),
            None,
            "DATE",
            "1999-11-25",
        ),
        (
            "We will campaign hard until Election Day.",
            datetime.date(1998, 10, 26),
            None,
            "DATE",
            "1998-11-03",
        ),
        ("The temple dates from the 11th century.", FRI_1998, "the 11th century", "DATE", "10"),
        (
            "For the year ended Sept. 30, it earned $1 billion.",
            THU_NOV_1989,
            "the year",
            "DURATION",
            "P1Y",
        ),
        (
            "Sales for the full year were $6.6 billion.",
            THU_NOV_1989,
            "the full year",
            "DATE",
            "1989",
        ),
        (
            "He left in June 1998 and returned later that year.",
            FRI_1998,
            "later that year",
            "DATE",
            "1998",
        ),
        # A year after "both" or a possessive is a year, not a count.
        ("Profits will rise in both 1990 and 1991.", THU_1989, "1990", "DATE", "1990"),
        ("It restated the company's 1989 results.", THU_1989, "1989", "DATE", "1989"),
    ],
)
def test_it_follows_timeml_conventions(text, published, timex_text, type_, value):
    timexes = extract(text, published=published).timexes
    found = [(t.text, t.type, t.value) for t in timexes]
    matches = [t for t in timexes if (t.type, t.value) == (type_, value)]
    assert matches, found
    if timex_text is not None:
        assert matches[0].text == timex_text, found


@pytest.mark.parametrize(
    ("text", "published", "parts", "start", "end"),
    [
        (
            "He sold the shares between 1985 and 1987.",
            THU_1989,
            [("1985", "1985"), ("1987", "1987")],
            "1985-01-01",
            "1987-12-31",
        ),
        (
            "The summit will be held on April 24 and 25.",
            datetime.date(1999, 2, 10),
            [("April 24", "1999-04-24"), ("25", "1999-04-25")],
            "1999-04-24",
            "1999-04-25",
        ),
        (
            "Voting will run from May to July.",
            WED,
            [("May", "2022-05"), ("July", "2022-07")],
            "2022-05-01",
            "2022-07-31",
        ),
    ],
)
def test_a_range_written_with_a_word_is_two_timexes_and_one_event(
    text, published, parts, start, end
):
    result = extract(text, published=published)
    assert [(t.text, t.value) for t in result.timexes] == parts
    [event] = result.events
    assert (event.date.isoformat(), event.end_date.isoformat()) == (start, end)


# One expression of every kind the pipeline's memo resolves without the anchors.
ANCHOR_FREE_TEXT = (
    "On 2022-03-09 and 3/9/2022, on 9 March and March 9, on 12-13 April, from May to July, "
    "between 2019 and 2021, in March 2021, in June, in 2009, in the 1990s, in the first half "
    "of 2009, in spring 2021, the plant will reopen in three weeks, for two years, every week, "
    "now, at Christmas, in the 20th century, by year-end, in recent months, in the first week of "
    "May, for some time, and yesterday."
)


@pytest.mark.parametrize("tense", list(Tense))
def test_anchor_free_kinds_never_read_the_anchors(tense):
    mentions = find_mentions(ANCHOR_FREE_TEXT)
    assert {m.kind for m in mentions} >= ANCHOR_FREE_KINDS
    plain = Context(published=WED, tense=tense)
    anchored = Context(
        published=WED,
        tense=tense,
        anchor=datetime.date(2019, 7, 1),
        period_anchor=datetime.date(2018, 1, 1),
        quarter_anchor=datetime.date(2017, 4, 1),
    )
    for mention in mentions:
        if mention.kind in ANCHOR_FREE_KINDS:
            assert resolve(mention, plain) == resolve(mention, anchored), mention


# One expression of every kind whose resolution never reads the tense.
TENSE_FREE_TEXT = (
    "On 2022-03-09 and 3/9/2022, between 2019 and 2021, in March 2021, in 2009, in the 1990s, "
    "two days ago, the next day, for two years, every week, in recent months, for some time, "
    "by year-end, in the 20th century, for the fiscal year, in the year-ago quarter, later that "
    "day, in the first half of 2009."
)


def _without_explanation(resolution):
    if resolution is None or resolution.resolved is None:
        return resolution
    return dataclasses.replace(
        resolution, resolved=dataclasses.replace(resolution.resolved, explanation="")
    )


def test_tense_free_kinds_resolve_alike_in_every_tense():
    mentions = find_mentions(TENSE_FREE_TEXT)
    assert {m.kind for m in mentions} >= TENSE_FREE_KINDS
    anchors = {
        "anchor": datetime.date(2022, 3, 1),
        "period_anchor": datetime.date(2022, 3, 1),
        "quarter_anchor": datetime.date(2022, 1, 1),
    }
    for mention in mentions:
        if mention.kind not in TENSE_FREE_KINDS:
            continue
        results = {
            tense: _without_explanation(resolve(mention, Context(WED, tense=tense, **anchors)))
            for tense in Tense
        }
        assert len(set(map(repr, results.values()))) == 1, (mention, results)


@pytest.mark.parametrize(
    ("text", "expression", "says_tense"),
    [
        ("The talks were held on 9 March 2022.", "9 March 2022", False),
        ("The talks were held in 2009.", "2009", False),
        ("The talks were held on Sunday.", "Sunday", True),
        ("The talks were held in June.", "June", True),
    ],
)
def test_an_explanation_names_the_tense_only_where_it_chose_the_date(text, expression, says_tense):
    [event] = extract(text, published=WED).events
    assert event.timex.text == expression
    assert ("past tense" in event.explanation) is says_tense, event.explanation


@pytest.mark.parametrize("year", [None, 1500, 1899, 1996, 2000, 2024, 2099])
def test_dates_built_from_their_parts_are_read_as_dateparser_reads_them(year):
    parts = ("day", "month", "year") if year else ("day", "month")
    leap_year_spring = datetime.date(2024, 3, 9)  # so a year-less February 29 has a year
    for name in MONTH_NAMES:
        for day in (1, 9, 28, 29, 30, 31):
            written = f"{day} {name}" + (f" {year}" if year else "")
            expected = parse_absolute(written, parts)
            found = extract(f"It happened on {written}.", published=leap_year_spring).timexes
            if expected is None:
                assert found == [], written
            elif year:
                assert found[0].value == expected.isoformat(), written
            else:
                assert found[0].value[5:] == expected.isoformat()[5:], written
        month_year = f"{name} {year or 1999}"
        expected = parse_absolute(month_year, ("month", "year"))
        found = extract(f"It happened in {month_year}.", published=WED).timexes
        assert found[0].value == expected.isoformat()[:7], month_year


@pytest.mark.parametrize(
    "iso", ["2022-03-09", "1999-12-31", "2024-02-29", "2023-02-29", "2022-13-01", "0000-01-01"]
)
def test_iso_dates_are_read_as_dateparser_reads_them(iso):
    expected = parse_absolute(iso, ("day", "month", "year"))
    found = [t.value for t in extract(f"Filed {iso} in Rome.", published=WED).timexes]
    assert found == ([expected.isoformat()] if expected else [])


def test_resolvers_tell_apart_only_the_next_words_listed():
    # extract's memo keys the word after an expression on NEXT_WORDS alone: every comparison
    # of `context.next_word` in the resolvers must be with words listed there.
    source = Path(resolution.__file__).read_text(encoding="utf-8")
    reads = re.findall(r"context\.next_word\b(.{0,40})", source)
    assert reads, "no resolver reads the next word: NEXT_WORDS is stale"
    compared: set[str] = set()
    for rest in reads:
        assert re.match(r"\s*(==|in)\s", rest), f"next_word read other than compared: {rest!r}"
        compared.update(re.findall(r"\"([^\"]*)\"", rest))
    assert compared == set(resolution.NEXT_WORDS)


def test_the_same_expression_before_than_and_before_another_word_resolves_apart():
    text = "The plant opened four months later than planned. The plant opened four months later."
    found = extract(text, datetime.date(2022, 3, 9))
    assert [(t.type, t.value) for t in found.timexes] == [("DURATION", "P4M"), ("DATE", "2022-07")]
