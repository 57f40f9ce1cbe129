"""The density chart: events per day, week, month or year across a story's filtered date span."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

# Bucket size by span: days for a few weeks, weeks for a few months, months for a few years,
# then years (several per bar when needed), so a chart never has more than MAX_BARS bars.
DAY_SPAN_MAX = 62
WEEK_SPAN_MAX = 26 * 7
MONTH_SPAN_MAX = 8 * 366
MAX_BARS = 100
# Geometry in SVG user units; the SVG stretches to its box, so only the proportions matter.
SLOT = 10
BAR = 7.5
HEIGHT = 100
TOP_ROOM = 8
MIN_BAR_HEIGHT = 2.5
# A chart of fewer bars is drawn this many slots wide with its bars in the middle: one day
# alone is a bar, not a block filling the column.
MIN_SLOTS = 12
# A few events far before or after the rest would flatten every bar (the demo story has the
# canal's opening in 1869): up to this share of events go to "earlier"/"later" links instead.
OUTLIER_SHARE = 0.05


@dataclass(frozen=True)
class Unit:
    name: str  # day, week, month or year
    step: int = 1  # years per bar when name is "year"

    def start_of(self, date: dt.date) -> dt.date:
        if self.name == "day":
            return date
        if self.name == "week":
            return date - dt.timedelta(days=date.weekday())
        if self.name == "month":
            return date.replace(day=1)
        return dt.date(max(dt.MINYEAR, date.year - date.year % self.step), 1, 1)

    def end_of(self, start: dt.date) -> dt.date:
        if self.name == "day":
            return start
        if self.name == "week":
            return start + dt.timedelta(days=6)
        if self.name == "month":
            following = start.replace(day=28) + dt.timedelta(days=4)
            return following - dt.timedelta(days=following.day)
        return dt.date(min(start.year + self.step - 1, dt.MAXYEAR), 12, 31)

    def label(self, start: dt.date) -> str:
        if self.name == "day":
            return f"{start.day} {start:%B %Y}"
        if self.name == "week":
            return f"week of {start.day} {start:%B %Y}"
        if self.name == "month":
            return f"{start:%B %Y}"
        if self.step == 1:
            return str(start.year)
        return f"{start.year}–{self.end_of(start).year}"

    def short_label(self, start: dt.date) -> str:
        if self.name in ("day", "week"):
            return f"{start.day} {start:%b %Y}"
        if self.name == "month":
            return f"{start:%b %Y}"
        return str(start.year)

    @property
    def per(self) -> str:
        """What one bar counts, for "reports per …"."""
        return f"{self.step} years" if self.step > 1 else self.name


def unit_for_span(first: dt.date, last: dt.date) -> Unit:
    days = (last - first).days + 1
    if days <= DAY_SPAN_MAX:
        return Unit("day")
    if days <= WEEK_SPAN_MAX:
        return Unit("week")
    if days <= MONTH_SPAN_MAX:
        return Unit("month")
    years = last.year - first.year + 1
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if years / s <= MAX_BARS - 1)
    return Unit("year", step)


@dataclass(frozen=True)
class Bar:
    start: dt.date  # the range a click narrows the timeline to
    end: dt.date
    count: int
    label: str
    query: str  # the timeline's query string for that range, other filters kept
    x: float
    y: float
    width: float
    height: float

    @property
    def events(self) -> str:
        return f"{self.count} report{'s' if self.count != 1 else ''}"

    @property
    def title(self) -> str:
        return f"{self.label}: {self.events}"


@dataclass(frozen=True)
class Outside:
    """Events left out of the chart's span: a link to them instead of a bar."""

    count: int
    first: dt.date
    last: dt.date
    query: str


@dataclass(frozen=True)
class DensityChart:
    unit: Unit
    first: dt.date  # the first day of the first bar
    last: dt.date  # the last day of the last bar
    bars: list[Bar]
    total: int  # events drawn as bars
    earlier: Outside | None
    later: Outside | None

    @property
    def width(self) -> int:
        return max(len(self.bars), MIN_SLOTS) * SLOT

    @property
    def narrow(self) -> bool:
        """Fewer bars than the chart has slots: they stand in the middle, labelled there."""
        return len(self.bars) < MIN_SLOTS

    @property
    def height(self) -> int:
        return HEIGHT

    @property
    def peak(self) -> Bar:
        return max(self.bars, key=lambda bar: (bar.count, -bar.start.toordinal()))

    @property
    def peak_line_y(self) -> float:
        return TOP_ROOM

    @property
    def first_label(self) -> str:
        return self.unit.short_label(self.bars[0].start)

    @property
    def last_label(self) -> str:
        return self.unit.short_label(self.unit.start_of(self.last))

    @property
    def title(self) -> str:
        span = f"{self.unit.label(self.bars[0].start)} to {self.unit.label(self.bars[-1].start)}"
        if len(self.bars) == 1:
            span = self.unit.label(self.bars[0].start)
        return f"Reports per {self.unit.per}, {span}"

    @property
    def description(self) -> str:
        peak = self.peak
        s = "s" if self.total != 1 else ""
        text = (
            f"{self.total} report{s} in {len(self.bars)} bars of one {self.unit.per}; "
            f"the busiest is {peak.label}, with {peak.events}."
        )
        if self.earlier:
            text += f" {self.earlier.count} earlier report{'s' if self.earlier.count != 1 else ''}"
            text += " are not drawn." if self.earlier.count != 1 else " is not drawn."
        if self.later:
            text += f" {self.later.count} later report{'s' if self.later.count != 1 else ''}"
            text += " are not drawn." if self.later.count != 1 else " is not drawn."
        return text + " Select a bar to narrow the timeline to its dates."


