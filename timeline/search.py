"""Full-text search: a PostgreSQL search vector on events, words ANDed on other databases."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q
from django.utils.deconstruct import deconstructible

SEARCH_CONFIG = "english"


@deconstructible(path="timeline.search.EnglishSearchVector")
class EnglishSearchVector(SearchVector):
    """to_tsvector('english', …) on PostgreSQL; NULL on SQLite, which has no tsvector type.

    It is the expression of Event.search, a stored generated column: the database keeps it in
    step with every write (services, admin, bulk updates, history reverts), so no code path can
    leave a stale vector behind.
    """

    def __init__(self, *expressions):
        super().__init__(*expressions, config=SEARCH_CONFIG)

    def as_sqlite(self, compiler, connection, **extra):
        return "NULL", []


def text_search(q: str) -> Q:
    """The condition for a reader's search box on the current database.

    PostgreSQL: websearch syntax ("quoted phrases", or, -not) over English stems, so "grounded"
    finds "grounding". Elsewhere: every word must appear in the text, in any case.
    """
    if connection.vendor == "postgresql":
        return Q(search=SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG))
    return _websearch_as_contains(q)


# "a quoted phrase" or a bare word (possibly -excluded).
_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def _websearch_as_contains(q: str) -> Q:
    """The websearch syntax PostgreSQL reads, as case-insensitive substring tests.

    Words and "phrases" are all required, -word excludes, and "a or b" accepts either; there is
    no stemming, so a word matches only as written (or inside a longer word).
    """
    groups: list[Q] = []
    either = False
    for phrase, word in _TERM.findall(q):
        if word.lower() == "or":
            either = bool(groups)
            continue
        term = phrase.strip() or word.lstrip("-")
        if not term:
            continue
        condition = ~Q(text__icontains=term) if word.startswith("-") else Q(text__icontains=term)
        if either:
            groups[-1] |= condition
        else:
            groups.append(condition)
        either = False
    combined = Q()
    for condition in groups:
        combined &= condition
    return combined
