"""Script payloads in an article's title, text and source stay inert on every page, under CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-123"
TITLE = "<script>window.__pwned = 'title'</script>Ship <b>blocks</b> canal"
SOURCE = "<img src=x onerror=\"window.__pwned = 'source'\">Meridian Wire"
TEXT = (
    "The Ever Given ran aground on Tuesday. <script>window.__pwned = 'text'</script>\n\n"
    "Tugboats worked on Wednesday. <img src=x onerror=\"window.__pwned = 'img'\">"
    "<svg onload=\"window.__pwned = 'svg'\"></svg>"
)

# Every policy violation the page reports, and every dialog (alert/confirm) that opens.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def editor_page(browser, live_server):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("editor", "", PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.dialogs = dialogs
    yield page
    context.close()


def assert_inert(page) -> None:
    assert page.evaluate("window.__pwned") is None, page.url
    assert page.dialogs == []
    assert page.evaluate("window.__violations") == [], page.url


def test_payloads_in_title_text_and_source_never_run_anywhere(editor_page, live_server):
    from timeline.models import Article, Event

    page = editor_page
    page.goto(f"{live_server.url}/articles/add/")
    assert_inert(page)
    page.select_option("#id_story", label="A new story…")
    page.fill("#id_new_story", "Canal <script>window.__pwned = 'story'</script>")
    page.fill("#id_title", TITLE)
    page.fill("#id_source", SOURCE)
    page.fill("#id_published", "2021-03-24")
    page.fill("#id_text", TEXT)
    page.get_by_role("button", name="Save and extract events").click()
    article = Article.objects.get()
    page.wait_for_url(f"**{article.get_absolute_url()}")

    # The article page shows the payloads as the text they are.
    expect(page.locator("h1")).to_contain_text("<script>window.__pwned = 'title'</script>Ship")
    expect(page.locator("body")).to_contain_text("<script>window.__pwned = 'text'</script>")
    expect(page.locator("body")).to_contain_text("onerror=\"window.__pwned = 'img'\"")
    assert page.locator("img[src=x], svg[onload]").count() == 0
    assert_inert(page)

    event = Event.objects.filter(article=article).first()
    pages = [
        article.story.get_absolute_url(),
        f"{article.story.get_absolute_url()}?q=Tuesday",
        "/",
        "/admin/timeline/article/",
        f"/admin/timeline/article/{article.pk}/change/",
        f"/admin/timeline/article/{article.pk}/history/",
        "/admin/timeline/event/",
        f"/admin/timeline/event/{event.pk}/change/",
        "/admin/timeline/event/quality/",
        "/admin/timeline/source/",
        "/admin/timeline/story/",
        "/admin/timeline/feed/",
        "/admin/timeline/feed/add/",
        "/articles/add/?from=url",
        "/articles/add/?from=file",
    ]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert_inert(page)
    page.goto(f"{live_server.url}{article.story.get_absolute_url()}")
    expect(page.locator("body")).to_contain_text("Meridian Wire")
    expect(page.locator("body")).to_contain_text("<img src=x")


def test_htmx_runs_under_the_policy_through_its_nonce(page, live_server, ingest, story):
    page.context.add_init_script(WATCH)
    ingest("The Ever Given ran aground on Tuesday.\n\nIt was refloated on Monday, 29 March.")
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    assert page.evaluate("typeof window.htmx") == "object"  # its tag's nonce let it run
    page.fill("input[name=q]", "refloated")
    expect(page).to_have_url(f"{live_server.url}{story.get_absolute_url()}?q=refloated")
    expect(page.locator(".results")).not_to_contain_text("ran aground")
    assert page.evaluate("window.__violations") == []
