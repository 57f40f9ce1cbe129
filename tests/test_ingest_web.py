"""`manage.py ingest` with saved web pages (.html) and http(s) URLs."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.local_server import article_page
from tests.test_ingest_command import run
from timeline.models import Article

pytestmark = pytest.mark.django_db


def test_a_saved_html_page_becomes_an_article_with_its_metadata(tmp_path):
    page = tmp_path / "ship.html"
    page.write_bytes(article_page(canonical="https://news.example.org/ship"))
    output = run(page, "--story", "suez")
    article = Article.objects.get()
    assert (article.title, article.source.name, article.url) == (
        "Ship blocks canal",
        "Meridian Wire",
        "https://news.example.org/ship",
    )
    assert article.published == dt.date(2021, 3, 24)
    assert article.events.filter(date=dt.date(2021, 3, 23)).exists()
    assert "1 article added" in output


@pytest.mark.parametrize(
    ("published_flag", "expected"),
    [([], None), (["--published", "2021-03-25"], dt.date(2021, 3, 25))],
)
def test_an_undated_page_needs_published_and_is_never_dated_today(
    tmp_path, published_flag, expected
):
    page = tmp_path / "undated.htm"
    page.write_bytes(article_page(published=None))
    output = run(page, *published_flag)
    if expected is None:
        assert f"{page}: no publication date on the page: pass --published" in output
        assert "CommandError" in output and not Article.objects.exists()
    else:
        assert Article.objects.get().published == expected


def test_a_pages_own_date_wins_over_published(tmp_path):
    page = tmp_path / "dated.html"
    page.write_bytes(article_page(published="2021-03-24"))
    run(page, "--published", "2021-01-01")
    assert Article.objects.get().published == dt.date(2021, 3, 24)


def test_an_html_file_with_no_article_is_reported_by_name(tmp_path):
    page = tmp_path / "index.html"
    page.write_bytes(b"<html><body><nav>Home</nav></body></html>")
    assert f"{page}: no article text was found" in run(page)


def test_a_url_is_fetched_and_ingested_once(local_server, settings):
    settings.TIMELINE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    url = local_server.serve("/ship", body=article_page())
    first, second = run(url, "--story", "suez"), run(url, "--story", "suez")
    assert "1 article added" in first and "1 already present" in second
    assert Article.objects.get().url == url


def test_a_url_that_fails_is_reported_and_the_others_go_in(local_server, settings, tmp_path):
    settings.TIMELINE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    good = local_server.serve("/ship", body=article_page())
    missing = local_server.url("/missing")
    output = run(good, missing, "ftp://example.org/x")
    assert f"{missing}: the server answered HTTP 404" in output
    assert "ftp://example.org/x: only http and https addresses can be fetched" in output
    assert Article.objects.count() == 1 and "CommandError" in output


def test_a_private_url_is_refused_by_default(local_server, settings):
    url = local_server.serve("/ship", body=article_page())
    output = run(url)
    assert "resolves to a loopback address 127.0.0.1, which is not fetched" in output
    assert local_server.hits("/ship") == []
