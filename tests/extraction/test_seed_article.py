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


def test_the_command_line_contract_gives_the_same_eight_events(seed):
    import subprocess
    import sys

    text, expected = seed
    line = json.dumps({"id": "antalya", "text": text, "published": expected["published"]})
    completed = subprocess.run(
        [sys.executable, "-m", "timeline.extraction"],
        input=line + "\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    (output,) = [json.loads(row) for row in completed.stdout.splitlines()]
    assert output["id"] == "antalya"
    got = [
        {
            "date": e["date"],
            "precision": e["precision"],
            "sentence": e["text"],
            "start": e["start"],
            "end": e["end"],
            "timex": {k: e["timex"][k] for k in ("text", "start", "end")},
        }
        for e in output["events"]
    ]
    assert got == expected["events"]
    assert "We" not in {t["text"] for t in output["timexes"]}
