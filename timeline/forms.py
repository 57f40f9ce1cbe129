"""Forms: the timeline's query-string filters and the staff "Add article" page's three ways."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

from timeline.fetching import FetchError
from timeline.ingestion import InputError, decode_text, read_records
from timeline.models import Entity, Precision, Source, Story
from timeline.selectors import (
    Cursor,
    StoryFacets,
    TimelineFilters,
    story_facet_lookup,
    story_facets,
)
from timeline.services import ArticleInput
from timeline.web import PageDraft, PageError, draft_article, page_draft, url_draft

UPLOAD_TYPES = (".html", ".htm", ".txt", ".json", ".jsonl")


class StoryChoiceField(forms.ChoiceField):
    """An entity or source of the story, by slug. The form looks the slug up in the story
    (clean_entity, clean_source); the choices are read only when the form is drawn."""

    def validate(self, value):
        forms.Field.validate(self, value)  # "required" only: membership is the form's lookup


class TimelineFilterForm(forms.Form):
    """Validates the timeline's GET parameters; an invalid value becomes a message, not a 500.

    `with_choices`: the form will be drawn, so it reads the story's entities and sources with
    their counts (cached per story revision) and checks the filters against them. Without it
    (an htmx fragment, an export) an entity or source filter is checked by one small lookup.
    """

    q = forms.CharField(required=False, max_length=200, label="Search")
    # ISO only: the URL is a shareable contract, and "03/04/2021" means two different days.
    start = forms.DateField(
        required=False,
        label="From",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        required=False,
        label="To",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    entity = StoryChoiceField(required=False, label="Person, organisation or place")
    source = StoryChoiceField(required=False, label="Source")
    precision = forms.ChoiceField(
        required=False,
        choices=[("", "Any precision"), *Precision.choices],
        label="Date precision",
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, story: Story, with_choices: bool = False):
        super().__init__(data)
        self.story = story
        self.with_choices = with_choices
        # Callables: evaluated only when the form is drawn.
        self.fields["entity"].choices = self._entity_choices
        self.fields["source"].choices = self._source_choices
        self.fields["entity"].error_messages["invalid_choice"] = (
            "No person, organisation or place by that name appears in this story."
        )
        self.fields["source"].error_messages["invalid_choice"] = "No such source in this story."
        self.fields["precision"].error_messages["invalid_choice"] = (
            "Precision must be day, week, month, quarter or year."
        )
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = "Enter a date as YYYY-MM-DD."

    @cached_property
    def facets(self) -> StoryFacets:
        return story_facets(story=self.story)

    def drawing_inputs(self) -> str:
        """Everything the drawn form shows, as one string: its values as submitted, whether a
        filter is active, and the entity and source choices with their counts. Two forms with
        the same inputs draw the same markup, whatever the story's revision."""
        values = [(bf.name, bf.value()) for bf in self]
        choices = [list(self.fields[name].choices) for name in ("entity", "source")]
        return repr((values, self.active_filters(), choices))

    @cached_property
    def _looked_up(self) -> tuple[Entity | None, Source | None]:
        return story_facet_lookup(
            story=self.story,
            entity=str(self.data.get("entity") or ""),
            source=str(self.data.get("source") or ""),
        )

    def _entity_choices(self) -> list[tuple[str, str]]:
        return [
            ("", "Anyone, anything"),
            *((e.slug, f"{e.name} ({e.kind}, {e.event_count})") for e in self.facets.entities),
        ]

    def _source_choices(self) -> list[tuple[str, str]]:
        return [
            ("", "All sources"),
            *((s.slug, f"{s.name} ({s.event_count})") for s in self.facets.sources),
        ]

    def _story_choice(self, name: str) -> Entity | Source | None:
        slug = self.cleaned_data.get(name) or ""
        if not slug:
            return None
        if self.with_choices:
            found = self.facets.entity(slug) if name == "entity" else self.facets.source(slug)
        else:
            entity, source = self._looked_up
            found = entity if name == "entity" else source
        if found is None:
            raise ValidationError(self.fields[name].error_messages["invalid_choice"])
        return found

    def clean_entity(self) -> Entity | None:
        return self._story_choice("entity")

    def clean_source(self) -> Source | None:
        return self._story_choice("source")

    def clean_after(self) -> Cursor | None:
        raw = self.cleaned_data.get("after") or ""
        if not raw:
            return None
        cursor = Cursor.parse(raw)
        if cursor is None:
            raise ValidationError("That “load more” link is broken; start again from the top.")
        return cursor

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return cleaned

    def filters(self) -> TimelineFilters:
        """The valid filters; an invalid one is dropped (and reported by the template).

        Django leaves a field that failed validation out of cleaned_data, so reading it is enough.
        """
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return TimelineFilters(
            q=(data.get("q") or "").strip(),
            start=data.get("start"),
            end=data.get("end"),
            entity=data.get("entity"),
            source=data.get("source"),
            precision=data.get("precision") or "",
        )

    def active_filters(self) -> bool:
        f = self.filters()
        return any((f.q, f.start, f.end, f.entity, f.source, f.precision))


