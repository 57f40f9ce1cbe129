"""The proper-noun chunker: names found, titles stripped, kinds guessed (no database)."""

from __future__ import annotations

import pytest

from timeline.extraction.entities import find_entities


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Russian Foreign Minister Sergei Lavrov arrived in Turkey on Wednesday.",
            {("Sergei Lavrov", "person"), ("Turkey", "place")},
        ),
        (
            "The Suez Canal Authority said the Ever Given would stay in Ismailia.",
            {("Suez Canal Authority", "organisation"), ("Ismailia", "place")},
        ),
        ("Talks with NATO resumed on Monday.", {("NATO", "organisation")}),
        ("He said the Russian and Ukrainian ministers met.", set()),
        ("Tuesday was calm; Egypt said so.", {("Egypt", "place")}),
    ],
)
def test_it_finds_the_names_in_a_sentence(sentence, expected):
    assert {(m.name, m.kind) for m in find_entities(sentence)} >= expected
    names = {m.name for m in find_entities(sentence)}
    assert "Tuesday" not in names and "Wednesday" not in names and "Monday" not in names


def test_a_lone_capitalised_word_opening_a_sentence_is_uncertain():
    (mention,) = [
        m for m in find_entities("Rabie added that talks would go on.") if m.name == "Rabie"
    ]
    assert not mention.certain


def test_it_never_raises_on_odd_text():
    for text in ("", "   ", "A", "Mr. . . X", "’s 's The of of of", "É" * 1000):
        find_entities(text)


@pytest.mark.parametrize(
    ("sentence", "name", "kind"),
    [
        (
            "Egypt's president, Abdel Fattah al-Sisi, approved a plan.",
            "Abdel Fattah al-Sisi",
            "person",
        ),
        ("Tugs freed the Ever Given on Monday.", "Ever Given", "other"),
        ("The tugs Alp Guard and Carlo Magno arrived.", "Carlo Magno", "other"),
        ("Talks between Sergei Lavrov and Dmytro Kuleba began.", "Dmytro Kuleba", "person"),
        ("Lavrov met officials from Egypt and Turkey.", "Turkey", "place"),
        ("Traders in the UK worried.", "UK", "place"),
        ("Analysts at Lloyd's List put it at $9.6bn.", "Lloyd's List", "organisation"),
        ("Moody's Investors Service cut the rating.", "Moody's Investors Service", "organisation"),
        ("Egypt's Suez Canal Authority said so.", "Suez Canal Authority", "organisation"),
        ("Egypt's Suez Canal Authority said so.", "Egypt", "place"),
        ("Russia's Gazprom cut supplies.", "Russia", "place"),
    ],
)
def test_it_guesses_the_kind_of_a_name_from_its_surroundings(sentence, name, kind):
    assert (name, kind) in {(m.name, m.kind) for m in find_entities(sentence)}