QueryFor = Callable[[dt.date | None, dt.date | None], str]


def density_chart(
    day_counts: Iterable[tuple[dt.date, int]],
    *,
    start: dt.date | None,
    end: dt.date | None,
    query_for: QueryFor,
) -> DensityChart | None:
    """Fold events-per-day (oldest first) into bars; None when there is nothing to draw.

    `start` and `end` are the reader's date filters: when given they fix the chart's span, and
    every bar's range stays inside them. `query_for(start, end)` makes a bar's query string.
    """
    days = [(day, count) for day, count in day_counts if count]
    if not days:
        return None
    total = sum(count for _, count in days)
    first_i, last_i = _core(days, total, trim_start=start is None, trim_end=end is None)
    first = start or days[first_i][0]
    last = end or days[last_i][0]
    last = max(first, last)
    unit = unit_for_span(first, last)

    counts: dict[dt.date, int] = {}
    earlier: list[tuple[dt.date, int]] = []
    later: list[tuple[dt.date, int]] = []
    for day, count in days:
        if day > last:
            later.append((day, count))
        elif day < first and start is None:
            earlier.append((day, count))
        else:
            # A range that began before the start filter runs into it: it counts at the start.
            key = unit.start_of(max(day, first))
            counts[key] = counts.get(key, 0) + count

    tallest = max(counts.values())
    bars = []
    bucket = unit.start_of(first)
    while bucket <= last:
        count = counts.get(bucket, 0)
        bucket_end = unit.end_of(bucket)
        narrow_start = max(bucket, start) if start else bucket
        narrow_end = min(bucket_end, end) if end else bucket_end
        height = 0.0
        if count:
            height = max(MIN_BAR_HEIGHT, count / tallest * (HEIGHT - TOP_ROOM))
        bars.append(
            Bar(
                start=narrow_start,
                end=narrow_end,
                count=count,
                label=unit.label(bucket),
                query=query_for(narrow_start, narrow_end),
                x=len(bars) * SLOT + (SLOT - BAR) / 2,
                y=HEIGHT - height,
                width=BAR,
                height=height,
            )
        )
        if bucket_end >= dt.date.max - dt.timedelta(days=1):
            break
        bucket = bucket_end + dt.timedelta(days=1)
    if len(bars) < MIN_SLOTS:
        shift = (MIN_SLOTS - len(bars)) * SLOT / 2
        bars = [replace(bar, x=bar.x + shift) for bar in bars]
    return DensityChart(
        unit=unit,
        first=unit.start_of(first),
        last=unit.end_of(unit.start_of(last)),
        bars=bars,
        total=sum(counts.values()),
        earlier=_outside(earlier, lambda: query_for(None, first - dt.timedelta(days=1))),
        later=_outside(later, lambda: query_for(last + dt.timedelta(days=1), None)),
    )


def _outside(days: list[tuple[dt.date, int]], query: Callable[[], str]) -> Outside | None:
    if not days:
        return None
    return Outside(
        count=sum(count for _, count in days), first=days[0][0], last=days[-1][0], query=query()
    )


def _core(
    days: list[tuple[dt.date, int]], total: int, *, trim_start: bool, trim_end: bool
) -> tuple[int, int]:
    """Indexes of the first and last day to draw, leaving out a few far-off outliers.

    A day is left out when it holds few events (all those left out stay within OUTLIER_SHARE)
    and the gap to the next day is more than a quarter of the span that remains: a week-long
    story with one event a century earlier is drawn as the week, not as a century.
    """
    first, last = 0, len(days) - 1
    if (days[last][0] - days[first][0]).days < WEEK_SPAN_MAX:
        return first, last
    budget = int(total * OUTLIER_SHARE)
    trimmed = 0
    while trim_start and first < last and trimmed + days[first][1] <= budget:
        gap = (days[first + 1][0] - days[first][0]).days
        if gap * 4 <= (days[last][0] - days[first + 1][0]).days:
            break
        trimmed += days[first][1]
        first += 1
    while trim_end and last > first and trimmed + days[last][1] <= budget:
        gap = (days[last][0] - days[last - 1][0]).days
        if gap * 4 <= (days[last - 1][0] - days[first][0]).days:
            break
        trimmed += days[last][1]
        last -= 1
    return first, last
