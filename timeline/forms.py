"""Forms: the timeline's query-string filters and the staff "Add article" page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from timeline.models import Precision, Story
from timeline.selectors import Cursor, TimelineFilters, story_entities, story_sources


class TimelineFilterForm(forms.Form):
    """Validates the timeline's GET parameters; an invalid value becomes a message, not a 500."""

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
    entity = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label="Anyone, anything",
        label="Person, organisation or place",
    )
    source = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label="All sources",
        label="Source",
    )
    precision = forms.ChoiceField(
        required=False,
        choices=[("", "Any precision"), *Precision.choices],
        label="Date precision",
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, story: Story):
        super().__init__(data)
        self.fields["entity"].queryset = story_entities(story=story)
        self.fields["entity"].label_from_instance = lambda e: (
            f"{e.name} ({e.kind}, {e.event_count})"
        )
        self.fields["source"].queryset = story_sources(story=story)
        self.fields["source"].label_from_instance = lambda s: f"{s.name} ({s.event_count})"
        self.fields["entity"].error_messages["invalid_choice"] = (
            "No person, organisation or place by that name appears in this story."
        )
        self.fields["source"].error_messages["invalid_choice"] = "No such source in this story."
        self.fields["precision"].error_messages["invalid_choice"] = (
            "Precision must be day, week, month, quarter or year."
        )
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = "Enter a date as YYYY-MM-DD."

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

    def cursor(self) -> Cursor | None:
        return self.cleaned_data.get("after") if hasattr(self, "cleaned_data") else None


# The languages the extractor reads; for English the variant decides how 3/4/2021 is read.
LANGUAGES = [
    ("en", "English (numeric dates month first: 3/4 = 4 March)"),
    ("en-GB", "English, British (numeric dates day first: 3/4 = 3 April)"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
]


class ArticleForm(forms.Form):
    story = forms.ModelChoiceField(
        queryset=Story.objects.order_by("title"), required=False, empty_label="A new story…"
    )
    new_story = forms.CharField(
        required=False,
        max_length=200,
        label="New story title",
        help_text="Used when no existing story is chosen.",
    )
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
        published = self.cleaned_data["published"]
        if published.year < 1800 or published > dt.date.today() + dt.timedelta(days=2):
            raise ValidationError("A publication date must be a real date, not in the future.")
        return published

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if "\x00" in text:
            raise ValidationError("The text contains binary data; paste plain text.")
        if not text.strip():
            raise ValidationError("The article text is empty.")
        return text.replace("\r\n", "\n")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("story") and not (cleaned.get("new_story") or "").strip():
            self.add_error("new_story", "Choose a story or name a new one.")
        return cleaned
