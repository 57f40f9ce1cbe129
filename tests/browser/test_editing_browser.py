"""Two editors correct the same event in real browsers: the second sees the first's change."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-123"


def logged_in_page(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def test_two_editors_edit_the_same_event_and_the_second_is_not_silently_overwritten(
    browser, live_server, ingest
):
    from django.contrib.auth import get_user_model

    from timeline.models import Event

    article = ingest(
        "The Ever Given ran aground on Tuesday in the Suez Canal.", published=dt.date(2021, 3, 24)
    )
    event = article.events.get()
    for name in ("alice", "bob"):
        get_user_model().objects.create_superuser(name, "", PASSWORD)
    change_url = f"{live_server.url}/admin/timeline/event/{event.pk}/change/"

    alice_context, alice = logged_in_page(browser, live_server, "alice")
    bob_context, bob = logged_in_page(browser, live_server, "bob")
    try:
        alice.goto(change_url)
        bob.goto(change_url)  # both have version 1 loaded

        alice.fill("#id_date", "2021-03-22")
        alice.locator("input[name=_save]").click()
        expect(alice.locator(".messagelist")).to_contain_text("was changed successfully")

        bob.fill("#id_date", "2021-03-21")
        bob.locator("input[name=_save]").click()
        error = bob.locator(".errornote, .errorlist")
        expect(error.first).to_be_visible()
        expect(bob.locator("body")).to_contain_text("changed by someone else")
        expect(bob.locator("body")).to_contain_text("date = 2021-03-22")  # Alice's change
        expect(bob.locator("#id_date")).to_have_value("2021-03-21")  # Bob's typing is kept
        event.refresh_from_db()
        assert event.date == dt.date(2021, 3, 22)

        # Having seen Alice's change, Bob saves again on purpose.
        bob.locator("input[name=_save]").click()
        expect(bob.locator(".messagelist")).to_contain_text("was changed successfully")
        event.refresh_from_db()
        assert (event.date, event.version) == (dt.date(2021, 3, 21), 3)
        assert Event.objects.count() == 1
    finally:
        alice_context.close()
        bob_context.close()


def test_an_editor_verifies_from_the_review_queue_with_the_keyboard(browser, live_server, ingest):
    from django.contrib.auth import get_user_model

    from timeline.models import Event

    ingest(
        "Salvors said on Wednesday they would try again on Friday.",
        published=dt.date(2021, 3, 24),
    )
    get_user_model().objects.create_superuser("carol", "", PASSWORD)
    context, page = logged_in_page(browser, live_server, "carol")
    try:
        page.goto(f"{live_server.url}/admin/timeline/event/?review=attention")
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(2)
        page.keyboard.press("j")
        expect(rows.first).to_have_class("review-current")
        page.keyboard.press("x")
        page.keyboard.press("v")
        expect(page.locator(".messagelist")).to_contain_text("Verified 1 event")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)  # it left the queue
        assert Event.objects.filter(status="verified").count() == 1
    finally:
        context.close()
