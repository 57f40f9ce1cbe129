"""Which reports tell of the same happening: a date gate, then shared words, names and wording."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

# Words every report uses: function words, reporting verbs and calendar words carry no
# information about which happening a sentence tells of.
_STOP = frozenset(
    """a an the and but or nor so also as at by for from in into of on onto to with without
    after before since until till while when where who whom whose which what why how this that
    these those there here it its it's he she they them we i you his her their our my your if
    then than yet still even just only all any some many most more much several both each every
    no not none one two three four five six seven eight nine ten first second third last next
    new late early mid about over under up down out off again very can could would should will
    shall may might must do does did done be is are was were been being has have had having
    said says say saying told tells according added adding reported reports report announced
    announcing statement stated spokesman spokeswoman spokesperson official officials
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today yesterday tomorrow tonight
    morning afternoon evening night week weeks month months year years day days weekend
    earlier later ago now hour hours time""".split()
)
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]|\d+(?:[.,]\d+)*[a-z]*")


def stem(word: str) -> str:
    """A deliberately crude suffix stripper: "refloated", "refloating", "refloat" meet.

    Written by hand because a real stemmer would be a dependency for three suffix rules.
    """
    for suffix, keep in (("ies", 3), ("ing", 4), ("ed", 4), ("es", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopped" -> "stopp" -> "stop"
    return word


def content_words(text: str, *, drop: str = "") -> frozenset[str]:
    """The stems of a sentence's content words, leaving out its time expression (`drop`)."""
    if drop:
        text = text.replace(drop, " ")
    words = (w.strip("'-") for w in _WORD.findall(text.lower().replace("’", "'")))
    return frozenset(stem(w) for w in words if w and w not in _STOP and len(w) > 1)


NEAR_WINDOW = 60  # characters either side of the time expression


def words_near(text: str, timex_text: str) -> frozenset[str]:
    """The content words next to the time expression: in "held since it was refloated on 29
    March" the date anchors the refloating, whatever else the sentence is about."""
    at = text.find(timex_text) if timex_text else -1
    if at < 0:
        return content_words(text)
    before = text[max(0, at - NEAR_WINDOW) : at]
    after = text[at + len(timex_text) : at + len(timex_text) + NEAR_WINDOW]
    # A clause boundary ends the window: the next clause tells of something else.
    before = re.split(r"[;:,.!?]\s", before)[-1]
    after = re.split(r"[;:,.!?]\s", after)[0]
    return content_words(f"{before} {after}")


@dataclass(frozen=True)
class Report:
    """One article's sentence anchored to a date: the unit grouped into happenings."""

    id: Hashable
    date: dt.date
    precision: str
    text: str
    end_date: dt.date | None = None
    timex_text: str = ""
    entities: frozenset[str] = frozenset()
    published: dt.date | None = None
    # The article and sentence it comes from: two dates in one sentence are two happenings.
    sentence: Hashable = None
    words: frozenset[str] = field(default=frozenset(), compare=False)
    near: frozenset[str] = field(default=frozenset(), compare=False)
    # Worked out once, when the report is made: comparisons ask for them again and again.
    period: tuple[dt.date, dt.date] = field(init=False, compare=False, repr=False)
    joined: str = field(init=False, compare=False, repr=False)  # sorted words, for the wording

    def __post_init__(self) -> None:
        if not self.words:
            object.__setattr__(self, "words", content_words(self.text, drop=self.timex_text))
        if not self.near:
            object.__setattr__(self, "near", words_near(self.text, self.timex_text))
        object.__setattr__(self, "period", period(self.date, self.precision, self.end_date))
        object.__setattr__(self, "joined", " ".join(sorted(self.words)))


