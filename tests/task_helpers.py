"""Helpers for the background-task tests: an article to ingest, and a service that fails first."""

from __future__ import annotations

import datetime as dt

from django.db import OperationalError

from timeline import services


def article_input(n: int = 0, **changes) -> services.ArticleInput:
    values = {
        "title": f"Report {n}",
        "text": f"Report {n}: the ship ran aground on Tuesday. Salvors will try again on Friday.",
        "published": dt.date(2021, 3, 24),
        "source": "Meridian Wire",
        "url": f"https://example.org/report-{n}",
        "language": "en",
    }
    return services.ArticleInput(**(values | changes))


class FailingFirst:
    """Stands in for a service: raises `error` on the first `times` calls, then does the work."""

    def __init__(self, real, *, times: int, error: Exception | None = None):
        self.real, self.times, self.calls = real, times, 0
        self.error = error or OperationalError("server closed the connection unexpectedly")

    def __call__(self, **kwargs):
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return self.real(**kwargs)
