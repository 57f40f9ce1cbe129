"""Stories, sources, articles, their dated events and the entities involved."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from simple_history.models import HistoricalRecords

from timeline.search import EnglishSearchVector


class Precision(models.TextChoices):
    """How fine a date is: the timeline never claims more than the article said."""

    DAY = "day", "day"
    WEEK = "week", "week"
    MONTH = "month", "month"
    QUARTER = "quarter", "quarter"
    YEAR = "year", "year"


class Story(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by the service layer in the same transaction as every change to the story's
    # articles, events or entries: the timeline's cached counts are keyed by it.
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    # Bumped (with `revision`) by `revisions.stories_renamed` when an entity or source its
    # events name is renamed, merged or deleted: the drawn entries are keyed by it, since
    # they show those names (timeline.selectors.story_entries_drawn).
    names_revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("story", kwargs={"slug": self.slug})


class Source(models.Model):
    """An outlet that publishes articles."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    homepage = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class ExtractionStatus(models.TextChoices):
        PENDING = "pending", "pending"
        RUNNING = "running", "running"
        RETRYING = "retrying", "retrying"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="articles")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="articles", null=True, blank=True
    )
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(help_text="Publication date: relative dates resolve against it.")
    language = models.CharField(max_length=16, default="en")
    text = models.TextField()
    content_hash = models.CharField(max_length=64, editable=False)
    extraction_status = models.CharField(
        max_length=16, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extraction_error = models.TextField(blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    # The background extraction: which attempt ran last, and when the next one is due.
    extraction_attempts = models.PositiveIntegerField(default=0)
    extraction_retry_at = models.DateTimeField(null=True, blank=True)
    extraction_task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "extracted_at",
            "extraction_attempts",
            "extraction_retry_at",
            "extraction_task_id",
        ]
    )

    class Meta:
        ordering = ["-published", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique_when_present"
            ),
            models.UniqueConstraint(
                fields=["story", "content_hash"], name="article_text_unique_per_story"
            ),
        ]
        indexes = [models.Index(fields=["story", "published"], name="article_story_published")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article", kwargs={"slug": self.story.slug, "pk": self.pk})


class Entity(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "person"
        ORGANISATION = "organisation", "organisation"
        PLACE = "place", "place"
        OTHER = "other", "other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    slug = models.SlugField(max_length=220, unique=True)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names for the same entity, e.g. a surname."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="entity_name_unique_per_kind")
        ]

    def __str__(self) -> str:
        return self.name


class DatedAtPrecision:
    """How a dated row (an event, a timeline entry) writes its `date` at its `precision`."""

    @property
    def date_label(self) -> str:
        return format_date_at_precision(self.date, self.precision, self.end_date)

    @property
    def datetime_attr(self) -> str:
        """The value of <time datetime>: ISO at the row's precision."""
        return iso_at_precision(self.date, self.precision)


def entry_version() -> int:
    """A new EventGroup.version: random, so an entry never meets a drawing of another with its
    id (a deleted entry's, an id reused after a rollback) or of its own earlier state."""
    return secrets.randbits(63)