# The languages the extractor reads; for English the variant decides how 3/4/2021 is read.
LANGUAGES = [
    ("en", "English (numeric dates month first: 3/4 = 4 March)"),
    ("en-GB", "English, British (numeric dates day first: 3/4 = 3 April)"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
]


class StoryChoiceForm(forms.Form):
    """Which story an article joins: an existing one, or a new one named here."""

    story = forms.ModelChoiceField(
        queryset=Story.objects.order_by("title"), required=False, empty_label="A new story…"
    )
    new_story = forms.CharField(
        required=False,
        max_length=200,
        label="New story title",
        help_text="Used when no existing story is chosen.",
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("story") and not (cleaned.get("new_story") or "").strip():
            self.add_error("new_story", "Choose a story or name a new one.")
        return cleaned


def _check_published(published: dt.date | None) -> dt.date | None:
    if published and (published.year < 1800 or published > dt.date.today() + dt.timedelta(days=2)):
        raise ValidationError("A publication date must be a real date, not in the future.")
    return published


class ArticleForm(StoryChoiceForm):
    title = forms.CharField(max_length=500)
    source = forms.CharField(
        max_length=200, required=False, help_text="The outlet, e.g. “Meridian Wire”."
    )
    url = forms.URLField(required=False, max_length=1000, label="URL", assume_scheme="https")
    published = forms.DateField(
        label="Publication date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Relative dates in the text (“on Tuesday”, “last week”) resolve against it.",
    )
    language = forms.ChoiceField(choices=LANGUAGES, initial="en")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), max_length=1_000_000)

    def clean_published(self) -> dt.date:
        return _check_published(self.cleaned_data["published"])

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if "\x00" in text:
            raise ValidationError("The text contains binary data; paste plain text.")
        if not text.strip():
            raise ValidationError("The article text is empty.")
        return text.replace("\r\n", "\n")

    def articles(self) -> list[ArticleInput]:
        data = self.cleaned_data
        return [
            ArticleInput(
                title=data["title"],
                text=data["text"],
                published=data["published"],
                source=data["source"],
                url=data["url"],
                language=data["language"],
            )
        ]

    @classmethod
    def from_draft(cls, *, draft: PageDraft, story_data: dict) -> ArticleForm:
        """The paste form filled with what a page or file gave, asking only for its date."""
        form = cls(
            {
                **story_data,
                "title": draft.title,
                "source": draft.source,
                "url": draft.url,
                "language": draft.language,
                "text": draft.text,
                "published": "",
            }
        )
        form.is_valid()
        form.errors["published"] = form.error_class(
            ["No publication date was found. Enter it: relative dates resolve against it."]
        )
        return form


_OPTIONAL_DATE_HELP = "Leave empty to use the date the page gives; needed when it gives none."
_DETECT = [("", "Detect from the page (else English)"), *LANGUAGES]


class _FetchedArticleForm(StoryChoiceForm):
    """Shared by the URL and file forms: read one or more articles, or keep a dateless draft."""

    published = forms.DateField(
        label="Publication date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_OPTIONAL_DATE_HELP,
    )
    language = forms.ChoiceField(choices=_DETECT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft: PageDraft | None = None  # set when a page was read but gives no date
        self.found: list[ArticleInput] = []
        self.problems: list[str] = []

    def clean_published(self) -> dt.date | None:
        return _check_published(self.cleaned_data["published"])

    def _take_draft(self, draft: PageDraft) -> None:
        published = self.cleaned_data.get("published")
        if published is None and draft.published is None:
            self.draft = draft
            return
        self.found = [draft_article(draft, published=published)]

    def articles(self) -> list[ArticleInput]:
        return self.found


class UrlArticleForm(_FetchedArticleForm):
    url = forms.URLField(
        max_length=1000,
        label="Page URL",
        assume_scheme="https",
        help_text="The article’s own page. Its main text, title, outlet and date are read from it.",
    )
    field_order = ["story", "new_story", "url", "published", "language"]

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("url")
        if not url or self.errors:
            return cleaned
        try:
            draft, _ = url_draft(url, language=cleaned.get("language") or None)
        except FetchError as exc:
            self.add_error("url", f"The page could not be fetched: {exc.reason}.")
        except PageError as exc:
            self.add_error("url", f"The page was fetched, but {exc}.")
        else:
            self._take_draft(draft)
        return cleaned


class UploadArticleForm(_FetchedArticleForm):
    file = forms.FileField(
        label="File",
        help_text=(
            ".html (a saved web page), .txt (first line is the title), .json or .jsonl "
            "(articles with “text” and “published”)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_TYPES)}),
    )
    field_order = ["story", "new_story", "file", "published", "language"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TIMELINE_UPLOAD_MAX_BYTES
        suffix = Path(upload.name).suffix.lower()
        if suffix not in UPLOAD_TYPES:
            raise ValidationError(
                f"“{upload.name}” is not a file type this page reads ({', '.join(UPLOAD_TYPES)})."
            )
        if upload.size > limit:
            raise ValidationError(
                f"The file is {upload.size / 2**20:.1f} MB; the limit is {limit / 2**20:g} MB."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None or self.errors:
            return cleaned
        suffix = Path(upload.name).suffix.lower()
        data = b"".join(upload.chunks())
        language = cleaned.get("language") or None
        try:
            if suffix in (".html", ".htm"):
                self._take_draft(page_draft(data, language=language))
                return cleaned
            text = decode_text(data)
        except (ValueError, PageError) as exc:
            self.add_error("file", f"“{upload.name}” could not be read: {exc}.")
            return cleaned
        if suffix == ".txt":
            title, _, body = text.strip().partition("\n")
            self._take_draft(
                PageDraft(
                    title=title.strip()[:500],
                    # As `ingest` does: the title line stays part of the text.
                    text=text.strip() if body.strip() else title,
                    source="",
                    url="",
                    published=None,
                    modified=None,
                    language=language or "en",
                )
            )
            return cleaned
        for item in read_records(upload.name, text, default_published=cleaned.get("published")):
            if isinstance(item, InputError):
                self.problems.append(str(item))
            else:
                self.found.append(
                    item.article if not language else replace(item.article, language=language)
                )
        if not self.found:
            shown = self.problems[:5]
            more = len(self.problems) - len(shown)
            self.add_error(
                "file",
                "No article could be read: "
                + "; ".join(shown)
                + (f"; and {more} more" if more else "")
                + ".",
            )
        return cleaned
