"""Word tables for temporal expressions: month and weekday names, number words, units."""

from __future__ import annotations

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip

WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a couple of": 2, "a couple": 2, "couple of": 2,
}  # fmt: skip

# Quantities too vague for a number; TIMEX3 writes them with an X ("PXY").
VAGUE_QUANTITIES = frozenset({"several", "a few", "few", "many", "some"})

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}  # fmt: skip

# Canonical unit -> TIMEX3 duration letter and whether it takes the "T" time designator.
UNITS = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "week": ("W", False), "fortnight": ("W", False), "month": ("M", False),
    "quarter": ("Q", False), "year": ("Y", False), "decade": ("DE", False),
    "century": ("CE", False),
}  # fmt: skip

SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}

PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}

# Words after a weekday that make it part of a title ("the Sunday Times").
WEEKDAY_NAME_FOLLOWERS = frozenset(
    """Times Telegraph Mirror Express Post Herald Star Independent Tribune Observer Sport Mail
    People Record Age Magazine Edition Show School Service Club League Riots""".split()
)

# Words before a weekday that make it a name ("Bloody Sunday", "Super Tuesday").
WEEKDAY_NAME_LEADERS = frozenset("Bloody Black Super Good Ash Palm Easter Cyber Holy".split())

# A preceding word that lets a bare four-digit number be read as a year.
YEAR_CONTEXT = frozenset(
    """in since by of until till during from to between and through before after early late
    mid fiscal around circa year spring summer autumn fall winter for into due the a its his her
    their our this that both""".split()
)

# Nouns that show a four-digit number is a count, not a year ("2000 people").
COUNT_NOUNS = frozenset(
    """people persons troops soldiers workers employees jobs shares votes units cars homes times
    tons tonnes barrels miles feet meters metres kilometres kilometers km years days hours
    dollars euros pounds yen members students children residents cases deaths copies acres
    points seats refugees civilians men women patients flights rooms""".split()
)

# Words that let an ambiguous month name ("May", "March") be read as a month.
MONTH_CONTEXT = frozenset(
    """in on since until till by from to through during of before after between early late
    mid last next this until last""".split()
)

# Holidays by name -> (month, day) for fixed dates, (month, weekday, nth, from_day) for the
# nth weekday (0 = Monday) on or after day `from_day` of the month (nth -1 is the last one), or
# (days,) for the feasts that move with Easter Sunday.
HOLIDAYS = {
    "New Year's Day": (1, 1), "New Year's Eve": (12, 31), "Christmas Day": (12, 25),
    "Christmas Eve": (12, 24), "Christmas": (12, 25), "Independence Day": (7, 4),
    "Halloween": (10, 31), "Valentine's Day": (2, 14), "Veterans Day": (11, 11),
    "Thanksgiving Day": (11, 3, 4, 1), "Thanksgiving": (11, 3, 4, 1),
    "Labor Day": (9, 0, 1, 1), "Memorial Day": (5, 0, -1, 1),
    "Martin Luther King Day": (1, 0, 3, 1),
    # US general elections: the Tuesday after the first Monday of November.
    "Election Day": (11, 1, 1, 2),
    "Boxing Day": (12, 26), "St. Patrick's Day": (3, 17), "Saint Patrick's Day": (3, 17),
    "May Day": (5, 1), "Bastille Day": (7, 14), "Armistice Day": (11, 11),
    "Remembrance Day": (11, 11), "Canada Day": (7, 1), "Australia Day": (1, 26),
    "Mother's Day": (5, 6, 2, 1), "Father's Day": (6, 6, 3, 1), "Presidents' Day": (2, 0, 3, 1),
    "Columbus Day": (10, 0, 2, 1),
    # The moveable feasts: (days after Easter Sunday,).
    "Easter": (0,), "Easter Sunday": (0,), "Easter Day": (0,), "Easter Monday": (1,),
    "Good Friday": (-2,), "Holy Thursday": (-3,), "Maundy Thursday": (-3,),
    "Holy Saturday": (-1,), "Palm Sunday": (-7,), "Ash Wednesday": (-46,),
    "Pentecost": (49,), "Whit Monday": (50,), "Ascension Day": (39,),
}  # fmt: skip
