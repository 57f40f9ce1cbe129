"""`manage.py ingest PATH...`: load article files into a story, in batches of articles."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from timeline import services, tasks
from timeline.ingestion import (
    BATCH_SIZE,
    SUPPORTED,
    InputArticle,
    InputError,
    ingest_inputs,
    is_url,
    parse_date,
    read_path,
    read_url,
)


def _date_argument(value: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _expand(paths: list[str]) -> list[Path | str]:
    """URLs and files as given, and the supported files inside any folder given."""
    found: list[Path | str] = []
    for raw in paths:
        if is_url(raw):
            found.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in SUPPORTED
                    and not p.name.endswith(".expected.json")
                    and not (p.suffix.lower() == ".json" and p.with_suffix(".txt").exists())
                )
            )
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = (
        "Ingest articles from .txt (with --published or a sidecar .json), .json, .jsonl and "
        ".html files and http(s) URLs into a story, extracting their dated events. Running it "
        "twice adds nothing new."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="files, folders or URLs to ingest")
        parser.add_argument("--story", default="inbox", help="story slug (created when missing)")
        parser.add_argument("--title", default="", help="title for a story created by this run")
        parser.add_argument(
            "--published",
            type=_date_argument,
            help="publication date (YYYY-MM-DD) for articles that carry none",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="extraction processes for a large input (default: one per core; 0: none)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help=f"articles stored per transaction (default {BATCH_SIZE})",
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue one task per article for the workers instead of storing them here",
        )

    def handle(self, *args, **options) -> None:
        story = services.story_get_or_create(slug=options["story"], title=options["title"])
        paths = _expand(options["paths"])
        errors: list[str] = []
        queued: list[services.ArticleInput] = []
        progress = tqdm(
            paths,
            unit="file",
            disable=options["no_progress"] or not sys.stderr.isatty(),
            file=sys.stderr,
        )

        def report_error(message: str) -> None:
            errors.append(message)
            self.stderr.write(self.style.ERROR(message))

        def read() -> Iterator[InputArticle | InputError]:
            for path in progress:
                if isinstance(path, str):
                    yield read_url(path, default_published=options["published"])
                elif not path.exists():
                    yield InputError(path, "no such file")
                else:
                    yield from read_path(path, default_published=options["published"])

        if options["background"]:
            for item in read():
                if isinstance(item, InputError):
                    report_error(str(item))
                else:
                    queued.append(item.article)
            self._enqueue(story, queued, errors)
            return
        report = ingest_inputs(
            story=story,
            items=read(),
            on_error=report_error,
            workers=options["workers"],
            batch_size=options["batch_size"],
        )
        created, repeated, events = report.created, report.repeated, report.events
        summary = (
            f"Story “{story.title}” ({story.slug}): {created} article{'s' if created != 1 else ''} "
            f"added with {events} dated event{'s' if events != 1 else ''}, "
            f"{repeated} already present, {len(errors)} error{'s' if len(errors) != 1 else ''}."
        )
        if errors:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(f"{len(errors)} input problem(s); see the messages above.")
        self.stdout.write(self.style.SUCCESS(summary))

    def _enqueue(self, story, queued: list[services.ArticleInput], errors: list[str]) -> None:
        """Read everything here (bad files are reported now); the workers store and extract."""
        job = tasks.articles_ingest_enqueue(story=story, articles=queued)
        summary = (
            f"Story “{story.title}” ({story.slug}): {len(queued)} article"
            f"{'s' if len(queued) != 1 else ''} queued as background job {job.pk} "
            f"({job.get_status_display()}, {job.done} stored so far), "
            f"{len(errors)} error{'s' if len(errors) != 1 else ''}."
        )
        if errors:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(f"{len(errors)} input problem(s); see the messages above.")
        self.stdout.write(self.style.SUCCESS(summary))
