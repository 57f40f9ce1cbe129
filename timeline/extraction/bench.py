"""Speed and memory benchmark of the extractor, measured against dateparser's search_dates.

    python -m timeline.extraction.bench [--corpus PATH ...] [--repeat N] [--quick]

One run prints three measurements, then a summary:

1. speed: our `extract` and `dateparser.search.search_dates` over the same documents,
   interleaved document by document, as chars/s and their ratio (target: ours >= 10x);
2. cache: memory and `periods.parse_absolute` cache size while the same text is extracted
   against thousands of distinct publication dates (the cache must not grow with them), and
   the same for search_dates with distinct RELATIVE_BASE dates (measured, not judged);
3. adversarial input: seconds per MB, how time grows with size, and peak memory on ~1 MB
   hostile documents, the median of --repeat runs (target < 2 s per MB). A document that a
   small probe shows to be super-linear and predicts to run past a cap is not run: its time
   is extrapolated, so the benchmark finishes even when the extractor has a quadratic
   blow-up.

It is a report, not a test: it exits 0 whatever the figures. Speed targets are checked here,
by figures a person reads, never by timed assertions in the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dateparser
from dateparser.search import search_dates

from .__main__ import InputError, parse_publication_date
from .periods import parse_absolute
from .pipeline import extract
from .scanning import clear_word_cache

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEV_SPLIT = Path("shared/corpora/tempeval3/dev.jsonl")  # relative to the project's parent
DEMO_ARTICLES = Path("timeline/demo/ever-given.jsonl")  # relative to the project root

SPEED_TARGET = 10.0  # ours / dateparser, in chars per second
ADVERSARIAL_TARGET = 2.0  # seconds per 1 MB document
MB = 1_000_000  # bytes or characters; decimal, like the chars/s figures

# A paragraph dense in the expressions whose parsing is cached: full, year-less and numeric
# dates. If the cache key held the publication date, every new date would add entries.
CACHE_TEXT = (
    "The ship ran aground on Tuesday, March 23, 2021, and was freed on March 29. "
    "Talks held on 24 February and again on February 29 failed; a deal signed 9/3/2022 "
    "took effect on 2021-03-23. Traffic resumed three days later, the canal authority said "
    "last month, and an inquiry opened in May 2020 will report by December 25. "
    "Insurers met on Wednesday and will meet again on 12 April, two weeks from now. "
    "In the 1990s and again in Q3 of 2019 the route closed for a few days; "
    "the next day, on Sunday 4 July, it reopened until early next year.\n"
)


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    published: datetime.date

    @property
    def published_datetime(self) -> datetime.datetime:
        return datetime.datetime.combine(self.published, datetime.time())


@dataclass
class SpeedResult:
    docs: int
    total_docs: int
    chars: int
    ours_seconds: list[float]
    dateparser_seconds: list[float]
    budget_hit: bool

    @property
    def ours_chars_per_s(self) -> float:
        return self.chars / statistics.median(self.ours_seconds)

    @property
    def dateparser_chars_per_s(self) -> float:
        return self.chars / statistics.median(self.dateparser_seconds)

    @property
    def ratio(self) -> float:
        return self.ours_chars_per_s / self.dateparser_chars_per_s


@dataclass
class MemoryResult:
    dates: int
    seconds: float
    growth: int  # bytes still allocated after the run, relative to just after warm-up
    late_growth: int  # bytes added over the last 90% of the dates: ~0 when nothing accumulates
    peak: int
    cache_before: tuple[int, int] | None = None  # (currsize, maxsize) of parse_absolute
    cache_early: tuple[int, int] | None = None
    cache_after: tuple[int, int] | None = None


@dataclass
class AdversarialResult:
    name: str
    chars: int
    seconds: float
    timexes: int
    growth: float  # exponent of run time against size: 1.0 linear, 2.0 quadratic
    extrapolated: bool = False  # too slow to run: `seconds` is predicted from a small probe
    peak: int | None = None
    runs: list[float] = field(default_factory=list)  # each full-size run's seconds

    @property
    def seconds_per_mb(self) -> float:
        return self.seconds / (self.chars / MB)


# Documents -------------------------------------------------------------------------------


def default_corpus(project_root: Path = PROJECT_ROOT) -> Path:
    """The TempEval-3 dev split when ../shared is next to the project, else the demo articles."""
    dev = project_root.parent / DEV_SPLIT
    return dev if dev.is_file() else project_root / DEMO_ARTICLES


def load_documents(paths: list[Path]) -> tuple[list[Document], int]:
    """Documents of JSONL files with "text" and "published" (or "dct"); and how many were bad."""
    docs: list[Document] = []
    skipped = 0
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                    published = parse_publication_date(raw.get("published", raw.get("dct")))
                    text = raw["text"]
                    if not isinstance(text, str):
                        raise InputError('"text" must be a string')
                except (ValueError, KeyError, AttributeError):
                    skipped += 1
                    continue
                if not text:
                    continue  # nothing to time
                docs.append(Document(str(raw.get("id", f"{path.name}:{number}")), text, published))
    return docs, skipped


# 1. Speed against dateparser --------------------------------------------------------------


def run_ours(doc: Document) -> int:
    return len(extract(doc.text, published=doc.published, lang="en").timexes)


def run_dateparser(doc: Document) -> int:
    found = search_dates(
        doc.text, languages=["en"], settings={"RELATIVE_BASE": doc.published_datetime}
    )
    return len(found or [])


def _timed(function: Callable[[Document], int], doc: Document) -> float:
    start = time.perf_counter()
    function(doc)
    return time.perf_counter() - start


def compare_speed(
    docs: list[Document], repeat: int, max_docs: int | None, budget: float
) -> SpeedResult:
    """Time both extractors over the same documents, interleaved, for `repeat` rounds.

    dateparser is the slow side, so the first round also fixes the subset: documents are
    taken in corpus order until `max_docs` or until dateparser has used `budget` seconds.
    Later rounds time exactly that subset again; figures are the median over rounds.
    """
    # Warm-up: imports, regex compilation and dateparser's language data load on first use.
    for doc in docs[:3]:
        run_ours(doc)
        run_dateparser(doc)

    limit = len(docs) if max_docs is None else max(1, min(max_docs, len(docs)))
    subset = docs[:limit]
    budget_hit = False
    ours_rounds: list[float] = []
    dateparser_rounds: list[float] = []
    for round_number in range(repeat):
        # Each round starts with empty parse and word caches so later rounds do not flatter
        # us with the previous round's answers (dateparser's own caches stay warm:
        # conservative).
        parse_absolute.cache_clear()
        clear_word_cache()
        gc.collect()
        ours = dateparser_time = 0.0
        for index, doc in enumerate(subset):
            # Alternate which side goes first, so cache and frequency effects hit both alike.
            if (index + round_number) % 2 == 0:
                ours += _timed(run_ours, doc)
                dateparser_time += _timed(run_dateparser, doc)
            else:
                dateparser_time += _timed(run_dateparser, doc)
                ours += _timed(run_ours, doc)
            if round_number == 0 and dateparser_time >= budget and index + 1 < len(subset):
                subset, budget_hit = subset[: index + 1], True
                break
        ours_rounds.append(ours)
        dateparser_rounds.append(dateparser_time)
        chars = sum(len(doc.text) for doc in subset)
        print(
            f"  round {round_number + 1}: ours {ours:7.3f} s ({chars / ours:>12,.0f} chars/s)"
            f"   dateparser {dateparser_time:7.3f} s ({chars / dateparser_time:>10,.0f} chars/s)"
            f"   ratio {dateparser_time / ours:5.1f}x",
            flush=True,
        )
    return SpeedResult(
        docs=len(subset),
        total_docs=len(docs),
        chars=sum(len(doc.text) for doc in subset),
        ours_seconds=ours_rounds,
        dateparser_seconds=dateparser_rounds,
        budget_hit=budget_hit,
    )


# 2. Memory against the number of distinct publication dates -------------------------------


def distinct_dates(count: int) -> list[datetime.date]:
    # Every 11th day from 1990: spread over decades, every weekday and month, all distinct.
    first = datetime.date(1990, 1, 1)
    return [first + datetime.timedelta(days=11 * i) for i in range(count)]


def _cache_size() -> tuple[int, int]:
    info = parse_absolute.cache_info()
    return info.currsize, info.maxsize or 0


def measure_memory(
    run: Callable[[datetime.date], object], dates: list[datetime.date], track_cache: bool
) -> MemoryResult:
    """Allocated memory while `run` is called once per date (tracemalloc, after a warm-up).

    The growth over the last 90% of the dates tells a bounded memory (about 0) from one that
    keeps something per date (roughly linear in the number of dates).
    """
    run(dates[0])  # warm-up: first-use allocations are not per-date growth
    gc.collect()
    cache_before = _cache_size() if track_cache else None
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        early_point = max(1, len(dates) // 10)
        early = baseline
        cache_early = None
        start = time.perf_counter()
        for index, date in enumerate(dates, 1):
            run(date)
            if index == early_point:
                gc.collect()
                early = tracemalloc.get_traced_memory()[0]
                cache_early = _cache_size() if track_cache else None
        seconds = time.perf_counter() - start
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return MemoryResult(
        dates=len(dates),
        seconds=seconds,
        growth=current - baseline,
        late_growth=current - early,
        peak=peak - baseline,
        cache_before=cache_before,
        cache_early=cache_early,
        cache_after=_cache_size() if track_cache else None,
    )


def memory_of_ours(text: str, count: int) -> MemoryResult:
    parse_absolute.cache_clear()
    return measure_memory(
        lambda date: extract(text, published=date, lang="en"), distinct_dates(count), True
    )


def memory_of_dateparser(text: str, count: int) -> MemoryResult:
    def run(date: datetime.date) -> object:
        base = datetime.datetime.combine(date, datetime.time())
        return search_dates(text, languages=["en"], settings={"RELATIVE_BASE": base})

    return measure_memory(run, distinct_dates(count), False)


# 3. Adversarial documents -----------------------------------------------------------------


def _filled(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _random_mix(size: int) -> str:
    rng = random.Random(20220309)  # fixed seed: the same document every run
    fragments = [
        "May ", "may ", "2021 ", "1/1/", "12-13-", "Monday ", '"', "on Wednesday ",
        "March 9, 2022 ", "two days ago ", "the next day ", ". ", "\n", "Q3 ", "last ", "a ",
        "1999-", "'80s ", "from May to July ", "31/31/31 ", "\u201c", "three weeks ", "in ",
        "1,000 ", "...", "x. ",
    ]  # fmt: skip
    noise = "aZ09 /-.,:'\"\u2013\n"
    pieces: list[str] = []
    length = 0
    while length < size:
        if rng.random() < 0.7:
            piece = rng.choice(fragments)
        else:
            piece = "".join(rng.choice(noise) for _ in range(rng.randint(1, 6)))
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces)[:size]


_LONG_SENTENCE = (
    "the talks held on Wednesday in March 2021 were two days ago and the next round "
    "is due in three weeks or by early next year according to officials who met "
)

# Hostile texts, each made at any size: ambiguous words, digit runs, punctuation runs, no
# sentence breaks. A generator rather than a fixed text, so the scaling probe can make the
# same document small (a run of dots must still end in a letter).
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "May may May 2021 ...": _filled("May may May 2021 "),
    "111...": _filled("1"),
    "12-13-14-15-...": _filled("12-13-14-15-"),
    "Monday Tuesday ...": _filled("Monday Tuesday Wednesday Thursday Friday Saturday Sunday "),
    "1/1/1/1/...": _filled("1/"),
    "1 1 1 1 ...": _filled("1 "),
    "1,000,000,000,...": lambda size: ("1" + ",000" * (size // 4 + 1))[:size],
    "one long sentence": _filled(_LONG_SENTENCE),
    "x. x. x. ... on one line": _filled("x. "),
    "......x": lambda size: "." * (size - 1) + "x",
    '"""...': _filled('"'),
    'quoted "May." "1999" ...': _filled("He said \"May.\" \u201c1999\u201d 'Sunday' "),
    "random mix": _random_mix,
}


