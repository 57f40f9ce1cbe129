"""Two short articles about the Ever Given, written for the tests, and the story they make."""

from __future__ import annotations

import datetime as dt

import pytest

GROUNDING = (
    "The container ship Ever Given ran aground in the Suez Canal on Tuesday, blocking traffic.\n\n"
    "Tugboats from the Suez Canal Authority worked through Wednesday night to free it."
)
REFLOATING = (
    "Salvage teams refloated the Ever Given on Monday after six days.\n\n"
    "The canal authority said traffic would resume on Tuesday."
)


# One grounding told three ways: an entry of three reports, two of them on another date.
AGROUND_TUESDAY = "The container ship Ever Given ran aground in the Suez Canal on Tuesday."
AGROUND_23_MARCH = "On 23 March the Ever Given ran aground in the Suez Canal, blocking it."
AGROUND_24_MARCH = "The Ever Given ran aground in the Suez Canal on 24 March, officials insisted."


def ingest_both(ingest) -> None:
    ingest(
        GROUNDING, published=dt.date(2021, 3, 25), title="Ship blocks canal", source="Meridian Wire"
    )
    ingest(
        REFLOATING, published=dt.date(2021, 3, 29), title="Ship refloated", source="Harbour Ledger"
    )


@pytest.fixture
def timeline_story(story, ingest):
    """The story with both articles in it."""
    ingest_both(ingest)
    return story