def period(
    date: dt.date, precision: str, end_date: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day a date at its precision can mean."""
    if precision == "year":
        last = dt.date(date.year, 12, 31)
    elif precision == "quarter":
        month = (date.month - 1) // 3 * 3 + 3
        last = dt.date(date.year, month, calendar.monthrange(date.year, month)[1])
    elif precision == "month":
        last = dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    elif precision == "week":
        last = date + dt.timedelta(days=6)
    else:
        last = date
    if end_date is not None and end_date > last:
        last = period(end_date, precision)[1]
    return date, last


def date_gap(a: Report, b: Report) -> int:
    """Days between two reports' periods: 0 when they overlap at their precisions."""
    (a_start, a_end), (b_start, b_end) = a.period, b.period
    if a_end < b_start:
        return (b_start - a_end).days
    if b_end < a_start:
        return (a_start - b_end).days
    return 0


def dates_agree(reports: Iterable[Report]) -> bool:
    """True when one day is possible for every report (their periods share a day)."""
    periods = [r.period for r in reports]
    return not periods or max(p[0] for p in periods) <= min(p[1] for p in periods)


@dataclass(frozen=True)
class Method:
    """The weights and threshold of the similarity; chosen by measuring on the labelled set."""

    words: float = 0.2
    near: float = 0.4
    entities: float = 0.1
    wording: float = 0.3
    same_day: float = 0.1
    threshold: float = 0.2
    # Reports a day or two apart at day precision may still tell of one happening, the case
    # the timeline flags as "sources disagree"; they must then be more alike to be grouped.
    tolerance_days: int = 2
    disagreement_penalty: float = 0.1


DEFAULT_METHOD = Method()


class Corpus:
    """Inverse document frequencies of a story's words and names, so that what every report
    says ("ship", "canal", "Ever Given") counts for little and what few say counts for much."""

    def __init__(self, reports: Iterable[Report]):
        reports = list(reports)
        self.size = max(1, len(reports))
        self.word_df = Counter(w for r in reports for w in r.words)
        self.entity_df = Counter(e for r in reports for e in r.entities)

    def _idf(self, df: Counter, item: str) -> float:
        return math.log((self.size + 1) / (df.get(item, 0) + 1)) + 0.1

    def weighted_overlap(self, a: frozenset[str], b: frozenset[str], df: Counter) -> float:
        """IDF-weighted Jaccard of two sets."""
        union = a | b
        if not union:
            return 0.0
        shared = sum(self._idf(df, x) for x in a & b)
        return shared / sum(self._idf(df, x) for x in union)

    def similarity(self, a: Report, b: Report, method: Method = DEFAULT_METHOD) -> float:
        """How alike two reports are (about 0 to 1); 0 when their dates cannot meet."""
        if a.sentence is not None and a.sentence == b.sentence:
            return 0.0
        gap = date_gap(a, b)
        if gap > method.tolerance_days or (gap and "day" not in (a.precision, b.precision)):
            return 0.0
        words = self.weighted_overlap(a.words, b.words, self.word_df)
        if a.entities or b.entities:
            names = self.weighted_overlap(a.entities, b.entities, self.entity_df)
        else:
            names = words  # nothing named on either side: the words speak for both
        # Letter-level likeness also catches what the crude stemmer misses ("aground" and
        # "grounding"); measured, it adds recall on the labelled set.
        wording = fuzz.token_set_ratio(a.joined, b.joined)
        near = self.weighted_overlap(a.near, b.words, self.word_df) + self.weighted_overlap(
            b.near, a.words, self.word_df
        )
        same_day = a.precision == b.precision == "day" and a.date == b.date
        score = (
            method.words * words
            + method.near * near / 2
            + method.entities * names
            + method.wording * wording / 100
            + method.same_day * same_day
        )
        if gap:
            score -= method.disagreement_penalty * gap
        return max(0.0, score)


@dataclass
class Cluster:
    """Reports grouped as one happening; `locked` when an editor fixed its membership."""

    reports: list[Report]
    locked: bool = False
    key: Hashable = None


def cluster_join(
    report: Report,
    clusters: Sequence[Cluster],
    *,
    corpus: Corpus,
    method: Method = DEFAULT_METHOD,
) -> Cluster | None:
    """The cluster a new report joins (the most alike above the threshold), or None."""
    best, best_score = None, method.threshold
    for cluster in clusters:
        scores = [corpus.similarity(report, other, method) for other in cluster.reports]
        score = sum(scores) / len(cluster.reports)  # average linkage
        if score >= best_score and (best is None or score > best_score):
            best, best_score = cluster, score
    return best


def cluster_incrementally(
    reports: Iterable[Report], *, corpus: Corpus, method: Method = DEFAULT_METHOD
) -> list[Cluster]:
    """Group reports in arrival order: each joins the best cluster so far or starts one."""
    clusters: list[Cluster] = []
    for report in reports:
        target = cluster_join(report, clusters, corpus=corpus, method=method)
        if target is None:
            clusters.append(Cluster(reports=[report]))
        else:
            target.reports.append(report)
    return clusters


def cluster_agglomeratively(
    clusters: Iterable[Cluster], *, corpus: Corpus, method: Method = DEFAULT_METHOD
) -> list[Cluster]:
    """Merge the most alike pair of clusters while their linkage reaches the threshold.

    Start from singletons (and editors' locked clusters): two locked clusters never merge,
    because an editor decided they are different happenings.
    """
    live: dict[int, Cluster] = dict(enumerate(clusters))
    # Sorted by first day, a report can only meet those starting before its last day (plus
    # the tolerance), so the pairs scored stay few on a long story.
    reports = sorted(
        ((i, r) for i, c in live.items() for r in c.reports), key=lambda item: item[1].period
    )
    sums: dict[tuple[int, int], float] = {}
    for n, (i, a) in enumerate(reports):
        reach = a.period[1] + dt.timedelta(days=method.tolerance_days)
        for j, b in reports[n + 1 :]:
            if b.period[0] > reach:
                break
            if i == j:
                continue
            score = corpus.similarity(a, b, method)
            if score > 0:
                pair = (min(i, j), max(i, j))
                sums[pair] = sums.get(pair, 0.0) + score
    next_id = len(live)
    while True:
        best_pair, best_score = None, method.threshold
        for (i, j), total in sums.items():
            a, b = live[i], live[j]
            if a.locked and b.locked:
                continue
            score = total / (len(a.reports) * len(b.reports))  # average linkage
            if score >= best_score and (
                best_pair is None or score > best_score or (i, j) < best_pair
            ):
                best_pair, best_score = (i, j), score
        if best_pair is None:
            break
        i, j = best_pair
        a, b = live.pop(i), live.pop(j)
        merged = Cluster(
            reports=[*a.reports, *b.reports],
            locked=a.locked or b.locked,
            key=a.key if a.locked or (a.key is not None and not b.locked) else b.key,
        )
        live[next_id] = merged
        new_sums: dict[tuple[int, int], float] = {}
        for (x, y), total in sums.items():
            xs = next_id if x in (i, j) else x
            ys = next_id if y in (i, j) else y
            if xs == ys:
                continue
            pair = (min(xs, ys), max(xs, ys))
            new_sums[pair] = new_sums.get(pair, 0.0) + total
        sums = new_sums
        next_id += 1
    return list(live.values())


@dataclass(frozen=True)
class PairScores:
    """Pairwise precision and recall of a clustering against gold clusters."""

    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    gold_pairs: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"P {self.precision:.2f} R {self.recall:.2f} F1 {self.f1:.2f} "
            f"({self.true_pairs} of {self.predicted_pairs} predicted pairs right, "
            f"{self.gold_pairs} gold pairs)"
        )


def _pairs(groups: Iterable[Iterable[Hashable]]) -> set[frozenset]:
    pairs = set()
    for group in groups:
        members = sorted(group, key=str)
        for n, a in enumerate(members):
            for b in members[n + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs


def pair_scores(
    predicted: Iterable[Iterable[Hashable]], gold: Iterable[Iterable[Hashable]]
) -> PairScores:
    predicted_pairs, gold_pairs = _pairs(predicted), _pairs(gold)
    true = len(predicted_pairs & gold_pairs)
    return PairScores(
        precision=true / len(predicted_pairs) if predicted_pairs else 1.0,
        recall=true / len(gold_pairs) if gold_pairs else 1.0,
        true_pairs=true,
        predicted_pairs=len(predicted_pairs),
        gold_pairs=len(gold_pairs),
    )