class EventGroup(DatedAtPrecision, models.Model):
    """One happening on the timeline: every article's report (event) that tells of it.

    Date, text and counts are kept from its reports by the service layer so the timeline reads
    groups alone; editors' merges, splits and canonical choice are remembered and kept.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="event_groups")
    date = models.DateField(help_text="The canonical report's date.")
    precision = models.CharField(max_length=8, choices=Precision.choices, default=Precision.DAY)
    end_date = models.DateField(null=True, blank=True)
    text = models.TextField(help_text="The canonical report's sentence.")
    canonical_event = models.ForeignKey(
        "Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The report whose sentence and date the timeline shows for this entry.",
    )
    canonical_chosen = models.BooleanField(
        default=False, help_text="An editor picked the canonical report; grouping keeps it."
    )
    locked = models.BooleanField(
        default=False,
        help_text="An editor merged or split this entry; re-grouping never undoes that.",
    )
    sources_disagree = models.BooleanField(
        default=False, help_text="Its reports give dates that cannot all be true at once."
    )
    report_count = models.PositiveIntegerField(default=0, help_text="Visible reports.")
    source_count = models.PositiveIntegerField(default=0, help_text="Distinct sources.")
    # Set anew by every write that can change what the entry draws (its own fields, its
    # reports, their articles): its drawing is cached under it (selectors.story_entries_drawn).
    version = models.BigIntegerField(default=entry_version, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="group_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(precision__in=Precision.values), name="group_precision_valid"
            ),
        ]
        indexes = [
            # The timeline pages through one story's entries in date order by (date, id).
            models.Index(
                fields=["story", "date", "id"],
                condition=Q(report_count__gt=0),
                name="group_story_timeline",
            ),
            models.Index(fields=["story", "sources_disagree"], name="group_story_disagree"),
        ]

    def __str__(self) -> str:
        return f"{self.date_label}: {self.text[:80]}"

    def save(self, *args, **kwargs) -> None:
        self.version = entry_version()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)

    # The helpers below read `reports`: the visible events the timeline selector prefetches,
    # oldest publication first.

    @property
    def first_report(self) -> Event | None:
        return self.reports[0] if self.reports else None

    @property
    def canonical_report(self) -> Event | None:
        chosen = next((r for r in self.reports if r.pk == self.canonical_event_id), None)
        return chosen or self.first_report

    @property
    def date_versions(self) -> list[tuple[str, list[str]]]:
        """Each date the reports give, oldest first, with the sources that give it."""
        versions: dict[tuple, tuple[str, list[str]]] = {}
        for report in sorted(self.reports, key=lambda r: (r.date, r.end_date or r.date)):
            key = (report.date, report.precision, report.end_date)
            label, names = versions.setdefault(key, (report.date_label, []))
            name = report.source_label
            if name not in names:
                names.append(name)
        return list(versions.values())

    @property
    def entities_named(self) -> list[Entity]:
        seen: dict[int, Entity] = {}
        for report in self.reports:
            for entity in report.entities.all():
                seen.setdefault(entity.pk, entity)
        return sorted(seen.values(), key=lambda e: e.name)

    @property
    def is_verified(self) -> bool:
        return any(r.status == Event.Status.VERIFIED for r in self.reports)


class EventQuerySet(models.QuerySet):
    def visible(self) -> EventQuerySet:
        """Events a reader may see: everything an editor has not rejected."""
        return self.filter(VISIBLE)


class Event(DatedAtPrecision, models.Model):
    class Status(models.TextChoices):
        EXTRACTED = "extracted", "extracted"
        VERIFIED = "verified", "verified"
        REJECTED = "rejected", "rejected"

    # Fields an editor may correct; a correction is remembered in edited_fields.
    EDITABLE_FIELDS = ("date", "precision", "end_date", "text", "status", "entities")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    # Copied from the article by the service layer so the timeline query needs no join.
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="events")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="events", null=True, blank=True
    )
    date = models.DateField(help_text="First day of the period the event happened in.")
    precision = models.CharField(max_length=8, choices=Precision.choices, default=Precision.DAY)
    end_date = models.DateField(null=True, blank=True, help_text="Last day, for a range.")
    text = models.TextField(help_text="What happened, as the timeline shows it.")
    sentence_start = models.PositiveIntegerField()
    sentence_end = models.PositiveIntegerField()
    timex_start = models.PositiveIntegerField()
    timex_end = models.PositiveIntegerField()
    timex_text = models.CharField(max_length=200)
    timex_value = models.CharField(max_length=64, blank=True)
    confidence = models.FloatField(default=1.0)
    rule = models.CharField(max_length=40, blank=True, help_text="Extractor rule family.")
    explanation = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.EXTRACTED)
    edited_fields = models.JSONField(
        default=list, blank=True, help_text="Fields an editor changed; re-extraction keeps them."
    )
    # What the extractor said, kept when an editor corrects date or precision: the timeline's
    # public correction note and the extraction-quality page read it.
    extracted_date = models.DateField(null=True, blank=True, editable=False)
    extracted_precision = models.CharField(max_length=8, blank=True, editable=False)
    # Optimistic locking: every editor's save bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    group = models.ForeignKey(
        EventGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="The timeline entry this report belongs to, with other reports of it.",
    )
    group_pinned = models.BooleanField(
        default=False,
        help_text="An editor put this report in its entry (merge or split); grouping keeps it.",
    )
    entities = models.ManyToManyField(Entity, related_name="events", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The words of `text` as English stems, for `q` on PostgreSQL (GIN index event_search, made
    # by migration 0005 on PostgreSQL only); always NULL on SQLite.
    search = models.GeneratedField(
        expression=EnglishSearchVector("text"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "search"])

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="event_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(sentence_start__lte=F("timex_start"))
                & Q(timex_start__lt=F("timex_end"))
                & Q(timex_end__lte=F("sentence_end")),
                name="event_timex_inside_sentence",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="event_confidence_0_1",
            ),
            models.CheckConstraint(
                condition=Q(precision__in=Precision.values), name="event_precision_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["extracted", "verified", "rejected"]),
                name="event_status_valid",
            ),
        ]
        indexes = [
            # The timeline: one story's visible events in date order, paged by (date, id).
            models.Index(
                fields=["story", "date", "id"],
                condition=~Q(status="rejected"),
                name="event_story_timeline",
            ),
            models.Index(
                fields=["story", "source", "date", "id"],
                condition=~Q(status="rejected"),
                name="event_story_source_timeline",
            ),
            # Ranges that began before a reader's start date and run into it (few events).
            models.Index(
                fields=["story", "end_date", "date"],
                condition=~Q(status="rejected") & Q(end_date__isnull=False),
                name="event_story_ranges",
            ),
            models.Index(fields=["article", "sentence_start"], name="event_article_order"),
            models.Index(fields=["status", "story"], name="event_status_story"),
        ]

    def __str__(self) -> str:
        return f"{self.date_label}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#event-{self.pk}"

    @property
    def source_label(self) -> str:
        """Who reported it: the outlet, or the article's title when the outlet is unknown."""
        return self.source.name if self.source_id else self.article.title

    @property
    def correction_note(self) -> str:
        """Public note when an editor corrected the date of an extracted event."""
        if not ({"date", "precision", "end_date"} & set(self.edited_fields)):
            return ""
        if self.extracted_date is None:
            return "Date corrected by an editor."
        original = format_date_at_precision(
            self.extracted_date, self.extracted_precision or self.precision
        )
        if original == self.date_label:
            return ""
        return f"Date corrected by an editor; first extracted as {original}."


