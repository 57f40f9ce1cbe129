"""Tense markers: which words make a clause look back or ahead."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extraction.tense import _TOKEN, _WORD_TOKEN, _spans, clause_tense


@pytest.mark.parametrize(
    ("sentence", "expression", "tense"),
    [
        # "next" looks ahead only before a time word: "next to the embassy" is a place.
        ("Dozens were killed next to the embassy on Friday.", "Friday", "past"),
        # "last" after a modal is the verb, not "last week".
        ("The lockdown will last until May 31.", "May 31", "future"),
        ("The ministers meet again next week, on Friday.", "Friday", "future"),
        # A participle after "be" is passive: the auxiliary's tense counts.
        ("The dividend will be paid Dec. 14.", "Dec. 14", "future"),
        ("The deal will be signed on Wednesday.", "Wednesday", "future"),
        # A future seen from the past, or a past plan: either side of publication.
        ("They said the deal would be signed on Wednesday.", "Wednesday", "plan"),
        ("The team planned to leave Nairobi on Thursday.", "Thursday", "plan"),
        ("Protesters planned a rally on Saturday and were planning a march.", "Saturday", "plan"),
        # "planned to" is a past plan; "plans to" looks ahead.
        ("On Friday, the government planned to pay the claims.", "Friday", "past"),
        ("The government plans to pay the claims on Friday.", "Friday", "future"),
        # "could" is as often the past of "can" as a conditional.
        ("He could not be reached on Wednesday.", "Wednesday", "unknown"),
        # An "-ed" adjective is no past verb: after an article, or before its "by" agent.
        ("It will be paid on an unspecified date in January.", "January", "future"),
        ("Flights will double by August to markets untouched by the crisis.", "August", "future"),
        ("The merger was completed in January.", "January", "past"),
        # A plan set in the present perfect, and the earliest of what is to come.
        ("The prosecutor has scheduled a news conference Thursday.", "Thursday", "future"),
        ("They said they could be ready as soon as Tuesday.", "Tuesday", "future"),
        ("The offer had been scheduled to expire at midnight Friday.", "Friday", "past"),
        # "as" opens a clause of its own: its "about to" does not date the arrest.
        (
            "Police arrested the man at the airport on Thursday as he was about to be deported.",
            "Thursday",
            "past",
        ),
    ],
)
def test_tense_markers(sentence, expression, tense):
    start = sentence.index(expression)
    assert clause_tense(sentence, start, start + len(expression)).value == tense


# Letters, token punctuation, and what may stand between tokens: digits, apostrophes, hyphens.
_TOKEN_PIECES = st.sampled_from(
    list("aZb'\u2019-,;:()\"\u201c\u201d\u2014\u2013\u00ab\u00bb 1_.\u00e9\u00df")
    + ["--", "ed", "'ll", "Day"]
)


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(_TOKEN_PIECES, max_size=30))
def test_token_spans_found_from_the_tokens_are_those_of_the_scan(pieces):
    sentence = "".join(pieces)
    for token in (_TOKEN, _WORD_TOKEN):
        starts, ends = _spans(sentence, token.findall(sentence))
        assert list(zip(starts, ends, strict=True)) == [m.span() for m in token.finditer(sentence)]
