"""Made-up news articles for the ingest benchmark: several stories, many outlets, real shapes.

Every word here is our own: stories are built from templated sentences about invented people,
organisations and places, and each article tells of its story's happenings with the date
expressions reporters use (absolute dates, weekdays, "yesterday", "two days ago", "last week",
months, years, plans ahead), relative to its own publication date. The same seed gives the same
articles. Pure Python (no Django): only the `bench_ingest` command and its tests use it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
NUMBERS = "two three four five six".split()

FIRST_NAMES = (
    "Amara Bruno Celia Dario Elif Farid Greta Hugo Ines Jonas Kalinda Leon Mireille Nadir "
    "Olena Pavel Quinn Rosa Sami Tereza Umberto Vesna Wilhelm Ximena Yusuf Zofia"
).split()
SURNAMES = (
    "Abernathy Baltazar Corvino Delacroix Esterhazy Fontaine Gravenor Halloran Ivanescu "
    "Jaramillo Kowalczyk Lindqvist Marchetti Novak Oyelaran Petrakis Quennell Rasmussen "
    "Szabo Tavares Underhill Valdivia Whitcombe Yamashiro Zeller"
).split()
TITLES = "Minister Mayor Governor Director Judge Senator Commissioner Chairwoman".split()
PLACE_ROOTS = (
    "Alvern Brackwater Corrin Dunmore Elsfield Farrow Glenhaven Harwick Istra Kestrel Larkspur "
    "Mirefield Norrow Oakhollow Pellmar Quarry Rowan Saltmarsh Thornbury Ulmstead Varna Westmere"
).split()
PLACE_KINDS = ("", " Bay", " Valley", " Harbour", " Province")
ORG_PATTERNS = (
    "{place} Port Authority",
    "{place} City Council",
    "Ministry of {topic}",
    "{place} Water Company",
    "{surname} Shipping Lines",
    "{place} District Court",
    "{surname} Insurance Group",
    "National {topic} Agency",
    "{place} Transport Union",
    "{surname} Holdings",
)
TOPICS = "Transport Energy Health Water Labour Justice Housing Trade".split()
OUTLETS = (
    "Morning Ledger, Harbour Courier, Daily Lantern, Evening Signal, Coastal Gazette, "
    "Northern Dispatch, Civic Record, The Wire Desk, Weekly Compass, Riverside Herald, "
    "Metro Bulletin, Valley Observer, The Beacon, Capital Review, Plainsman Post, "
    "Southern Chronicle, Island Times, The Tribune Line, Frontier Report, Market Monitor, "
    "Open Column, Quayside News, Upland Journal, Westerly Press"
).split(", ")
STORY_KINDS = (
    ("port-strike", "strike at the {place} docks", "dockworkers"),
    ("river-flood", "floods along the {place} river", "residents"),
    ("bridge-collapse", "the {place} bridge collapse", "engineers"),
    ("merger", "the takeover of {org}", "shareholders"),
    ("corruption-trial", "the trial of {person}", "prosecutors"),
    ("wildfire", "wildfires near {place}", "firefighters"),
    ("summit", "the {place} trade summit", "delegates"),
    ("rail-outage", "the {place} rail outage", "commuters"),
)
# What happens in a story: a verb in the past and in the future, and what it is done to.
ACTIONS = (
    ("announced", "will announce", "a review of {thing}"),
    ("suspended", "will suspend", "{thing}"),
    ("resumed", "will resume", "{thing}"),
    ("approved", "will approve", "emergency funding for {thing}"),
    ("rejected", "will vote on", "the proposal on {thing}"),
    ("opened", "will open", "an inquiry into {thing}"),
    ("closed", "will close", "{thing}"),
    ("inspected", "will inspect", "{thing}"),
    ("signed", "will sign", "an agreement on {thing}"),
    ("published", "will publish", "a report on {thing}"),
    ("restored", "will restore", "{thing}"),
    ("evacuated", "will evacuate", "the area around {thing}"),
)
THINGS = (
    "the northern terminal, the main pumping station, night services, the eastern embankment, "
    "the cargo backlog, the compensation scheme, the repair contract, the safety certificates, "
    "the relief convoy, the freight corridor, the harbour tolls, the temporary crossing, "
    "the evacuation centres, the shift rota, the warehouse district, the supply contracts, "
    "the old customs house, the flood barriers, the signal system, the ferry link"
).split(", ")
FILLER = (
    "Local traders said the disruption had already cost them customers.",
    "Residents described long queues and confusing instructions from officials.",
    "The figures could not be independently verified.",
    "Critics argue that warnings were ignored for years.",
    "Several community groups have offered volunteers and temporary shelter.",
    "Insurers are expected to face a wave of claims once the damage is assessed.",
    "Opposition politicians called for a full and public account of the decisions taken.",
    "Analysts cautioned that the full economic impact would take months to emerge.",
    "Officials declined to comment on the cost of the operation.",
    "The mood in the town was tense but calm, according to people who spoke to reporters.",
    "Some businesses have moved staff to other sites while the situation remains unclear.",
    "Union representatives said their members wanted clear guarantees in writing.",
    "A spokesperson said the priority remained the safety of the public.",
    "Schools in the area have stayed open, although attendance has dropped.",
    "Engineers have warned that repairs will be complicated by the weather.",
    "Questions remain about who approved the original plans.",
)
QUOTES = (
    "“We are doing everything we can,” {person} told reporters.",
    "“This should never have happened,” said {person}, who has followed the case closely.",
    "“People deserve answers,” {person} said in a statement.",
    "{person} described the situation as serious but under control.",
    "“We will not accept half measures,” {person} added.",
)


@dataclass(frozen=True)
class Happening:
    day: dt.date
    actor: str
    action: int
    thing: str
    place: str
    # Some happenings are only ever known to the month ("in March").
    month_only: bool = False


@dataclass(frozen=True)
class StoryPlan:
    slug: str
    title: str
    people: tuple[str, ...]
    organisations: tuple[str, ...]
    places: tuple[str, ...]
    crowd: str
    start: dt.date
    days: int
    happenings: tuple[Happening, ...]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _plan_story(rng: random.Random, index: int, start: dt.date) -> StoryPlan:
    kind, title_pattern, crowd = STORY_KINDS[index % len(STORY_KINDS)]
    places = tuple(
        dict.fromkeys(f"{rng.choice(PLACE_ROOTS)}{rng.choice(PLACE_KINDS)}" for _ in range(6))
    )
    people = tuple(dict.fromkeys(_person(rng) for _ in range(8)))
    organisations = tuple(
        dict.fromkeys(
            rng.choice(ORG_PATTERNS).format(
                place=rng.choice(PLACE_ROOTS),
                surname=rng.choice(SURNAMES),
                topic=rng.choice(TOPICS),
            )
            for _ in range(6)
        )
    )
    days = rng.randrange(90, 200)
    actors = (*organisations, *(f"{rng.choice(TITLES)} {p}" for p in people))
    happenings = []
    for _ in range(rng.randrange(40, 90)):
        happenings.append(
            Happening(
                day=start + dt.timedelta(days=rng.randrange(days)),
                actor=rng.choice(actors),
                action=rng.randrange(len(ACTIONS)),
                thing=rng.choice(THINGS),
                place=rng.choice(places),
                month_only=rng.random() < 0.08,
            )
        )
    happenings.sort(key=lambda h: h.day)
    title = title_pattern.format(place=places[0], org=organisations[0], person=people[0])
    return StoryPlan(
        slug=f"{kind}-{index}",
        title=title[:1].upper() + title[1:],
        people=people,
        organisations=organisations,
        places=places,
        crowd=crowd,
        start=start,
        days=days,
        happenings=tuple(happenings),
    )


def plan_stories(count: int, *, seed: int = 6) -> list[StoryPlan]:
    rng = random.Random(seed)
    return [
        _plan_story(rng, n, dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(700)))
        for n in range(count)
    ]


def _ordinal_day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def date_phrase(rng: random.Random, day: dt.date, published: dt.date, *, month_only: bool) -> str:
    """How a reporter writing on `published` would date `day`: the phrase, with its preposition."""
    gap = (published - day).days
    month = MONTHS[day.month - 1]
    if month_only:
        if (day.year, day.month) == (published.year, published.month):
            return rng.choice(("earlier this month", "this month"))
        if gap > 0 and (published.month - day.month) % 12 == 1 and gap < 62:
            return rng.choice(("last month", f"in {month}"))
        return rng.choice((f"in {month}", f"in {month} {day.year}"))
    if gap == 0:
        return rng.choice(("today", "on " + WEEKDAYS[day.weekday()], "earlier today"))
    if gap == 1:
        return rng.choice(("yesterday", "on " + WEEKDAYS[day.weekday()]))
    if gap == -1:
        return "tomorrow"
    if 2 <= gap <= 6:
        return rng.choice(
            (
                "on " + WEEKDAYS[day.weekday()],
                "last " + WEEKDAYS[day.weekday()],
                f"{NUMBERS[gap - 2]} days ago",
                f"on {_ordinal_day(day)}",
            )
        )
    if -6 <= gap <= -2:
        return rng.choice(("on " + WEEKDAYS[day.weekday()], f"on {_ordinal_day(day)}"))
    if 7 <= gap <= 13 and rng.random() < 0.3:
        return "last week"
    choices = [
        f"on {_ordinal_day(day)}",
        f"on {month} {day.day}",
        f"on {_ordinal_day(day)} {day.year}",
        f"on {month} {day.day}, {day.year}",
    ]
    if day.year != published.year:
        choices = choices[2:]
    return rng.choice(choices)


def _report_sentence(rng: random.Random, plan: StoryPlan, happening: Happening, when: str) -> str:
    past, future, obj = ACTIONS[happening.action]
    thing = obj.format(thing=happening.thing)
    ahead = when in ("tomorrow",) or when.startswith("next")
    verb = future if ahead else past
    pattern = rng.randrange(5)
    if pattern == 0:
        sentence = f"{when}, {happening.actor} {verb} {thing} in {happening.place}."
    elif pattern == 1:
        sentence = f"{happening.actor} {verb} {thing} {when}, {plan.crowd} said."
    elif pattern == 2:
        sentence = (
            f"According to {rng.choice(plan.people)}, {happening.actor} {verb} {thing} "
            f"in {happening.place} {when}."
        )
    elif pattern == 3:
        sentence = (
            f"{happening.actor} {verb} {thing} {when} after {plan.crowd} in {happening.place} "
            f"raised concerns."
        )
    else:
        sentence = f"In {happening.place}, {happening.actor} {verb} {thing} {when}."
    return sentence[:1].upper() + sentence[1:]


def _future_sentence(rng: random.Random, plan: StoryPlan, published: dt.date) -> str:
    ahead = rng.randrange(2, 40)
    day = published + dt.timedelta(days=ahead)
    _, future, obj = rng.choice(ACTIONS)
    actor = rng.choice(plan.organisations)
    if ahead <= 6:
        when = "on " + WEEKDAYS[day.weekday()]
    elif ahead <= 13 and rng.random() < 0.5:
        when = "next week"
    else:
        when = f"on {_ordinal_day(day)}"
    return f"{actor} {future} {obj.format(thing=rng.choice(THINGS))} {when}."


def _background_sentence(rng: random.Random, plan: StoryPlan, published: dt.date) -> str:
    year = published.year - rng.randrange(1, 12)
    place = rng.choice(plan.places)
    return rng.choice(
        (
            f"A similar crisis hit {place} in {year}, when {rng.choice(THINGS)} was closed.",
            f"The {rng.choice(plan.organisations)} was set up in {year}.",
            f"{rng.choice(plan.people)} has led the campaign since {year}.",
            f"Last year, {rng.choice(plan.organisations)} warned about {rng.choice(THINGS)}.",
        )
    )


@dataclass(frozen=True)
class GeneratedArticle:
    story: str
    title: str
    text: str
    published: dt.date
    source: str
    url: str

    def as_record(self) -> dict:
        return {
            "title": self.title,
            "text": self.text,
            "published": self.published.isoformat(),
            "source": self.source,
            "url": self.url,
            "lang": "en",
        }


def _article(rng: random.Random, plan: StoryPlan, number: int) -> GeneratedArticle:
    # News comes after the first happenings and thins out towards the end of the story.
    offset = min(plan.days + 30, int(rng.triangular(3, plan.days + 30, plan.days * 0.3)))
    published = plan.start + dt.timedelta(days=offset)
    known = [h for h in plan.happenings if h.day <= published + dt.timedelta(days=1)]
    recent = [h for h in known if (published - h.day).days <= 10] or known[-3:]
    chosen: list[Happening] = []
    for _ in range(rng.randrange(4, 9)):
        pool = recent if rng.random() < 0.6 else known
        if pool:
            chosen.append(rng.choice(pool))
    chosen = sorted(dict.fromkeys(chosen), key=lambda h: h.day, reverse=True)
    lead = chosen[0] if chosen else plan.happenings[0]
    past, _, obj = ACTIONS[lead.action]
    title = f"{lead.actor} {past} {obj.format(thing=lead.thing)}"
    title = title[:1].upper() + title[1:]
    paragraphs: list[list[str]] = [[]]
    for happening in chosen:
        when = date_phrase(rng, happening.day, published, month_only=happening.month_only)
        paragraphs[-1].append(_report_sentence(rng, plan, happening, when))
        for _ in range(rng.randrange(1, 4)):
            paragraphs[-1].append(rng.choice(FILLER))
        if rng.random() < 0.4:
            person = f"{rng.choice(TITLES)} {rng.choice(plan.people)}"
            paragraphs[-1].append(rng.choice(QUOTES).format(person=person))
        if rng.random() < 0.5:
            paragraphs.append([])
    paragraphs[-1].append(_future_sentence(rng, plan, published))
    if rng.random() < 0.6:
        paragraphs[-1].append(_background_sentence(rng, plan, published))
    body = "\n\n".join(" ".join(p) for p in paragraphs if p)
    target = rng.randrange(2000, 4000)
    while len(body) < target:
        person = f"{rng.choice(TITLES)} {rng.choice(plan.people)}"
        extra = [*rng.sample(FILLER, 2), rng.choice(QUOTES).format(person=person)]
        rng.shuffle(extra)
        body += "\n\n" + " ".join(extra)
    return GeneratedArticle(
        story=plan.slug,
        title=title[:300],
        text=f"{title}\n\n{body}",
        published=published,
        source=rng.choice(OUTLETS),
        url=f"https://news.example.org/{plan.slug}/{published:%Y/%m/%d}/{number}",
    )


def generate_articles(count: int, *, stories: int = 6, seed: int = 6) -> Iterator[GeneratedArticle]:
    """`count` articles spread over `stories` stories (some much bigger than others)."""
    rng = random.Random(seed)
    plans = plan_stories(stories, seed=seed)
    weights = [1 / (n + 1) for n in range(len(plans))]
    for number in range(count):
        plan = rng.choices(plans, weights)[0]
        yield _article(rng, plan, number)