VISIBLE = ~Q(status=Event.Status.REJECTED)
# The same condition with 'rejected' written into the SQL: SQLite matches a query to the partial
# timeline indexes only when it sees that literal, not a bound parameter, and then skips a table
# read per event (the density chart is 5x faster on SQLite).
VISIBLE_SQL = ~Q(status=RawSQL("'rejected'", ()))


def iso_at_precision(date: dt.date, precision: str) -> str:
    if precision == Precision.YEAR:
        return f"{date.year:04d}"
    if precision in (Precision.MONTH, Precision.QUARTER):
        return f"{date.year:04d}-{date.month:02d}"
    if precision == Precision.WEEK:
        year, week, _ = date.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return date.isoformat()


def _day_month_year(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def format_date_at_precision(date: dt.date, precision: str, end_date: dt.date | None = None) -> str:
    """Write a date as a reader expects at its precision: '9 March 2022', 'March 2022', '2022'."""
    if precision == Precision.YEAR:
        label = str(date.year)
    elif precision == Precision.QUARTER:
        label = f"Q{(date.month - 1) // 3 + 1} {date.year}"
    elif precision == Precision.MONTH:
        label = f"{date:%B %Y}"
    elif precision == Precision.WEEK:
        label = f"week of {_day_month_year(date)}"
    else:
        label = _day_month_year(date)
    if end_date and end_date != date:
        if precision == Precision.DAY:
            if (end_date.year, end_date.month) == (date.year, date.month):
                return f"{date.day}–{_day_month_year(end_date)}"
            if end_date.year == date.year:
                return f"{date.day} {date:%B} – {_day_month_year(end_date)}"
            return f"{label} – {_day_month_year(end_date)}"
        end_label = format_date_at_precision(end_date, precision)
        if end_label != label:
            return f"{label} – {end_label}"
    return label


class Feed(models.Model):
    """An RSS or Atom feed whose new entries become articles of a story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(
        "feed URL",
        max_length=1000,
        unique=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    title = models.CharField(max_length=300, blank=True, help_text="Filled from the feed.")
    active = models.BooleanField(default=True, help_text="Inactive feeds are not fetched.")
    # The validators the server sent last time, echoed back so an unchanged feed costs a 304.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="HTTP status of the last fetch."
    )
    last_added = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["story", "title", "url"]

    def __str__(self) -> str:
        return self.title or self.url


class JobProgress(models.Model):
    """A long background job (a batch ingest, a re-extraction) and how far it has got."""

    class Kind(models.TextChoices):
        INGEST = "ingest", "ingest"
        REEXTRACT = "reextract", "re-extract"
        GROUP = "group", "group events"

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        RETRYING = "retrying", "retrying"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="jobs", null=True, blank=True
    )
    label = models.CharField(max_length=200, help_text="What the job works on, in words.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    # Where a resumed job picks up: the last item (article id) it finished.
    cursor = models.BigIntegerField(default=0)
    error = models.TextField(blank=True, help_text="The last error, or each failed item's.")
    summary = models.JSONField(default=dict, blank=True, help_text="What the job did, in counts.")
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "background job"
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=F("done") + F("failed")), name="job_progress_within_total"
            ),
        ]
        indexes = [models.Index(fields=["story", "-created_at"], name="job_story_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * (self.done + self.failed) / self.total))
