"""`manage.py ingest`: files in, events out, idempotent, bad input named by file and line."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from timeline import services
from timeline.models import Article, Event, Story

pytestmark = pytest.mark.django_db

ARTICLE = "Canal traffic resumed on Monday after the ship was freed."


def run(*args) -> str:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *map(str, args), "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue() + err.getvalue() + f"CommandError: {exc}"
    return out.getvalue() + err.getvalue()


def test_a_txt_file_with_published_becomes_an_article_with_events(tmp_path):
    path = tmp_path / "freed.txt"
    path.write_text("Ship freed\n\n" + ARTICLE)
    output = run(path, "--story", "suez", "--published", "2021-03-30")
    article = Article.objects.get()
    assert article.title == "Ship freed"
    assert article.story.slug == "suez"
    assert Event.objects.get().date.isoformat() == "2021-03-29"
    assert "1 article added with 1 dated event" in output


def test_a_sidecar_json_gives_a_txt_file_its_metadata(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "a.json").write_text(
        json.dumps({"published": "2021-03-30", "title": "Freed", "source": "Meridian Wire"})
    )
    run(tmp_path, "--story", "suez")
    article = Article.objects.get()
    assert (article.title, article.source.name) == ("Freed", "Meridian Wire")


def test_jsonl_and_json_files_are_ingested_and_a_second_run_adds_nothing(tmp_path):
    lines = [
        {
            "title": f"Report {n}",
            "text": f"Report {n}: the ship moved on Monday.",
            "published": "2021-03-30",
        }
        for n in range(3)
    ]
    (tmp_path / "many.jsonl").write_text("\n".join(json.dumps(x) for x in lines))
    (tmp_path / "one.json").write_text(json.dumps({"text": ARTICLE, "dct": "2021-03-30T10:00:00"}))
    run(tmp_path, "--story", "suez")
    output = run(tmp_path, "--story", "suez")
    assert Article.objects.count() == 4
    assert "0 articles added" in output and "4 already present" in output


def test_the_sample_article_ingests_with_its_eight_events(shared_dir):
    run(
        shared_dir / "samples" / "antalya-talks.txt",
        "--story",
        "antalya",
        "--published",
        "2022-03-09",
    )
    assert Event.objects.count() == 8


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nodate.txt", ARTICLE, "no publication date"),
        ("empty.txt", "", "the file is empty"),
        ("binary.txt", b"\x00\x01\x02binary", "the file is binary"),
        (
            "bad.jsonl",
            '{"text": "ok on Monday", "published": "2021-03-30"}\n{not json}\n',
            ":2: malformed JSON",
        ),
        (
            "baddate.jsonl",
            '{"text": "x on Monday", "published": "2021-02-30"}\n',
            ":1: publication date '2021-02-30' is not a date",
        ),
        ("notext.json", '{"published": "2021-03-30"}', "'text' is missing"),
        ("notes.md", "hello", "unsupported file type"),
    ],
)
def test_bad_input_gets_a_clear_message_naming_the_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    output = run(path, "--story", "suez")
    assert name in output
    assert message in output
    assert "CommandError" in output


def test_a_bad_line_does_not_stop_the_good_ones(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"text": "The ship moved on Monday.", "published": "2021-03-30"}\n'
        "{broken\n"
        '{"text": "Traffic resumed on Tuesday.", "published": "2021-03-31"}\n'
    )
    output = run(path, "--story", "suez")
    assert Article.objects.count() == 2
    assert "mixed.jsonl:2" in output


def test_an_invalid_published_option_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        call_command("ingest", "x.txt", "--published", "yesterday")
    assert not Story.objects.exists()


def test_a_failure_while_storing_rolls_back_that_article_only(tmp_path, monkeypatch):

    path = tmp_path / "two.jsonl"
    path.write_text(
        '{"text": "The ship moved on Monday.", "published": "2021-03-30"}\n'
        '{"text": "Traffic resumed on Tuesday.", "published": "2021-03-31"}\n'
    )
    real = services.insert_objects

    def failing_for_the_second(objs, *args, **kwargs):
        # Storing the second article's events fails (whether alone or in a batch).
        if any(isinstance(o, Event) and o.text.startswith("Traffic") for o in objs):
            raise RuntimeError("disk full")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(services, "insert_objects", failing_for_the_second)
    output = run(path, "--story", "suez")
    assert "two.jsonl:2: could not be stored: disk full" in output
    assert Article.objects.count() == 1
    assert Event.objects.count() == 1


def test_reextract_refreshes_a_story_and_keeps_corrections(tmp_path):
    from io import StringIO

    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "The ship moved on Monday.", "published": "2021-03-30"}\n')
    run(path, "--story", "suez")
    event = Event.objects.get()
    event.date = event.date.replace(day=28)
    event.edited_fields = ["date"]
    event.save()
    out = StringIO()
    call_command("reextract", "--story", "suez", stdout=out)
    event.refresh_from_db()
    assert event.date.day == 28
    assert "1 kept as editors left them" in out.getvalue()
