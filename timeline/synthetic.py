"""A large synthetic story for benchmarks and query plans: realistic shape, made-up words.

It writes in bulk straight to the tables (no extraction, no history rows): it stands in for a
story that years of ingestion built, so the timeline's queries can be measured at scale. Only
the `build_synthetic_story` command and the benchmarks call it; the app never does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from timeline.models import Article, Entity, Event, EventGroup, Source, Story

BATCH = 5_000
ACTORS = (
    "The canal authority, Port officials, The shipping line, Salvage crews, Insurers, The "
    "charterer, Union leaders, The ministry, Customs officers, Harbour pilots, Dredging teams, "
    "Analysts, The court, Tugboat crews, Freight forwarders, The coast guard"
).split(", ")
VERBS = (
    "announced, confirmed, suspended, resumed, inspected, refloated, grounded, delayed, "
    "rerouted, negotiated, approved, rejected, investigated, reopened, closed, cleared, "
    "unloaded, towed, dredged, reported"
).split(", ")
OBJECTS = (
    "the northern channel, container traffic, a bulk carrier, the convoy schedule, the tanker "
    "queue, the compensation claim, the salvage contract, the southern lock, night transits, "
    "grain shipments, the insurance payout, the berth allocation, the pilot roster, the cargo "
    "manifest, the dredging plan, the toll increase, the emergency repairs, the harbour fees"
).split(", ")
PLACES = "Suez, Ismailia, Port Said, Rotterdam, Singapore, Felixstowe, Jeddah, Piraeus".split(", ")
# A few names appear in about one event in 10,000 each, and one outlet publishes one article in
# 500: the rare filters, where walking the timeline in date order finds little.
RARE_ENTITIES = (
    "Harbour master Okafor, The salvage arbitrator, Dredger Amstel, Pilot Ferreira".split(", ")
)
RARE_ENTITY_SHARE = 1 / 10_000
RARE_SOURCE_SHARE = 1 / 500
PRECISIONS = ["day"] * 80 + ["week"] * 8 + ["month"] * 7 + ["quarter"] * 2 + ["year"] * 3


@dataclass(frozen=True)
class SyntheticSpec:
    slug: str
    events: int
    start: dt.date = dt.date(2020, 1, 1)
    days: int = 3 * 365
    seed: int = 6


def _event_date(rng: random.Random, spec: SyntheticSpec, bursts: list[int]) -> int:
    """A day offset: most news comes in bursts around a few big days, the rest is spread out."""
    if rng.random() < 0.6:
        return min(spec.days - 1, max(0, int(rng.gauss(rng.choice(bursts), 6))))
    return rng.randrange(spec.days)


def synthetic_story_build(
    *, spec: SyntheticSpec, progress: Callable[[int], None] | None = None
) -> Story:
    """Replace the story `spec.slug` with `spec.events` synthetic events (reproducible by seed)."""
    rng = random.Random(spec.seed)
    Story.objects.filter(slug=spec.slug).delete()
    story = Story.objects.create(
        slug=spec.slug,
        title=f"Synthetic story ({spec.events:,} events)",
        description="Generated for benchmarks and query plans; not news.",
    )
    sources = []
    for n in range(12):
        source, _ = Source.objects.get_or_create(
            slug=f"synthetic-wire-{n}", defaults={"name": f"Synthetic Wire {n}"}
        )
        sources.append(source)
    rare_source, _ = Source.objects.get_or_create(
        slug="synthetic-wire-rare", defaults={"name": "Synthetic Wire Rare"}
    )
    entities = []
    for n, name in enumerate(ACTORS + PLACES):
        kind = Entity.Kind.PLACE if name in PLACES else Entity.Kind.ORGANISATION
        entity, _ = Entity.objects.get_or_create(
            slug=f"synthetic-{n}", defaults={"name": f"{name} (synthetic)", "kind": kind}
        )
        entities.append(entity)
    rare = []
    for n, name in enumerate(RARE_ENTITIES):
        entity, _ = Entity.objects.get_or_create(
            slug=f"synthetic-rare-{n}",
            defaults={"name": f"{name} (synthetic)", "kind": Entity.Kind.PERSON},
        )
        rare.append(entity)
    bursts = [rng.randrange(spec.days) for _ in range(6)]
    per_article = 20
    written = 0
    through = Event.entities.through
    while written < spec.events:
        size = min(BATCH, spec.events - written)
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [
                    _article(
                        rng,
                        spec,
                        story,
                        rare_source if rng.random() < RARE_SOURCE_SHARE else rng.choice(sources),
                        written + i,
                        bursts,
                    )
                    for i in range(0, size, per_article)
                ]
            )
            events = []
            for i in range(size):
                article = articles[i // per_article]
                events.append(_event(rng, spec, story, article, bursts))
            # One timeline entry per event: synthetic reports never tell of the same happening.
            groups = EventGroup.objects.bulk_create(
                EventGroup(
                    story=story,
                    date=event.date,
                    precision=event.precision,
                    end_date=event.end_date,
                    text=event.text,
                    # As groups_refresh keeps it: an entry counts its visible reports only.
                    report_count=0 if event.status == "rejected" else 1,
                    source_count=0 if event.status == "rejected" else 1,
                )
                for event in events
            )
            for event, group in zip(events, groups, strict=True):
                event.group = group
            events = Event.objects.bulk_create(events)
            links = []
            for event in events:
                named = rng.sample(entities, rng.choice((0, 0, 1, 1, 2, 3)))
                if rng.random() < RARE_ENTITY_SHARE * len(rare):
                    named.append(rng.choice(rare))
                for entity in named:
                    links.append(through(event_id=event.pk, entity_id=entity.pk))
            through.objects.bulk_create(links)
        written += size
        if progress:
            progress(size)
    return story


def _article(rng, spec, story, source, n, bursts) -> Article:
    published = spec.start + dt.timedelta(days=_event_date(rng, spec, bursts))
    text = f"Synthetic article {n} of {spec.slug}."
    return Article(
        story=story,
        source=source,
        title=f"Synthetic report {n}",
        published=published,
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        extraction_status=Article.ExtractionStatus.DONE,
    )


def _event(rng, spec, story, article, bursts) -> Event:
    day = spec.start + dt.timedelta(days=_event_date(rng, spec, bursts))
    precision = rng.choice(PRECISIONS)
    if precision == "week":
        day -= dt.timedelta(days=day.weekday())
    elif precision == "month":
        day = day.replace(day=1)
    elif precision == "quarter":
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    end_date = day + dt.timedelta(days=rng.randint(1, 4)) if rng.random() < 0.03 else None
    timex = f"{day.day} {day:%B %Y}"
    text = (
        f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in "
        f"{rng.choice(PLACES)} on {timex}."
    )
    status = rng.choices(("extracted", "verified", "rejected"), weights=(87, 10, 3))[0]
    return Event(
        article=article,
        story=story,
        source=article.source,
        date=day,
        precision=precision,
        end_date=end_date,
        text=text,
        sentence_start=0,
        sentence_end=len(text),
        timex_start=len(text) - 1 - len(timex),
        timex_end=len(text) - 1,
        timex_text=timex,
        timex_value=day.isoformat(),
        rule="synthetic",
        status=status,
    )
