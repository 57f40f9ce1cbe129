"""Django admin as the editors' workbench: correct dates, verify or reject, re-extract."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from timeline import entries, selectors, services, tasks
from timeline.models import Article, Entity, Event, EventGroup, Feed, JobProgress, Source, Story


def evidence_html(event: Event, text: str) -> str:
    """The event's sentence with its temporal expression highlighted; all text escaped."""
    sentence_start, sentence_end = event.sentence_start, event.sentence_end
    timex_start, timex_end = event.timex_start, event.timex_end
    if not (0 <= sentence_start <= timex_start < timex_end <= sentence_end <= len(text)):
        return format_html("<span>{}</span>", event.text)
    return format_html(
        '<span class="evidence">{}<mark>{}</mark>{}</span>',
        text[sentence_start:timex_start],
        text[timex_start:timex_end],
        text[timex_end:sentence_end],
    )


class AdminStyles:
    css = {"all": ("timeline/admin.css",)}


def progress_html(job: JobProgress) -> str:
    """A progress bar with its figures in words, for the job list and the story page."""
    return format_html(
        '<progress class="job-progress" max="100" value="{}">{}%</progress> {} of {}{}',
        job.percent,
        job.percent,
        job.done,
        job.total,
        format_html(" ({} failed)", job.failed) if job.failed else "",
    )


