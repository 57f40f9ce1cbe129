"""TimeML rule families: sentence + publication date -> the timexes' spans, types and values."""

import datetime

import pytest

from timeline.extraction import extract

WED = datetime.date(2013, 3, 20)  # a Wednesday


def timexes(sentence: str, published: datetime.date = WED) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in extract(sentence, published=published).timexes]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The bank will stay closed for two more days.", [("two more days", "DURATION", "P2D")]),
        (
            "The navy may use the base for at least 20 more years.",
            [("at least 20 more years", "DURATION", "P20Y")],
        ),
        (
            "The loan may be extended for an additional year.",
            [("an additional year", "DURATION", "P1Y")],
        ),
        (
            "He will stay another two weeks, then another year.",
            [("another two weeks", "DURATION", "P2W"), ("another year", "DURATION", "P1Y")],
        ),
        (
            "The decades-long feud ended after a yearlong inquiry and a day-long meeting.",
            [
                ("decades-long", "DURATION", "PXDE"),
                ("yearlong", "DURATION", "P1Y"),
                ("day-long", "DURATION", "P1D"),
            ],
        ),
        ("The move comes barely a month after the crash.", [("a month", "DURATION", "P1M")]),
        # Before "after"/"before" an event "a year" is a length (the signal stays out) ...
        ("A year after the invasion, Iraq is calm.", [("A year", "DURATION", "P1Y")]),
        # ... unless an amount makes it a rate.
        ("It earns $5 million a year after taxes.", []),
        ("The repairs took a week.", [("a week", "DURATION", "P1W")]),
        # "in" a length after a past verb measures time; it counts forward only ahead.
        ("The work was finished in three weeks.", [("three weeks", "DURATION", "P3W")]),
        ("The strike is the first in 20 years.", [("20 years", "DURATION", "P20Y")]),
        ("It was the first time in years.", [("years", "DURATION", "PXY")]),
        ("The deal came after months of talks.", [("months", "DURATION", "PXM")]),
        ("Police arrived within hours of the attack.", [("hours", "DURATION", "PTXH")]),
        # Halves are written in the next smaller unit.
        ("They lived in camps for 2 1/2 years.", [("2 1/2 years", "DURATION", "P2Y6M")]),
        ("He spent 5 1/2 hours in Nairobi.", [("5 1/2 hours", "DURATION", "PT5H30M")]),
        ("The talks lasted two and a half days.", [("two and a half days", "DURATION", "P2DT12H")]),
        ("It took a year and a half.", [("a year and a half", "DURATION", "P1Y6M")]),
        (
            "A minute and a half later, a pilot called in.",
            [("A minute and a half", "DURATION", "PT1M30S")],
        ),
        (
            "He was jailed for half a year and waited half an hour.",
            [("half a year", "DURATION", "P6M"), ("half an hour", "DURATION", "PT30M")],
        ),
        # "over" before a length is mostly "during"; "nearly" belongs to the expression.
        ("The plant will cut jobs over three years.", [("three years", "DURATION", "P3Y")]),
        # Days counted on the calendar of work are days.
        ("He has 10 business days to respond.", [("10 business days", "DURATION", "P10D")]),
        # Before one unit "over" is "more than" and belongs to it.
        ("The tour is likely to last over a week.", [("over a week", "DURATION", "P1W")]),
        # A period of known length is the length, article and all.
        (
            "They inflated earnings over a three-year period.",
            [("a three-year period", "DURATION", "P3Y")],
        ),
        ("It took nearly five months.", [("nearly five months", "DURATION", "P5M")]),
        # "or so" and "no more than" approximate the length and belong to it.
        (
            "Over the next two years or so, the share rose.",
            [("the next two years or so", "DURATION", "P2Y")],
        ),
        (
            "Iraq opens its sites for no more than sixty days.",
            [("no more than sixty days", "DURATION", "P60D")],
        ),
        ("The crowd waited for hours.", [("hours", "DURATION", "PTXH")]),
    ],
)
def test_durations_of_known_and_unknown_length(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "It costs $5 a year.",
        "He is 52 years old.",
        "A 44-year-old man was arrested.",
        "Give me more time.",
    ],
)
def test_rates_ages_and_amounts_are_not_durations(sentence):
    assert timexes(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("He was released days later.", [("days", "DURATION", "PXD")]),
        ("Years ago, the plant closed.", [("Years", "DURATION", "PXY")]),
        ("Hours earlier, the rebels had left.", [("Hours", "DURATION", "PTXH")]),
        # With a vague number the offset keeps its direction.
        ("It closed a few years ago.", [("a few years ago", "DATE", "PAST_REF")]),
        # Before or after an event, "before"/"after" is a signal outside the expression.
        ("His car was seen in the weeks before the shooting.", [("weeks", "DURATION", "PXW")]),
        ("Just days after the vote, he quit.", [("days", "DURATION", "PXD")]),
    ],
)
def test_an_offset_of_unknown_size_is_the_stretch_alone(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A bare plural as the object of a verb of spending or lasting.
        ("They waited decades for this.", [("decades", "DURATION", "PXDE")]),
        ("He spent years trying.", [("years", "DURATION", "PXY")]),
        ("The raid lasted only minutes.", [("minutes", "DURATION", "PTXM")]),
        ("The feud predates his birth by decades.", [("decades", "DURATION", "PXDE")]),
        # A stretch with no number keeps its article (TimeML spans the noun phrase).
        ("Over the years, the company grew.", [("the years", "DURATION", "PXY")]),
        ("You save fewer lives in the early years.", [("the early years", "DURATION", "PXY")]),
        (
            "Prisoners were taken in the first hours of the war.",
            [("the first hours", "DURATION", "PTXH")],
        ),
        ("Funds will sell junk in the weeks ahead.", [("the weeks ahead", "DURATION", "PXW")]),
        # "the early hours of Thursday" is a time of that day, not a stretch.
        ("He was arrested in the early hours of Thursday.", [("Thursday", "DATE", "2013-03-14")]),
        # A run of units: the adjective belongs to the length; an ordinal run has no length.
        ("Prices fell for 10 straight years.", [("10 straight years", "DURATION", "P10Y")]),
        ("Stocks rose for four consecutive days.", [("four consecutive days", "DURATION", "P4D")]),
        ("It was the third consecutive month of gains.", []),
        ("The meeting lasted a half hour.", [("a half hour", "DURATION", "PT30M")]),
        ("He waited a half-hour.", [("a half-hour", "DURATION", "PT30M")]),
        # British copy's "financial year" is business copy's fiscal year.
        (
            "Profits in the current financial year will fall.",
            [("the current financial year", "DATE", "2013")],
        ),
        # "the last decade" keeps its article, as "the past decade" does.
        ("Wages lost ground in the last decade.", [("the last decade", "DATE", "200")]),
        # "the next week" of a narrative hangs on the last date, not on publication.
        (
            "On May 2 he arrived; the next week, he left.",
            [("May 2", "DATE", "2013-05-02"), ("the next week", "DATE", "2013-W19")],
        ),
    ],
)
def test_stretches_with_no_number_and_runs_of_units(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("Talks resumed at 1400 GMT.", WED, [("1400 GMT", "TIME", "2013-03-20T14:00")]),
        (
            "Polls close at 20:00 local time.",
            WED,
            [("20:00 local time", "TIME", "2013-03-20T20:00")],
        ),
        ("The meeting ended at 09:30.", WED, [("09:30", "TIME", "2013-03-20T09:30")]),
        (
            "The blast came at 0735 GMT Friday.",
            WED,
            [("0735 GMT Friday", "TIME", "2013-03-15T07:35")],
        ),
        (
            "On March 4, the ministers met at noon.",
            WED,
            [("March 4", "DATE", "2013-03-04"), ("noon", "TIME", "2013-03-04T12:00")],
        ),
        ("The offer expires at midnight.", WED, [("midnight", "TIME", "2013-03-20T24:00")]),
        # Today's copy writes the clock without full stops; a decimal is no time of day.
        (
            "The blast came at 3pm local time.",
            WED,
            [("3pm local time", "TIME", "2013-03-20T15:00")],
        ),
        ("The raid began at 10.30am.", WED, [("10.30am", "TIME", "2013-03-20T10:30")]),
        ("Shares fell 1.25 in the morning session.", WED, []),
        # The middle of a part of the day: on the day it names, else on the last day mentioned.
        (
            "Shares were up at mid-afternoon yesterday.",
            WED,
            [("mid-afternoon yesterday", "TIME", "2013-03-19TAF")],
        ),
        (
            "On March 4, the strike was over by mid afternoon.",
            WED,
            [("March 4", "DATE", "2013-03-04"), ("mid afternoon", "TIME", "2013-03-04TAF")],
        ),
    ],
)
def test_clock_times_on_the_twenty_four_hour_clock_and_in_words(sentence, published, expected):
    assert timexes(sentence, published) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "He burned the midnight oil.",
        "The team won 10:08 on points.",
        "Shares rose 1400 points.",
        "It was high noon for the party.",
    ],
)
def test_numbers_and_figures_of_speech_are_not_clock_times(sentence):
    assert [t for t in timexes(sentence) if t[1] == "TIME"] == []


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("The pope will celebrate Mass on Palm Sunday.", WED, "2013-03-24"),
        ("He will preach on Easter Sunday.", WED, "2013-03-31"),
        ("Shops close on Good Friday.", WED, "2013-03-29"),
        ("The season of Lent began on Ash Wednesday.", WED, "2013-02-13"),
        ("Parades were held on St. Patrick's Day.", WED, "2013-03-17"),
        ("They marched on May Day.", datetime.date(2013, 5, 3), "2013-05-01"),
        ("Crowds gathered on Boxing Day.", datetime.date(2013, 12, 27), "2013-12-26"),
        ("Sales peaked on Mother's Day.", datetime.date(2013, 5, 14), "2013-05-12"),
    ],
)
def test_holidays_fixed_by_date_weekday_or_easter(sentence, published, expected):
    [(_, type_, value)] = timexes(sentence, published)
    assert (type_, value) == ("DATE", expected)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The plan covers 2008-2012.", [("2008", "DATE", "2008"), ("2012", "DATE", "2012")]),
        (
            "The 2012-13 season was poor.",
            [("2012", "DATE", "2012"), ("13", "DATE", "2013")],
        ),
        ("It was a loss for fiscal year 2008.", [("fiscal year 2008", "DATE", "2008")]),
        ("The FY2013 budget was passed.", [("FY2013", "DATE", "2013")]),
    ],
)
def test_year_ranges_and_fiscal_years(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Between 1500-1600 troops were sent.",
        "The 2013-03 report is out.",
        "The 2012-10 score stood.",
    ],
)
def test_dashed_numbers_that_are_not_year_ranges(sentence):
    assert [t for t in timexes(sentence) if t[0].isdigit() and len(t[0]) == 2] == []
    assert len([t for t in timexes(sentence) if "-" in t[0]]) == 0


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The present tense of a schedule looks ahead...
        ("The vote is on Sunday.", "2013-03-24"),
        ("The deadline is midnight Friday.", "2013-03-22T24:00"),
        # ...but a possessive names a day already reported.
        ("Sunday's vote is close.", "2013-03-17"),
        ("Shares are up from Friday's close.", "2013-03-15"),
    ],
)
def test_a_weekday_in_a_present_tense_clause(sentence, expected):
    [(_, _, value)] = timexes(sentence)
    assert value == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Earnings will fall for the last half of 1989.",
            [("the last half of 1989", "DATE", "1989-H2")],
        ),
        (
            "Demand stays weak through the first two quarters of 1990.",
            [("the first two quarters of 1990", "DATE", "1990-H1")],
        ),
        ("Sales rose. 2007 was a record year.", [("2007", "DATE", "2007")]),
        ('"2008 will be hard," he said.', [("2008", "DATE", "2008")]),
        ("Dividends are paid annually.", [("annually", "SET", "P1Y")]),
    ],
)
def test_halves_years_opening_a_sentence_and_schedules(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Prices fell. 2000 people lost their jobs.",
        "Sales should rise 8.5% annually.",
        "Costs grew 3 percent monthly.",
        "The average daily volume was high.",
        "He scored in the second half.",
    ],
)
def test_counts_growth_rates_and_statistics_are_not_timexes(sentence):
    assert timexes(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The central bank meets twice a month.", [("twice a month", "SET", "P1M")]),
        ("Inspectors come once a year.", [("once a year", "SET", "P1Y")]),
        ("The ferry sails three times a week.", [("three times a week", "SET", "P1W")]),
        ("Orangemen march each July.", [("each July", "SET", "XXXX-07")]),
        ("The company pays interest every quarter.", [("every quarter", "SET", "P1Q")]),
        ("He visits on Tuesdays.", [("Tuesdays", "SET", "XXXX-WXX-2")]),
        ("Flights leave on Tuesday nights.", [("Tuesday nights", "SET", "XXXX-WXX-2TNI")]),
    ],
)
def test_sets_written_as_frequencies_and_plurals(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Hate groups declined through the nineties.", [("the nineties", "DATE", "199")]),
        ("It was built in the early sixties.", [("the early sixties", "DATE", "196")]),
    ],
)
def test_decades_in_words(sentence, expected):
    assert timexes(sentence) == expected


