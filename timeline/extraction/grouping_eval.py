"""Measure event grouping on the hand-labelled clusters: pairwise precision, recall and F1.

`python -m timeline.extraction.grouping_eval [--tune]` prints the figures of the baseline and
of the chosen method (incremental and agglomerative); with --tune, the best weights of a grid
and the held-out figures of a two-fold split by cluster, so the weights are never judged only
on the reports they were tuned on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz

from . import extract
from .entities import find_entities
from .grouping import (
    DEFAULT_METHOD,
    Cluster,
    Corpus,
    Method,
    PairScores,
    Report,
    cluster_agglomeratively,
    cluster_incrementally,
    pair_scores,
)

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "data" / "grouping-labels.json"
DEMO = ROOT / "timeline" / "demo" / "ever-given.jsonl"


def entity_names(sentences: list[str]) -> list[frozenset[str]]:
    """Names per sentence, a lone surname joined to the story's full name ("Rabie" -> "Osama
    Rabie"), as the service layer's alias merge does with stored entities."""
    mentions = [find_entities(s) for s in sentences]
    full = {m.name.lower() for ms in mentions for m in ms if len(m.name.split()) > 1}
    by_surname: dict[str, str] = {}
    for name in sorted(full):
        by_surname.setdefault(name.split()[-1], name)
    return [
        frozenset(
            by_surname.get(m.name.lower(), m.name.lower())
            for m in ms
            if m.certain or m.name.lower() in by_surname
        )
        for ms in mentions
    ]


def load_reports(demo: Path = DEMO) -> list[Report]:
    """The demo story's extracted events as reports keyed like the labels, in publication order."""
    rows = []
    for line in demo.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        article = json.loads(line)
        published = dt.date.fromisoformat(article["published"])
        result = extract(article["text"], published=published, lang=article.get("lang", "en"))
        for event in result.events:
            key = f"{article['published']}|{article['title']}|{event.sentence_start}|"
            key += str(event.timex.start)
            rows.append((key, article, published, event))
    names = entity_names([event.sentence for *_, event in rows])
    reports = [
        Report(
            id=key,
            date=event.date,
            precision=event.precision.value,
            end_date=event.end_date,
            text=event.sentence,
            timex_text=event.timex.text,
            entities=entities,
            published=published,
            sentence=(article["title"], event.sentence_start),
        )
        for (key, article, published, event), entities in zip(rows, names, strict=True)
    ]
    # Publication order, then the order of the file and of the text, as ingest sees them.
    return sorted(reports, key=lambda r: r.published)


def load_gold(labels: Path = LABELS) -> list[list[str]]:
    return [cluster["keys"] for cluster in json.loads(labels.read_text())["clusters"]]


def group_incrementally(reports: list[Report], method: Method) -> list[list[str]]:
    clusters = cluster_incrementally(reports, corpus=Corpus(reports), method=method)
    return [[r.id for r in c.reports] for c in clusters]


def group_agglomeratively(reports: list[Report], method: Method) -> list[list[str]]:
    clusters = cluster_agglomeratively(
        [Cluster(reports=[r]) for r in reports], corpus=Corpus(reports), method=method
    )
    return [[r.id for r in c.reports] for c in clusters]


def fuzz_baseline(reports: list[Report], threshold: float) -> list[list[str]]:
    """rapidfuzz token_set_ratio alone, single link (the baseline this method must beat)."""
    parent = {r.id: r.id for r in reports}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in itertools.combinations(reports, 2):
        if fuzz.token_set_ratio(a.text, b.text) >= threshold:
            parent[find(a.id)] = find(b.id)
    groups: dict[str, list[str]] = {}
    for r in reports:
        groups.setdefault(find(r.id), []).append(r.id)
    return list(groups.values())


def score(
    grouper: Callable[[list[Report], Method], list[list[str]]],
    reports: list[Report],
    gold: list[list[str]],
    method: Method,
) -> PairScores:
    ids = {r.id for r in reports}
    return pair_scores(grouper(reports, method), [[k for k in c if k in ids] for c in gold])


