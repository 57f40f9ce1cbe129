"""Sentence splitting keeps offsets and does not break at abbreviations."""

import bisect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extraction.sentences import SentenceFinder, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_every_sentence_is_a_slice_of_the_original_text():
    text = "  First one.  Second one!\n\nThird one?  "
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert texts(text) == ["First one.", "Second one!", "Third one?"]


def test_it_splits_paragraphs_on_line_breaks():
    assert texts("Title without a period\n\nBody sentence.\nNext line") == [
        "Title without a period",
        "Body sentence.",
        "Next line",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Dr. Jones on Friday.",
        "The U.S. Army arrived on Jan. 14 in the city.",
        "It rose 3.5 percent in Feb. 2021 to a record.",
        "John F. Kennedy spoke in Dallas.",
        "Acme Inc. said profits rose.",
        "He left at 10 p.m. Wednesday with his aides.",
        # Spanish and French month abbreviations, accented ones included (German ordinals are
        # joined by the pipeline).
        "La cumbre se celebró el 12 abr. 2021 en Lima.",
        "La réunion a eu lieu le 3 févr. 2021 à Paris.",
    ],
)
def test_it_does_not_split_at_abbreviations_initials_or_decimals(text):
    assert texts(text) == [text]


def test_a_closing_quote_stays_with_its_sentence():
    text = '"I don\'t have high hopes," he said. "Everything will depend on it."'
    assert texts(text) == [
        '"I don\'t have high hopes," he said.',
        '"Everything will depend on it."',
    ]


def test_a_quote_split_by_its_attribution_is_one_sentence():
    text = (
        '"Turkey can talk to both Ukraine and Russia," Turkish President Recep Tayyip Erdogan, '
        "who has intensified mediation efforts since the start of the crisis, said on Wednesday, "
        '"We are working to prevent the crisis from turning into a tragedy."'
    )
    assert texts(text) == [text]


def test_it_does_not_split_before_a_lowercase_word():
    assert texts("What now? he asked.") == ["What now? he asked."]


def test_empty_and_blank_texts_have_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["Mr. Smith", " said", ". ", "U.S.", "\n", "\r\n", "  ", "It rained", "!"])
        | st.text(max_size=5)
    ).map("".join)
)
def test_the_sentence_finder_finds_the_sentence_a_full_split_gives_at_every_position(text):
    sentences = split_sentences(text)
    starts = [s.start for s in sentences]
    finder = SentenceFinder(text)
    for position in range(len(text) + 1):
        index = bisect.bisect_right(starts, position) - 1
        expected = sentences[index] if index >= 0 and position < sentences[index].end else None
        assert finder.sentence_at(position) == expected
