"""extract() never raises, keeps offsets valid, and stays linear on adversarial input."""

import datetime
import gc
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.extraction import extract

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Fragments that exercise the recognisers, mixed with arbitrary text.
FRAGMENTS = st.sampled_from(
    [
        "on Wednesday", "May", "March 9, 2022", "12-13 April", "from May to July", "1999",
        "in 2009", "the 1990s", "'80s", "two days ago", "the next day", "a week later",
        "Q3", "the third quarter of", "Mr.", "U.S.", ". ", "\n\n", '"', "9/3/2022", "31/31/31",
        "Feb. 30", "February 29", "0000-00-00", "9999-12-31", "every", "last", "next", "-",
        " ", "12-hour", "$27", "27%", "spring", "fall", "today", "\u2013", "\r\n",
    ]
)  # fmt: skip
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=30).map("".join)
DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
LANGS = st.sampled_from(["en", "en-GB", "fr", "", "xx"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, published=DATES, lang=LANGS)
def test_extract_never_raises_and_offsets_are_valid(text, published, lang):
    result = extract(text, published=published, lang=lang)
    for timex in result.timexes:
        assert text[timex.start : timex.end] == timex.text
        assert timex.type in {"DATE", "TIME", "DURATION", "SET"}
    for event in result.events:
        assert 0 <= event.sentence_start <= event.timex.start
        assert event.timex.end <= event.sentence_end <= len(text)
        assert text[event.sentence_start : event.sentence_end] == event.sentence
        assert 0 < event.confidence <= 1
        assert event.end_date is None or event.end_date >= event.date


@settings(max_examples=100, deadline=None)
@given(text=st.text(), published=DATES)
def test_extract_never_raises_on_arbitrary_unicode(text, published):
    extract(text, published=published)


@pytest.mark.parametrize(
    "text",
    ["1" * 200_000, "May " * 50_000, "on Wednesday " * 15_000, "1999-" * 40_000, "a " * 100_000],
)
def test_a_200_kb_adversarial_text_completes(text):
    result = extract(text, published=datetime.date(2022, 3, 9))
    assert all(text[t.start : t.end] == t.text for t in result.timexes)


def test_the_package_imports_nothing_from_django():
    code = (
        "import sys, timeline.extraction; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.parametrize("enabled", [True, False])
def test_extract_leaves_the_cycle_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        extract("Talks resumed on Monday, March 7.", published=datetime.date(2022, 3, 9))
        assert gc.isenabled() is enabled
        with pytest.raises(AttributeError):  # an error inside leaves it as it was too
            extract("On Monday.", published="not a date")  # type: ignore[arg-type]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_threads_extracting_at_once_leave_the_cycle_collector_on():
    import threading

    text = "Talks resumed on Monday, March 7. " * 400
    start = threading.Barrier(4)

    def work():
        start.wait()
        for _ in range(5):
            extract(text, published=datetime.date(2022, 3, 9))

    assert gc.isenabled()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.isenabled()