def candidate_methods() -> Iterable[Method]:
    for words, near, entities, same_day, threshold in itertools.product(
        (0.2, 0.4, 0.6), (0.0, 0.2, 0.4), (0.1, 0.2, 0.3), (0.0, 0.1), (0.15, 0.2, 0.25, 0.3, 0.35)
    ):
        wording = round(1 - words - near - entities, 2)
        if wording < 0:
            continue
        yield replace(
            DEFAULT_METHOD,
            words=words,
            near=near,
            entities=entities,
            wording=wording,
            same_day=same_day,
            threshold=threshold,
        )


def tune(grouper, reports: list[Report], gold: list[list[str]]) -> tuple[Method, PairScores]:
    best = max(
        ((m, score(grouper, reports, gold, m)) for m in candidate_methods()),
        key=lambda pair: pair[1].f1,
    )
    return best


def two_fold(grouper, reports: list[Report], gold: list[list[str]]) -> list[PairScores]:
    """Tune on half the clusters, score on the other half, and the other way round."""
    folds = [[c for n, c in enumerate(gold) if n % 2 == k] for k in (0, 1)]
    held_out = []
    for train, test in (folds, folds[::-1]):
        train_ids = {k for c in train for k in c}
        test_ids = {k for c in test for k in c}
        method, _ = tune(grouper, [r for r in reports if r.id in train_ids], train)
        held_out.append(score(grouper, [r for r in reports if r.id in test_ids], test, method))
    return held_out


def bench(reports: list[Report], copies: int) -> None:
    """Time both clusterings on a long story: the demo again and again, a year later each time."""
    story = [
        replace(
            r,
            id=(n, r.id),
            date=_years_later(r.date, 2 * n),
            end_date=r.end_date and _years_later(r.end_date, 2 * n),
            sentence=(n, r.sentence),
        )
        for n in range(copies)
        for r in reports
    ]
    for name, grouper in (
        ("incremental", group_incrementally),
        ("agglomerative", group_agglomeratively),
    ):
        started = time.perf_counter()
        groups = grouper(story, DEFAULT_METHOD)
        elapsed = time.perf_counter() - started
        print(
            f"  {name:14} {len(story)} reports in {elapsed:.2f} s "
            f"({len(story) / elapsed:.0f} reports/s, {len(groups)} entries)"
        )


def _years_later(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February in a year without one
        return date.replace(year=date.year + years, day=28)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--demo", type=Path, default=DEMO)
    parser.add_argument("--tune", action="store_true", help="also grid-search the weights")
    parser.add_argument(
        "--bench",
        type=int,
        metavar="COPIES",
        default=0,
        help="also time grouping a story of COPIES copies of the demo, a year apart each",
    )
    args = parser.parse_args(argv)
    reports, gold = load_reports(args.demo), load_gold(args.labels)
    labelled = {k for c in gold for k in c}
    covered = sum(r.id in labelled for r in reports)
    print(f"{len(reports)} reports, {covered} of {len(labelled)} labelled keys found")
    best_fuzz = max(
        ((pair_scores(fuzz_baseline(reports, t), gold), t) for t in range(50, 100, 5)),
        key=lambda pair: pair[0].f1,
    )
    print(f"baseline rapidfuzz token_set_ratio >= {best_fuzz[1]}: {best_fuzz[0]}")
    print(f"method {DEFAULT_METHOD}")
    for name, grouper in (
        ("incremental", group_incrementally),
        ("agglomerative", group_agglomeratively),
    ):
        print(f"  {name:14} {score(grouper, reports, gold, DEFAULT_METHOD)}")
    if args.bench:
        bench(reports, args.bench)
    if args.tune:
        for name, grouper in (
            ("incremental", group_incrementally),
            ("agglomerative", group_agglomeratively),
        ):
            method, best = tune(grouper, reports, gold)
            print(f"  {name:14} tuned on all: {best} with {method}")
            for n, held in enumerate(two_fold(grouper, reports, gold), 1):
                print(f"  {name:14} held-out fold {n}: {held}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
