"""The "Add article" page's three ways in: pasted text, a URL, an uploaded file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.local_server import article_page
from timeline.models import Article, Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetch_locally(settings):
    settings.TIMELINE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.mark.parametrize("mode", ["text", "url", "file"])
def test_each_way_costs_three_queries_session_user_and_stories(
    admin_client, django_assert_num_queries, story, mode
):
    with django_assert_num_queries(3):
        assert admin_client.get(f"/articles/add/?from={mode}").status_code == 200


def test_the_page_offers_three_ways_as_links_that_work_without_javascript(admin_client):
    html = admin_client.get("/articles/add/?from=url").content.decode()
    assert '<a href="?from=text" class="source-tabs__tab">Paste text</a>' in html
    assert 'href="?from=url" class="source-tabs__tab" aria-current="page">From a URL' in html
    assert 'action="?from=url"' in html and 'name="url"' in html and 'name="text"' not in html
    upload = admin_client.get("/articles/add/?from=file").content.decode()
    assert 'enctype="multipart/form-data"' in upload and 'type="file"' in upload
    assert "Up to 5.0\xa0MB" in upload


def test_an_unknown_way_falls_back_to_pasting(admin_client):
    html = admin_client.get("/articles/add/?from=carrier-pigeon").content.decode()
    assert 'name="text"' in html


def test_a_url_is_fetched_read_and_saved_with_its_events(admin_client, local_server, fetch_locally):
    url = local_server.serve("/ship", body=article_page())
    response = admin_client.post(
        "/articles/add/?from=url", {"new_story": "Canal watch", "url": url}, follow=True
    )
    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert (article.title, article.source.name, article.url) == (
        "Ship blocks canal",
        "Meridian Wire",
        url,
    )
    assert article.published == dt.date(2021, 3, 24)
    assert "Saved “Ship blocks canal” with" in response.content.decode()


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (
            {"status": 404, "body": b"no"},
            "The page could not be fetched: the server answered HTTP 404.",
        ),
        ({"body": b"%PDF", "content_type": "application/pdf"}, "the server sent application/pdf"),
        ({"body": b"<html><body><p>Hi</p></body></html>"}, "The page was fetched, but no article"),
    ],
)
def test_a_url_that_cannot_be_used_is_explained_and_what_was_typed_stays(
    admin_client, local_server, fetch_locally, route, message
):
    url = local_server.serve("/bad", **route)
    response = admin_client.post(
        "/articles/add/?from=url",
        {"new_story": "Canal watch", "url": url, "published": "2021-03-24"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert f'value="{url}"' in html and 'value="Canal watch"' in html
    assert 'value="2021-03-24"' in html
    assert not Article.objects.exists() and not Story.objects.exists()


def test_a_private_url_is_refused_by_default(admin_client, local_server):
    url = local_server.serve("/ship", body=article_page())
    html = admin_client.post("/articles/add/?from=url", {"new_story": "X", "url": url}).content
    assert b"loopback address 127.0.0.1, which is not fetched" in html
    assert local_server.hits("/ship") == []


def test_an_undated_page_opens_the_paste_form_filled_in_asking_only_for_the_date(
    admin_client, local_server, fetch_locally
):
    url = local_server.serve("/undated", body=article_page(published=None))
    response = admin_client.post(
        "/articles/add/?from=url", {"new_story": "Canal watch", "url": url}
    )
    html = response.content.decode()
    assert "it gives no publication date" in html and "No publication date was found" in html
    assert 'action="?from=text"' in html
    assert 'value="Ship blocks canal"' in html and 'value="Meridian Wire"' in html
    assert "The container ship Ever Given ran aground" in html
    assert not Article.objects.exists()  # nothing saved with a made-up date
    # Submitting that form with the date saves the article.
    data = {
        "new_story": "Canal watch",
        "title": "Ship blocks canal",
        "source": "Meridian Wire",
        "url": url,
        "language": "en",
        "text": "The container ship Ever Given ran aground on Tuesday.",
        "published": "2021-03-25",
    }
    admin_client.post("/articles/add/?from=text", data)
    assert Article.objects.get().published == dt.date(2021, 3, 25)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_an_html_file_is_read_like_a_page(admin_client):
    admin_client.post(
        "/articles/add/?from=file",
        {"new_story": "Canal", "file": upload("ship.html", article_page())},
    )
    article = Article.objects.get()
    assert (article.title, article.published) == ("Ship blocks canal", dt.date(2021, 3, 24))


def test_a_txt_file_takes_its_title_from_the_first_line_and_its_date_from_the_form(admin_client):
    content = b"Ship freed\nCanal traffic resumed on Monday after the ship was freed."
    admin_client.post(
        "/articles/add/?from=file",
        {"new_story": "Canal", "file": upload("freed.txt", content), "published": "2021-03-30"},
    )
    article = Article.objects.get()
    assert (article.title, article.published) == ("Ship freed", dt.date(2021, 3, 30))
    assert article.events.get().date == dt.date(2021, 3, 29)


def test_a_txt_file_without_a_date_opens_the_paste_form_filled_in(admin_client):
    content = b"Ship freed\nCanal traffic resumed on Monday."
    html = admin_client.post(
        "/articles/add/?from=file", {"new_story": "Canal", "file": upload("freed.txt", content)}
    ).content.decode()
    assert 'value="Ship freed"' in html and "Canal traffic resumed on Monday." in html
    assert "No publication date was found" in html
    assert not Article.objects.exists()


def test_a_jsonl_file_adds_what_it_can_and_lists_the_rest(admin_client):
    lines = [
        json.dumps({"title": "One", "text": "Ship moved on Monday.", "published": "2021-03-30"}),
        "{not json",
        json.dumps({"title": "Two", "text": "Ship stuck on Tuesday.", "published": "2021-03-24"}),
    ]
    response = admin_client.post(
        "/articles/add/?from=file",
        {"new_story": "Canal", "file": upload("batch.jsonl", "\n".join(lines).encode())},
        follow=True,
    )
    html = response.content.decode()
    assert Article.objects.count() == 2
    assert response.redirect_chain[-1][0] == Story.objects.get().get_absolute_url()
    assert "Not added: batch.jsonl:2: malformed JSON line" in html
    assert "Saved “One”" in html and "Saved “Two”" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG", "is not a file type this page reads"),
        ("empty.txt", b"", "The submitted file is empty."),
        ("binary.txt", b"abc\x00def", "the file is binary, not text"),
        ("latin.txt", "café".encode("latin-1"), "not UTF-8 text"),
        ("bad.json", b'[{"title": 1}]', "No article could be read: bad.json: article 1"),
        ("nav.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
    ],
)
def test_an_unreadable_file_is_explained_and_the_other_fields_stay(
    admin_client, name, content, message
):
    response = admin_client.post(
        "/articles/add/?from=file",
        {"new_story": "Canal watch", "file": upload(name, content), "published": "2021-03-24"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert 'value="Canal watch"' in html and 'value="2021-03-24"' in html
    assert not Article.objects.exists()


def test_a_file_over_the_size_limit_is_refused(admin_client, settings):
    settings.TIMELINE_UPLOAD_MAX_BYTES = 1000
    response = admin_client.post(
        "/articles/add/?from=file",
        {"new_story": "Canal watch", "file": upload("big.txt", b"x" * 2000)},
    )
    assert "The file is 0.0 MB; the limit is" in response.content.decode()
    assert not Article.objects.exists()


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(admin_client, settings):
    settings.TIMELINE_UPLOAD_MAX_BYTES = 1000
    response = admin_client.post(
        "/articles/add/?from=file",
        {"new_story": "Canal watch", "file": upload("big.txt", b"x" * (1024 * 1024 + 5000))},
    )
    assert response.status_code == 413
    assert "That upload is too large" in response.content.decode()
    assert not Article.objects.exists()


def test_pasting_still_saves_and_goes_to_the_article(admin_client):
    response = admin_client.post(
        "/articles/add/",
        {
            "new_story": "Canal",
            "title": "Ship stuck",
            "published": "2021-03-24",
            "language": "en",
            "text": "The Ever Given ran aground on Tuesday.",
        },
    )
    assert response.status_code == 302
