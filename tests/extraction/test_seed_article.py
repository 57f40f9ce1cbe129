"""The product's example article gives exactly its eight expected events."""

import datetime
import json
import os
from pathlib import Path

import pytest

from timeline.extraction import extract

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


@pytest.fixture(scope="module")
def seed():
    text_path = SAMPLES / "antalya-talks.txt"
    expected_path = SAMPLES / "antalya-talks.expected.json"
    if not (text_path.exists() and expected_path.exists()):
        reason = f"the shared seed article is not at {SAMPLES} (../shared from the project root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    return text_path.read_text(encoding="utf-8"), expected


def test_the_seed_article_yields_exactly_the_expected_events(seed):
    text, expected = seed
    published = datetime.date.fromisoformat(expected["published"])
    result = extract(text, published=published, lang=expected["language"])
    got = [
        {
            "date": event.iso_date,
            "precision": event.precision.value,
            "sentence": event.sentence,
            "start": event.sentence_start,
            "end": event.sentence_end,
            "timex": {"text": event.timex.text, "start": event.timex.start, "end": event.timex.end},
        }
        for event in result.events
    ]
    assert got == expected["events"]


def test_the_seed_article_events_explain_themselves(seed):
    text, expected = seed
    result = extract(text, published=datetime.date(2022, 3, 9))
    sunday = next(e for e in result.events if e.timex.text == "Sunday")
    assert sunday.rule == "weekday"
    assert "past tense" in sunday.explanation
    assert sunday.explanation.endswith("= 2022-03-06")