def _time_extract(text: str) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    found = extract(text, published=datetime.date(2022, 3, 9), lang="en")
    return time.perf_counter() - start, len(found.timexes)


def _exponent(small: int, small_s: float, large: int, large_s: float) -> float:
    """How run time grows with size between two runs: 1 for linear, 2 for quadratic."""
    if small_s <= 0 or large_s <= 0 or large <= small:
        return 1.0
    return math.log(large_s / small_s) / math.log(large / small)


def time_adversarial(size: int, cap: float, repeat: int = 1) -> list[AdversarialResult]:
    """Time each adversarial document at `size` chars, after a probe at 1/256 and 1/64 size.

    The probe shows how time grows with size; a document predicted to take over `cap`
    seconds (a quadratic blow-up) is not run at full size, so the benchmark always finishes:
    its time is extrapolated from the probe instead, and marked so. A document run at full
    size is run `repeat` times and its median time kept (one run on a shared machine can
    land on a busy moment); the runs are printed beside it.
    """
    results = []
    for name, make in ADVERSARIAL.items():
        tiny, small = max(1, size // 256), max(2, size // 64)
        tiny_s, _ = _time_extract(make(tiny))
        small_s, _ = _time_extract(make(small))
        # Never extrapolate below linear: small runs are noisy and favour a low exponent.
        growth = max(1.0, _exponent(tiny, tiny_s, small, small_s))
        predicted = small_s * (size / small) ** growth
        if predicted > cap:
            result = AdversarialResult(name, size, predicted, 0, growth, extrapolated=True)
        else:
            text = make(size)
            runs = [_time_extract(text) for _ in range(max(1, repeat))]
            times = [seconds for seconds, _timexes in runs]
            seconds = statistics.median(times)
            growth = _exponent(small, small_s, size, seconds)
            result = AdversarialResult(name, size, seconds, runs[0][1], growth, runs=times)
        results.append(result)
        timed = "~" if result.extrapolated else " "
        note = "  (extrapolated from the probe; not run)" if result.extrapolated else ""
        if len(result.runs) > 1:
            note = f"  (median of {', '.join(f'{s:.2f}' for s in result.runs)})"
        print(
            f"  {name:<26} {timed}{result.seconds:8.2f} s  {result.seconds_per_mb:8.2f} s/MB"
            f"  {result.timexes:>7,} timexes  time ~ size^{result.growth:.1f}{note}",
            flush=True,
        )
    return results


def peak_memory(text: str) -> int:
    """Peak bytes allocated while extracting `text` (tracemalloc; it slows the run ~3x)."""
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        extract(text, published=datetime.date(2022, 3, 9), lang="en")
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


# Report ----------------------------------------------------------------------------------


def _mb(size: int) -> str:
    # Kilobytes below a megabyte, so a small but real growth does not print as "+0.0 MB".
    if abs(size) < MB:
        return f"{size / 1000:+,.0f} KB"
    return f"{size / MB:+,.1f} MB"


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _cache_line(ours: MemoryResult, theirs: MemoryResult) -> str:
    size, maxsize = ours.cache_after or (0, 0)
    early = (ours.cache_early or (0, 0))[0]
    flat = size == early and ours.late_growth < 256 * 1024
    return (
        f"parse_absolute {size}/{maxsize} entries after {ours.dates} publication dates "
        f"({early} after the first {max(1, ours.dates // 10)}); memory {_mb(ours.growth)}, "
        f"{_mb(ours.late_growth)} over the last 90% ({'flat' if flat else 'GROWS'}) "
        f"(dateparser: {_mb(theirs.growth)} after {theirs.dates} dates, "
        f"{_mb(theirs.late_growth)} over the last 90%)"
    )


def _adversarial_line(results: list[AdversarialResult]) -> str:
    worst = max(results, key=lambda r: r.seconds_per_mb)
    over = sum(r.seconds_per_mb >= ADVERSARIAL_TARGET for r in results)
    approx, how = ("~", ", extrapolated, not run") if worst.extrapolated else ("", "")
    with_peak = [r for r in results if r.peak is not None]
    peak = ""
    if with_peak:
        hungriest = max(with_peak, key=lambda r: r.peak or 0)
        peak = f', peak {(hungriest.peak or 0) / MB:.0f} MB ("{hungriest.name}")'
    met = _verdict(worst.seconds_per_mb < ADVERSARIAL_TARGET)
    return (
        f"worst {approx}{worst.seconds:,.2f} s for {worst.chars / MB:.2f} MB "
        f'("{worst.name}", time ~ size^{worst.growth:.1f}{how}) = {approx}'
        f"{worst.seconds_per_mb:,.2f} s/MB{peak}; {over} of {len(results)} documents over"
        f"  (target < {ADVERSARIAL_TARGET:.0f} s per MB: {met})"
    )


def print_summary(
    speed: SpeedResult,
    ours_memory: MemoryResult,
    dateparser_memory: MemoryResult,
    adversarial: list[AdversarialResult],
) -> None:
    subset = f"subset: {speed.docs} of {speed.total_docs} docs, {speed.chars:,} chars"
    rounds = len(speed.ours_seconds)
    print("\nsummary")
    print(f"ours        : {speed.ours_chars_per_s:>9,.0f} chars/s   (median of {rounds} round(s))")
    print(f"dateparser  : {speed.dateparser_chars_per_s:>9,.0f} chars/s   ({subset})")
    print(
        f"speed ratio : {speed.ratio:>8.1f}x  (target >= {SPEED_TARGET:.0f}x: "
        f"{_verdict(speed.ratio >= SPEED_TARGET)})"
    )
    print(f"cache       : {_cache_line(ours_memory, dateparser_memory)}")
    print(f"adversarial : {_adversarial_line(adversarial)}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m timeline.extraction.bench",
        description="Speed and memory of our extractor against dateparser.search_dates.",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help="JSONL with text and published/dct (repeatable); default: the TempEval-3 dev "
        "split in ../shared, else the demo articles",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (median; default 3)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller run: dateparser on the first 60 docs, 500/100 publication dates, "
        "256 KB adversarial documents",
    )
    parser.add_argument("--dateparser-docs", type=int, help="cap the timed subset at N docs")
    parser.add_argument(
        "--dateparser-budget",
        type=float,
        default=60.0,
        help="stop adding docs to the subset once dateparser used this many seconds (60)",
    )
    parser.add_argument("--dates", type=int, help="publication dates for our cache (2000)")
    parser.add_argument("--dateparser-dates", type=int, help="RELATIVE_BASE dates (300)")
    parser.add_argument("--adversarial-size", type=int, help="characters per document (1 MB)")
    parser.add_argument(
        "--adversarial-cap",
        type=float,
        default=60.0,
        help="do not run a document predicted to take longer than this; extrapolate (60 s)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    if args.dateparser_docs is None and quick:
        args.dateparser_docs = 60
    args.dates = args.dates or (500 if quick else 2000)
    args.dateparser_dates = args.dateparser_dates or (100 if quick else 300)
    args.adversarial_size = args.adversarial_size or (256_000 if quick else MB)
    if min(args.repeat, args.dates, args.dateparser_dates, args.adversarial_size) < 1:
        parser.error("--repeat, --dates, --dateparser-dates and --adversarial-size must be >= 1")
    args.corpus = args.corpus or [default_corpus()]
    for path in args.corpus:
        if not path.is_file():
            parser.error(f"no corpus file at {path}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    docs, skipped = load_documents(args.corpus)
    if not docs:
        print(f"no usable documents in {', '.join(map(str, args.corpus))}", file=sys.stderr)
        return 2
    print(
        f"python {platform.python_version()}, dateparser {dateparser.__version__}, "
        f"{platform.machine()}"
    )
    bad = f" ({skipped} unreadable lines skipped)" if skipped else ""
    chars = sum(len(doc.text) for doc in docs)
    print(f"corpus: {', '.join(map(str, args.corpus))}: {len(docs)} docs, {chars:,} chars{bad}")

    print(f"\n1. speed, interleaved document by document, {args.repeat} round(s)")
    speed = compare_speed(docs, args.repeat, args.dateparser_docs, args.dateparser_budget)
    if speed.budget_hit:
        budget = args.dateparser_budget
        print(f"  dateparser used its {budget:.0f} s budget after {speed.docs} docs")

    print(f"\n2. memory against distinct publication dates ({len(CACHE_TEXT):,}-char text)")
    ours_memory = memory_of_ours(CACHE_TEXT, args.dates)
    print(
        f"  ours: {args.dates} dates in {ours_memory.seconds:.1f} s (under tracemalloc); "
        f"parse_absolute currsize {ours_memory.cache_before} -> {ours_memory.cache_early} "
        f"(after {max(1, args.dates // 10)}) -> {ours_memory.cache_after} (currsize, maxsize); "
        f"memory {_mb(ours_memory.growth)}, last 90% {_mb(ours_memory.late_growth)}, "
        f"peak {_mb(ours_memory.peak)}",
        flush=True,
    )
    dateparser_memory = memory_of_dateparser(CACHE_TEXT, args.dateparser_dates)
    print(
        f"  dateparser: {args.dateparser_dates} RELATIVE_BASE dates in "
        f"{dateparser_memory.seconds:.1f} s; memory {_mb(dateparser_memory.growth)}, "
        f"last 90% {_mb(dateparser_memory.late_growth)}, peak {_mb(dateparser_memory.peak)}",
        flush=True,
    )

    size = args.adversarial_size
    print(f"\n3. adversarial documents of {size:,} chars (cap {args.adversarial_cap:.0f} s each)")
    adversarial = time_adversarial(size, args.adversarial_cap, args.repeat)
    # tracemalloc triples the run time, so peaks are taken on two documents only: the slowest
    # one that was run, and the one with most matches (each allocates a mention, a timex and
    # an event).
    measured = [r for r in adversarial if not r.extrapolated]
    if measured:
        slowest = max(measured, key=lambda r: r.seconds)
        busiest = max(measured, key=lambda r: r.timexes)
        for result in {slowest.name: slowest, busiest.name: busiest}.values():
            result.peak = peak_memory(ADVERSARIAL[result.name](size))
            print(f"  peak memory for {result.name!r}: {result.peak / MB:.1f} MB", flush=True)

    print_summary(speed, ours_memory, dateparser_memory, adversarial)
    return 0


if __name__ == "__main__":
    sys.exit(main())