def _report_job(modeladmin, request: HttpRequest, job: JobProgress) -> None:
    """Tell the editor the job is queued, or (immediate backend) what it did."""
    job.refresh_from_db()
    url = reverse("admin:timeline_jobprogress_change", args=[job.pk])
    grouping = job.kind == JobProgress.Kind.GROUP
    if job.status == JobProgress.Status.DONE:
        totals = job.summary
        if grouping:
            done = format_html(
                "Grouped {} report(s) of “{}”: {} placed in an entry, {} new entries, {} empty "
                'entries removed; editors\' merges and splits kept. <a href="{}">Job details</a>',
                totals.get("reports", 0),
                job.story.title if job.story else "?",
                totals.get("moved", 0),
                totals.get("created", 0),
                totals.get("removed", 0),
                url,
            )
        else:
            done = format_html(
                "Re-extracted {} article(s): {} new, {} refreshed, {} retired, {} kept as "
                'editors left them. <a href="{}">Job details</a>',
                job.done,
                totals.get("created", 0),
                totals.get("updated", 0),
                totals.get("retired", 0),
                totals.get("kept", 0),
                url,
            )
        modeladmin.message_user(request, done, messages.SUCCESS)
        if job.failed:
            modeladmin.message_user(request, f"Extraction failed: {job.error}", messages.ERROR)
    elif job.status == JobProgress.Status.FAILED:
        what = "Grouping" if grouping else "Re-extraction"
        modeladmin.message_user(request, f"{what} failed: {job.error}", messages.ERROR)
    elif grouping:
        modeladmin.message_user(
            request,
            format_html(
                'Queued: grouping the reports of “{}” in the background. <a href="{}">Follow its '
                "progress</a>; editors' merges and splits are kept.",
                job.story.title if job.story else "?",
                url,
            ),
            messages.INFO,
        )
    else:
        modeladmin.message_user(
            request,
            format_html(
                'Queued: re-extracting {} article(s) in the background. <a href="{}">Follow its '
                "progress</a>; editors' corrections are kept.",
                job.total,
                url,
            ),
            messages.INFO,
        )


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "article_count", "event_count", "timeline_link")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("recent_jobs",)
    actions = ("reextract_stories", "group_stories")
    Media = AdminStyles

    def save_model(self, request, obj: Story, form, change: bool) -> None:
        services.story_save_edit(story=obj, changed_fields=form.changed_data, created=not change)

    @admin.display(description="background jobs")
    def recent_jobs(self, story: Story) -> str:
        jobs = list(story.jobs.all()[:5]) if story.pk else []
        if not jobs:
            return "None yet."
        return format_html(
            '<table class="job-list"><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
                (
                    (
                        reverse("admin:timeline_jobprogress_change", args=[job.pk]),
                        job,
                        job.get_status_display(),
                        progress_html(job),
                        job.created_at.strftime("%Y-%m-%d %H:%M"),
                    )
                    for job in jobs
                ),
            ),
        )

    @admin.action(description="Re-extract every article (background job)", permissions=["change"])
    def reextract_stories(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        for story in queryset:
            job, _result = tasks.story_reextract_enqueue(story=story)
            _report_job(self, request, job)

    @admin.action(
        description="Group reports into timeline entries again (background job)",
        permissions=["change"],
    )
    def group_stories(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        for story in queryset:
            job, _result = tasks.story_group_enqueue(story=story)
            _report_job(self, request, job)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Story]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_articles=Count("articles", distinct=True),
                n_events=Count("events", filter=~Q(events__status="rejected"), distinct=True),
            )
        )

    @admin.display(description="articles", ordering="n_articles")
    def article_count(self, story: Story) -> int:
        return story.n_articles

    @admin.display(description="events", ordering="n_events")
    def event_count(self, story: Story) -> int:
        return story.n_events

    @admin.display(description="timeline")
    def timeline_link(self, story: Story) -> str:
        return format_html('<a href="{}">view</a>', story.get_absolute_url())


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "homepage")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "aliases", "event_count")
    list_filter = ("kind",)
    ordering = ("name",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("merge",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entity]:
        return super().get_queryset(request).annotate(n_events=Count("events"))

    @admin.action(description="Merge selected into the most reported one", permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        merged = queryset.count()
        target = services.entities_merge(entities=queryset)
        if merged < 2 or target is None:
            self.message_user(request, "Select at least two entities to merge.", messages.WARNING)
            return
        self.message_user(
            request,
            f"Merged {merged} entities into “{target.name}”; the other names are its aliases.",
            messages.SUCCESS,
        )

    @admin.display(description="events", ordering="n_events")
    def event_count(self, entity: Entity) -> int:
        return entity.n_events


class VersionedEventForm(forms.ModelForm):
    """Carries the version the editor loaded, so a save over someone else's is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    change_reason = forms.CharField(
        required=False,
        max_length=100,
        label="Reason for the change",
        help_text="Optional; kept in the event's history.",
    )

    class Meta:
        model = Event
        # The admin narrows these to its fieldsets, inline fields or list_editable columns.
        fields = ("date", "precision", "end_date", "status", "text", "entities", "version")

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("version")
        if self.instance.pk and loaded is not None:
            current = Event.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            current_version = current.first()
            if current_version is not None and current_version != loaded:
                fresh = Event.objects.get(pk=self.instance.pk)
                attempted = {
                    name: cleaned.get(name)
                    for name in self.changed_data
                    if name in ("date", "precision", "end_date", "text", "status")
                }
                # The next save, made knowingly after this message, applies to the new version.
                self.data = self.data.copy()
                self.data[self.add_prefix("version")] = str(current_version)
                raise forms.ValidationError(
                    services.EditConflict(current=fresh, attempted=attempted).message
                )
        return cleaned


def _conflict_response(modeladmin, request: HttpRequest, conflict: services.EditConflict):
    modeladmin.message_user(request, conflict.message, messages.ERROR)
    return HttpResponseRedirect(request.get_full_path())


class EvidenceMedia:
    css = {"all": ("timeline/admin.css",)}
    js = ("timeline/review-keys.js",)


# Relative expressions hang on the publication date and the tense: worth a second look.
RELATIVE_RULES = ("weekday", "relative-unit", "relative-offset", "anchored", "deictic")
LOW_CONFIDENCE = 0.75


class ReviewQueueFilter(admin.SimpleListFilter):
    """Events needing attention first: sources that disagree on the date, new reports of an
    entry an editor already checked, then low-confidence and publication-relative dates."""

    title = "review queue"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("attention", "Needs attention"),
            ("disagree", "Sources disagree on the date"),
            ("joined", "New report in a verified entry"),
            ("low", f"Confidence below {LOW_CONFIDENCE}"),
            ("relative", "Relative dates, unchecked"),
        ]

    def queryset(self, request, queryset):
        reasons = {
            "attention": DISAGREE | JOINED | LOW | RELATIVE,
            "disagree": DISAGREE,
            "joined": JOINED,
            "low": LOW,
            "relative": RELATIVE,
        }
        if self.value() not in reasons:
            return queryset
        # EventAdmin annotates `in_verified_entry` and orders the queue (REVIEW_ORDERING).
        return queryset.filter(status=Event.Status.EXTRACTED).filter(reasons[self.value()])


DISAGREE = Q(group__sources_disagree=True)
JOINED = Q(in_verified_entry=True)
LOW = Q(confidence__lt=LOW_CONFIDENCE)
RELATIVE = Q(rule__in=RELATIVE_RULES)


def with_review_reasons(events: QuerySet[Event]) -> QuerySet[Event]:
    """What the review queue sorts on: the reasons only comparing reports can settle first."""
    return events.annotate(
        in_verified_entry=Exists(
            Event.objects.filter(
                group_id=OuterRef("group_id"), status=Event.Status.VERIFIED
            ).exclude(pk=OuterRef("pk"))
        ),
        review_priority=Case(
            When(DISAGREE, then=Value(0)),
            When(in_verified_entry=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


REVIEW_ORDERING = ("review_priority", "confidence", "date", "id")


class EventInline(admin.TabularInline):
    model = Event
    form = VersionedEventForm
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("evidence", "date", "precision", "end_date", "status", "version")
    readonly_fields = ("evidence",)
    ordering = ("sentence_start", "timex_start")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return super().get_queryset(request).select_related("article")

    @admin.display(description="evidence")
    def evidence(self, event: Event) -> str:
        return evidence_html(event, event.article.text)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # events come from the text; correct them, don't invent them here


@admin.action(description="Re-extract events (editors' corrections are kept)")
def reextract_articles(modeladmin, request: HttpRequest, queryset: QuerySet[Article]) -> None:
    ids = list(queryset.values_list("pk", flat=True))
    job, _result = tasks.articles_reextract_enqueue(
        article_ids=ids, label=f"{len(ids)} selected article(s)"
    )
    _report_job(modeladmin, request, job)


def _report_reextraction(modeladmin, request, summary: services.ExtractionSummary) -> None:
    modeladmin.message_user(
        request,
        f"Re-extracted: {summary.created} new, {summary.updated} refreshed, "
        f"{summary.retired} retired, {summary.kept} kept as editors left them.",
        messages.SUCCESS,
    )
    if summary.error:
        modeladmin.message_user(request, f"Extraction failed: {summary.error}", messages.ERROR)


class HistoryContext(HistoricalRecordContextHelper):
    """The history diff, with an empty link written as "(none)".

    django-simple-history shows a foreign key that was empty as "Deleted <model> (pk=None)",
    which tells an editor that something was deleted when nothing was there yet (an event's
    entry before it had one, a source left blank).
    """

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return "(none)"
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, answering 404 (not 500) to a history URL with a bad id."""

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryContext(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        _valid_id(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _valid_id(self.model._meta.pk, object_id)
        _valid_id(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


def _valid_id(field, raw: str) -> None:
    try:
        field.to_python(raw)
    except ValidationError as exc:
        raise Http404("No such record.") from exc


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    list_display = ("title", "story", "source", "published", "extraction", "event_count")
    list_filter = ("story", "extraction_status", "language", "source")
    list_select_related = ("story", "source")
    search_fields = ("title", "url", "text")
    date_hierarchy = "published"
    autocomplete_fields = ("story", "source")
    extraction_fields = (
        "extraction_status",
        "extraction_attempts",
        "extraction_error",
        "extraction_retry_at",
        "extracted_at",
        "extraction_task_id",
        "content_hash",
    )
    readonly_fields = extraction_fields

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None):
        # Folded away while all is well; open when extraction is failing or still to come.
        settled = obj is None or obj.extraction_status == Article.ExtractionStatus.DONE
        return (
            (None, {"fields": ("story", "title", "source", "url", "published", "language")}),
            ("Text", {"fields": ("text",)}),
            (
                "Extraction",
                {
                    "fields": self.extraction_fields,
                    "classes": ("collapse",) if settled else (),
                },
            ),
        )

    @admin.display(description="extraction", ordering="extraction_status")
    def extraction(self, article: Article) -> str:
        status = article.get_extraction_status_display()
        if article.extraction_status in (
            Article.ExtractionStatus.RETRYING,
            Article.ExtractionStatus.FAILED,
        ):
            return format_html(
                '<span class="extraction extraction--{}" title="{}">{} (attempt {})</span>',
                article.extraction_status,
                article.extraction_error,
                status,
                article.extraction_attempts,
            )
        return status

    inlines = (EventInline,)
    Media = EvidenceMedia
    actions = (reextract_articles,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .annotate(n_events=Count("events", filter=~Q(events__status="rejected")))
        )

    @admin.display(description="events", ordering="n_events")
    def event_count(self, article: Article) -> int:
        return article.n_events

    def delete_model(self, request, obj: Article) -> None:
        services.articles_delete(articles=Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset: QuerySet[Article]) -> None:
        services.articles_delete(articles=queryset)

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        services.article_save_edit(
            article=obj, changed_fields=form.changed_data, created=not change
        )

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Extract after the inline corrections are saved, so re-extraction sees and keeps them.
        if not change or {"text", "published", "language"} & set(form.changed_data):
            summary = services.article_extract_events(article=form.instance)
            _report_reextraction(self, request, summary)

    def save_formset(self, request, form, formset, change: bool) -> None:
        if formset.model is not Event:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # fills changed_objects for the admin's change message
        loaded = {f.instance.pk: f.cleaned_data.get("version") for f in formset.forms}
        for event, changed_fields in formset.changed_objects:
            services.event_save_edit(
                event=event,
                changed_fields=changed_fields,
                expected_version=loaded[event.pk],
                user=request.user,
            )
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict as conflict:  # a save raced past the form's check
            return _conflict_response(self, request, conflict)


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = (
        "evidence",
        "date",
        "precision",
        "status",
        "source",
        "article_link",
        "entry_link",
        "confidence",
        "version",
    )
    list_display_links = ("evidence",)
    Media = EvidenceMedia
    form = VersionedEventForm
    # "version" rides along as a hidden input (its column is hidden by admin.css).
    list_editable = ("date", "precision", "status", "version")
    list_filter = (ReviewQueueFilter, "story", "status", "precision", "source", "rule")
    list_select_related = ("article", "source", "group")
    list_per_page = 50
    date_hierarchy = "date"
    search_fields = ("text", "timex_text", "article__title")
    autocomplete_fields = ("entities",)
    provenance = ("timex_text", "timex_value", "rule", "explanation", "confidence", "edited_fields")
    readonly_fields = ("evidence", "article_link", *provenance)
    fieldsets = (
        (None, {"fields": ("evidence", "article_link")}),
        (
            "Correction",
            {
                "fields": (
                    "date",
                    "precision",
                    "end_date",
                    "status",
                    "text",
                    "entities",
                    "change_reason",
                    "version",
                )
            },
        ),
        ("How it was extracted", {"fields": provenance}),
    )
    actions = ("verify", "reject", "reextract", "split_entry", "make_canonical")

    @admin.display(description="evidence")
    def evidence(self, event: Event) -> str:
        return evidence_html(event, event.article.text)

    @admin.display(description="timeline entry", ordering="group__date")
    def entry_link(self, event: Event) -> str:
        group = event.group
        if group is None:
            return "–"
        url = reverse("admin:timeline_eventgroup_change", args=[group.pk])
        label = f"{group.report_count} report{'s' if group.report_count != 1 else ''}"
        if group.sources_disagree:
            label += ", sources disagree"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="article", ordering="article__published")
    def article_link(self, event: Event) -> str:
        url = reverse("admin:timeline_article_change", args=[event.article_id])
        return format_html(
            '<a href="{}">{}</a> <span class="article-date">({})</span>',
            url,
            event.article.title,
            event.article.published.isoformat(),
        )

    def get_urls(self):
        quality = self.admin_site.admin_view(self.quality_view)
        return [path("quality/", quality, name="timeline_event_quality"), *super().get_urls()]

    def quality_view(self, request: HttpRequest):
        """Where extraction is weakest: editors' corrections by rule family, per story."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        stories = list(Story.objects.order_by("title"))
        story = next((s for s in stories if s.slug == request.GET.get("story")), None)
        rows = selectors.extraction_quality(story=story)
        context = {
            **self.admin_site.each_context(request),
            "title": "Extraction quality" + (f": {story.title}" if story else ""),
            "opts": self.model._meta,
            "stories": stories,
            "story": story,
            "rows": rows,
            "totals": selectors.quality_totals(rows),
        }
        return render(request, "admin/timeline/event/quality.html", context)

    history_list_display = ("date", "precision", "status")

    def _in_review(self, request: HttpRequest) -> bool:
        return bool(request.GET.get(ReviewQueueFilter.parameter_name))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        events = self.model._default_manager.get_queryset()
        if self._in_review(request):
            events = with_review_reasons(events)
        return events.order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest):
        if self._in_review(request) and "o" not in request.GET:
            return REVIEW_ORDERING  # the queue's own order, unless the editor sorts a column
        return super().get_ordering(request) or Event._meta.ordering

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        match = request.resolver_match
        if obj is not None and match and match.url_name.endswith("_simple_history"):
            # Reverting loads an old version's values; the save must still be checked
            # against the version that is current now.
            current = Event.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            form.base_fields["version"].initial = current
            obj.version = current or obj.version
        return form

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", VersionedEventForm)
        kwargs.setdefault("widgets", {"version": forms.HiddenInput})
        return super().get_changelist_form(request, **kwargs)

    def delete_model(self, request, obj: Event) -> None:
        services.events_delete(events=Event.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset: QuerySet[Event]) -> None:
        services.events_delete(events=queryset)

    def save_model(self, request, obj: Event, form, change: bool) -> None:
        services.event_save_edit(
            event=obj,
            changed_fields=form.changed_data,
            expected_version=form.cleaned_data.get("version"),
            user=request.user,
            reason=form.cleaned_data.get("change_reason") or "",
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict as conflict:  # a save raced past the form's check
            return _conflict_response(self, request, conflict)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except services.EditConflict as conflict:
            return _conflict_response(self, request, conflict)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an event is evidence from an article; it is extracted, then corrected

    @admin.action(description="Verify selected events", permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        n = services.events_set_status(
            events=queryset, status=Event.Status.VERIFIED, user=request.user
        )
        self.message_user(request, f"Verified {n} event{'s' if n != 1 else ''}.", messages.SUCCESS)

    @admin.action(
        description="Reject selected events (hidden from the timeline)", permissions=["change"]
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        n = services.events_set_status(
            events=queryset, status=Event.Status.REJECTED, user=request.user
        )
        self.message_user(request, f"Rejected {n} event{'s' if n != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Re-extract these events' articles", permissions=["change"])
    def reextract(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        ids = list(queryset.order_by().values_list("article_id", flat=True).distinct())
        job, _result = tasks.articles_reextract_enqueue(
            article_ids=ids, label=f"the articles of {queryset.count()} selected event(s)"
        )
        _report_job(self, request, job)

    @admin.action(
        description="Split selected reports off into a timeline entry of their own",
        permissions=["change"],
    )
    def split_entry(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        try:
            group = entries.events_split(events=queryset, user=request.user)
        except entries.GroupingError as error:
            self.message_user(request, str(error), messages.WARNING)
            return
        url = reverse("admin:timeline_eventgroup_change", args=[group.pk])
        self.message_user(
            request,
            format_html(
                'Split {} report(s) into <a href="{}">a new entry</a>; grouping will keep them '
                "apart.",
                group.report_count,
                url,
            ),
            messages.SUCCESS,
        )

    @admin.action(
        description="Use the selected report as its entry's text and date", permissions=["change"]
    )
    def make_canonical(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        chosen = list(queryset.select_related("group")[:2])
        if len(chosen) != 1 or chosen[0].group is None:
            self.message_user(request, "Select exactly one report of an entry.", messages.WARNING)
            return
        event = chosen[0]
        entries.group_set_canonical(group=event.group, event=event, user=request.user)
        self.message_user(request, "The entry now shows this report.", messages.SUCCESS)


class ReportInline(admin.TabularInline):
    """An entry's reports, read-only: split them from the event list, correct them there."""

    model = Event
    fk_name = "group"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("evidence", "source", "published", "date", "precision", "status", "group_pinned")
    readonly_fields = fields
    ordering = ("article__published", "article_id", "sentence_start")
    verbose_name = "report"
    verbose_name_plural = "reports"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return super().get_queryset(request).select_related("article", "source")

    @admin.display(description="evidence")
    def evidence(self, event: Event) -> str:
        return evidence_html(event, event.article.text)

    @admin.display(description="published")
    def published(self, event: Event) -> str:
        url = reverse("admin:timeline_article_change", args=[event.article_id])
        return format_html(
            '<a href="{}">{}</a><br>{}', url, event.article.title, event.article.published
        )

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class EventGroupForm(forms.ModelForm):
    # Declared, so the admin does not wrap it with add/change/delete links to events.
    canonical_event = forms.ModelChoiceField(
        queryset=Event.objects.none(),
        label="Canonical report",
        help_text="The report whose sentence and date the timeline shows; grouping keeps it.",
    )

    class Meta:
        model = EventGroup
        fields = ("canonical_event",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["canonical_event"]
        field.queryset = (
            Event.objects.filter(group=self.instance)
            .select_related("source", "article")
            .order_by("article__published", "article_id", "sentence_start")
        )
        field.label_from_instance = lambda e: f"{e.source_label}, {e.date_label}: {e.text[:120]}"


@admin.register(EventGroup)
class EventGroupAdmin(HistoryAdmin):
    """Timeline entries: one happening, its reports, merge and canonical choice."""

    form = EventGroupForm
    list_display = (
        "entry_text",
        "date_label",
        "report_count",
        "source_count",
        "sources_disagree",
        "locked",
        "story",
    )
    list_filter = ("story", "sources_disagree", "locked", "canonical_chosen", "precision")
    list_select_related = ("story",)
    search_fields = ("text",)
    date_hierarchy = "date"
    ordering = ("date", "id")
    fields = (
        "story",
        "date_label",
        "text",
        "reports_link",
        "canonical_event",
        "canonical_chosen",
        "report_count",
        "source_count",
        "sources_disagree",
        "locked",
    )
    readonly_fields = (
        "story",
        "date_label",
        "text",
        "reports_link",
        "canonical_chosen",
        "report_count",
        "source_count",
        "sources_disagree",
        "locked",
    )
    inlines = (ReportInline,)
    Media = EvidenceMedia
    actions = ("merge",)
    history_list_display = ("canonical_event", "locked")

    @admin.display(description="entry", ordering="text")
    def entry_text(self, group: EventGroup) -> str:
        return group.text[:140]

    @admin.display(description="date", ordering="date")
    def date_label(self, group: EventGroup) -> str:
        return group.date_label

    @admin.display(description="reports")
    def reports_link(self, group: EventGroup) -> str:
        url = reverse("admin:timeline_event_changelist") + f"?group__id__exact={group.pk}"
        count = group.report_count
        reports = "its report" if count == 1 else f"the {count} reports"
        return format_html(
            '<a href="{}">Open {} in the event list</a> to split some off into an '
            "entry of their own, verify or correct them.",
            url,
            reports,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # entries come from grouping reports; merge or split them instead

    def save_model(self, request, obj: EventGroup, form, change: bool) -> None:
        if "canonical_event" in form.changed_data and obj.canonical_event is not None:
            entries.group_set_canonical(group=obj, event=obj.canonical_event, user=request.user)

    @admin.action(description="Merge selected entries: one happening", permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet[EventGroup]) -> None:
        try:
            target = entries.groups_merge(groups=queryset, user=request.user)
        except entries.GroupingError as error:
            self.message_user(request, str(error), messages.WARNING)
            return
        self.message_user(
            request,
            f"Merged into one entry of {target.report_count} reports from "
            f"{target.source_count} sources; grouping will keep them together.",
            messages.SUCCESS,
        )


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "story",
        "active",
        "last_fetched_at",
        "last_status",
        "last_added",
        "problems",
    )
    list_filter = ("active", "story")
    list_select_related = ("story",)
    search_fields = ("title", "url")
    autocomplete_fields = ("story",)
    actions = ("fetch_now",)

    def get_fields(self, request, obj=None):
        fields = ["url", "story", "title", "active"]
        if obj is not None:
            fields += ["last_fetched_at", "last_status", "last_added", "last_error", "etag"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("last_fetched_at", "last_status", "last_added", "last_error", "etag")

    @admin.display(description="problems")
    def problems(self, feed: Feed) -> str:
        count = len(feed.last_error.splitlines())
        return f"{count} (see the feed)" if count else "—"

    @admin.action(description="Fetch now", permissions=["change"])
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset.select_related("story"):
            report = services.feed_fetch(feed=feed)
            level = messages.WARNING if report.errors else messages.SUCCESS
            self.message_user(request, report.summary, level)


@admin.register(JobProgress)
class JobProgressAdmin(admin.ModelAdmin):
    """Background jobs as editors follow them: what, how far, and what went wrong."""

    list_display = ("__str__", "story", "status", "progress", "attempts", "started_at", "finished")
    list_filter = ("status", "kind", "story")
    list_select_related = ("story",)
    search_fields = ("label", "error")
    date_hierarchy = "created_at"
    fields = (
        "kind",
        "label",
        "story",
        "status",
        "progress",
        "attempts",
        "retry_at",
        "error",
        "summary",
        "task_id",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields
    Media = AdminStyles

    @admin.display(description="progress")
    def progress(self, job: JobProgress) -> str:
        return progress_html(job)

    @admin.display(description="finished", ordering="finished_at")
    def finished(self, job: JobProgress):
        return job.finished_at or (
            format_html("retry at {}", job.retry_at.strftime("%H:%M:%S")) if job.retry_at else "–"
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs are started from actions and commands

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