def test_a_decade_in_words_without_the_is_an_age():
    assert timexes("He is in his sixties.") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "earlier" and "later" order two events; "early" and "late" are part of the day.
        ("Earlier Friday, lawyers filed a petition.", [("Friday", "DATE", "2013-03-15")]),
        ("Later Thursday, the cousins left.", [("Thursday", "DATE", "2013-03-14")]),
        ("The rally began early Friday.", [("early Friday", "DATE", "2013-03-15")]),
        (
            "The firm expects a profit by the end of the decade.",
            [("the end of the decade", "DATE", "201")],
        ),
    ],
)
def test_modifiers_of_weekdays_and_edges_of_periods(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ('Baker said on ABC\'s "This Week With David Brinkley" that it was over.', []),
        ("Gonzalez spoke on CBS's ''60 Minutes.''", []),
        ('"This week was hard," he said.', [("This week", "DATE", "2013-W12")]),
        ('"Two weeks ago we met," he said.', [("Two weeks ago", "DATE", "2013-W10")]),
    ],
)
def test_quoted_programme_titles_are_not_timexes(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("If I were choosing the people of tomorrow, I would pick them.", []),
        ("Intel chips run many of today's computers.", []),
        ("The offer stands as of today.", [("today", "DATE", "2013-03-20")]),
        ("Today's vote is close.", [("Today", "DATE", "2013-03-20")]),
    ],
)
def test_today_and_tomorrow_as_an_age_are_not_days(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Islam will one day be the largest religion.", [("one day", "DATE", "FUTURE_REF")]),
        ("One day, he simply left the village.", [("One day", "DATE", "PAST_REF")]),
        ("He hopes he may someday fly again.", [("someday", "DATE", "FUTURE_REF")]),
        ("He had only been in the job one day.", [("one day", "DURATION", "P1D")]),
        ("The strike lasted for one day.", [("one day", "DURATION", "P1D")]),
        ("One day later, he left.", [("One day later", "DATE", "2013-03-21")]),
    ],
)
def test_one_day_as_an_unnamed_time_or_a_length(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The index was down 4.5% from the previous Friday.",
            [("the previous Friday", "DATE", "2013-03-15")],
        ),
        (
            "On March 4 he was arrested; the following Monday he was freed.",
            [("March 4", "DATE", "2013-03-04"), ("the following Monday", "DATE", "2013-03-11")],
        ),
        ("Women's Day is this coming Sunday.", [("this coming Sunday", "DATE", "2013-03-24")]),
        ("They met this past Monday.", [("this past Monday", "DATE", "2013-03-18")]),
    ],
)
def test_weekdays_counted_from_the_last_date_or_publication(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Business copy compares with the quarter next to the one reported on.
        ("Revenue rose from the previous quarter.", [("the previous quarter", "DATE", "2012-Q3")]),
        (
            "Net rose in the third quarter, up from the previous quarter.",
            [("the third quarter", "DATE", "2012-Q3"), ("the previous quarter", "DATE", "2012-Q2")],
        ),
        # A clause in the future tense names no date already past, however near.
        (
            "The company will release earnings on January 22.",
            [("January 22", "DATE", "2014-01-22")],
        ),
    ],
)
def test_quarters_next_to_the_reported_one_and_future_dates(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A week named by its month is one expression, valued as its ISO week.
        (
            "The vote is set for the first week of April.",
            [("the first week of April", "DATE", "2013-W14")],
        ),
        (
            "He left in the last week of February.",
            [("the last week of February", "DATE", "2013-W09")],
        ),
        (
            "A hearing was held the week of March 6.",
            [("the week of March 6", "DATE", "2013-W10")],
        ),
        # "the first days of March" is no stretch of its own: March is the expression.
        ("Sales fell in the first days of March.", [("March", "DATE", "2013-03")]),
        # A holiday with its year is that year's.
        ("He was born on Christmas Day 1950.", [("Christmas Day 1950", "DATE", "1950-12-25")]),
    ],
)
def test_weeks_named_by_their_month_and_holidays_with_a_year(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A length of no stated size or unit.
        (
            "American forces could be in the region for some time.",
            [("some time", "DURATION", "PXX")],
        ),
        ("They will live without power for a while.", [("a while", "DURATION", "PXX")]),
        ("After quite a while, he left.", [("a while", "DURATION", "PXX")]),
        # Without a preposition of extent, or pointing back, it is no length.
        ("He waited a while.", []),
        ("It happened some time ago.", []),
    ],
)
def test_vague_lengths(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The war lasted two-and-a-half years.", [("two-and-a-half years", "DURATION", "P2Y6M")]),
        ("It ruled for half a century.", [("half a century", "DURATION", "P50Y")]),
        ("It took a decade and a half.", [("a decade and a half", "DURATION", "P15Y")]),
        ("He ruled for a quarter century.", [("a quarter century", "DURATION", "P25Y")]),
        (
            "He ruled for a quarter of a century.",
            [("a quarter of a century", "DURATION", "P25Y")],
        ),
        ("The party fell a quarter century ago.", [("a quarter century ago", "DATE", "1988")]),
        ("It waited two and a half decades.", [("two and a half decades", "DURATION", "P25Y")]),
        # A range of lengths is one duration, valued at its lower end.
        (
            "Shipments resume within two to three weeks.",
            [("two to three weeks", "DURATION", "P2W")],
        ),
        ("It took two or three days.", [("two or three days", "DURATION", "P2D")]),
        ("Buys follow in 12 to 18 months.", [("12 to 18 months", "DURATION", "P12M")]),
    ],
)
def test_fractional_compound_and_ranged_lengths(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The offer expired at 5 p.m. ET Tuesday.",
            [("5 p.m. ET Tuesday", "TIME", "2013-03-19T17:00")],
        ),
        ("The blast came at 9 a.m. BST.", [("9 a.m. BST", "TIME", "2013-03-20T09:00")]),
        ("Trading opened at 0900 CET.", [("0900 CET", "TIME", "2013-03-20T09:00")]),
        ("The vote closes at 8 p.m. EDT.", [("8 p.m. EDT", "TIME", "2013-03-20T20:00")]),
    ],
)
def test_time_zones_after_a_clock_time_belong_to_it(sentence, expected):
    assert timexes(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Between two words a modern year modifies what follows it.
        ("He lost his unsuccessful 1996 campaign.", [("1996", "DATE", "1996")]),
        ("Analysts were predicting 1990 earnings of $4.", [("1990", "DATE", "1990")]),
        # A count keeps its noun; after a capitalised word the number is part of a name.
        ("The firm sold 1990 shares on Monday.", [("Monday", "DATE", "2013-03-18")]),
        ("It was a venture called Orion 1980, based in Pest.", []),
    ],
)
def test_a_bare_year_between_two_words(sentence, expected):
    assert timexes(sentence) == expected
