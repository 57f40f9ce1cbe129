"""The exports benchmark runs end to end, prints a line per format and leaves nothing behind.

No timing is asserted: the figures are read from the printed report, never checked by a test.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from timeline.models import Article, Event, Story

pytestmark = pytest.mark.django_db


def test_the_exports_benchmark_reports_every_format_and_rolls_its_story_back():
    out = StringIO()
    call_command("bench_exports", "--events", "120", "--memory", stdout=out)
    report = out.getvalue()
    assert "120 events generated" in report
    for path in ("events.csv", "events.json", "timeline.json", "events.ics", "feed.atom"):
        line = next(line for line in report.splitlines() if line.startswith(path))
        assert re.search(r" 200 .*first byte .* ms .*total .* s .* MB .* queries", line), line
        assert re.search(rf"^{re.escape(path)} +peak Python memory .* MB$", report, re.M)
    assert not Story.objects.exists()
    assert not Article.objects.exists() and not Event.objects.exists()
