"""Reads article files (.txt, .json, .jsonl, .html) and URLs into ArticleInputs or clear errors,
and feeds what it read to the service layer (`ingest_inputs`)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path

from timeline import services, web
from timeline.fetching import FetchError
from timeline.ingest_workers import PreparedArticle, prepare_packed
from timeline.models import Story
from timeline.services import ArticleInput

logger = logging.getLogger(__name__)

SUPPORTED = (".txt", ".json", ".jsonl", ".html", ".htm")
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class InputError:
    """Why one article (or a whole file) could not be read; names the file and line."""

    path: Path | str  # a file, or the URL an article was fetched from
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class InputArticle:
    path: Path | str
    line: int | None
    article: ArticleInput

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


def parse_date(value: object) -> dt.date:
    """A publication date from "YYYY-MM-DD" or an ISO datetime; anything else is an error."""
    if isinstance(value, str):
        raw = value.strip()
        try:
            return dt.date.fromisoformat(raw[:10]) if len(raw) >= 10 else dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(f"publication date {value!r} is not a date (expected YYYY-MM-DD)")


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size == 0:
        raise ValueError("the file is empty")
    if size > MAX_FILE_BYTES:
        raise ValueError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return decode_text(path.read_bytes())


def decode_text(data: bytes) -> str:
    """UTF-8 text from a file's bytes; ValueError for binary or other encodings."""
    if b"\x00" in data[:8192]:
        raise ValueError("the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"the file is not UTF-8 text (byte {exc.start})") from exc
    return text.replace("\r\n", "\n")


def _article_from_mapping(
    record: object, *, default_published: dt.date | None, default_source: str = ""
) -> ArticleInput:
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object with at least 'text' and 'published'")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' is missing or empty")
    if "\x00" in text:
        raise ValueError("'text' contains binary data")
    raw_published = record.get("published", record.get("dct"))
    if raw_published in (None, ""):
        if default_published is None:
            raise ValueError("no publication date: add 'published' or pass --published")
        published = default_published
    else:
        published = parse_date(raw_published)
    title = record.get("title") or next(
        (line.strip() for line in text.splitlines() if line.strip()), ""
    )
    url = record.get("url") or ""
    if url and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise ValueError(f"url {url!r} is not an http(s) address")
    return ArticleInput(
        title=str(title)[:500],
        text=text.replace("\r\n", "\n"),
        published=published,
        source=str(record.get("source") or default_source),
        url=url,
        language=str(record.get("lang") or record.get("language") or "en"),
    )


def read_path(
    path: Path, *, default_published: dt.date | None = None
) -> Iterator[InputArticle | InputError]:
    """Every article in one file, or an error per unreadable article; never raises."""
    if path.suffix.lower() not in SUPPORTED:
        yield InputError(path, f"unsupported file type (use {', '.join(SUPPORTED)})")
        return
    if path.suffix.lower() in (".html", ".htm"):
        yield _read_html(path, default_published)
        return
    try:
        content = _read_text(path)
    except (OSError, ValueError) as exc:
        yield InputError(path, str(exc))
        return
    suffix = path.suffix.lower()
    if suffix == ".txt":
        yield from _read_txt(path, content, default_published)
    elif suffix == ".json":
        yield from _read_json(path, content, default_published)
    else:
        yield from _read_jsonl(path, content, default_published)


def _read_txt(path: Path, content: str, default_published: dt.date | None):
    if not content.strip():
        yield InputError(path, "the file has no text")
        return
    meta: dict = {}
    sidecar = path.with_suffix(".json")
    if sidecar.exists():
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            yield InputError(sidecar, f"unreadable sidecar metadata: {exc}")
            return
        if not isinstance(meta, dict):
            yield InputError(sidecar, "sidecar metadata must be a JSON object")
            return
    try:
        article = _article_from_mapping(
            {**meta, "text": content}, default_published=default_published
        )
    except ValueError as exc:
        yield InputError(path, str(exc))
        return
    yield InputArticle(path, None, article)


def _read_json(path: Path, content: str, default_published: dt.date | None):
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        yield InputError(path, f"malformed JSON: {exc.msg}", line=exc.lineno)
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records, start=1):
        try:
            article = _article_from_mapping(record, default_published=default_published)
        except ValueError as exc:
            label = f"article {index}: {exc}" if isinstance(data, list) else str(exc)
            yield InputError(path, label)
            continue
        yield InputArticle(path, None, article)


def _read_jsonl(path: Path, content: str, default_published: dt.date | None):
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(path, f"malformed JSON line: {exc.msg}", line=number)
            continue
        try:
            article = _article_from_mapping(record, default_published=default_published)
        except ValueError as exc:
            yield InputError(path, str(exc), line=number)
            continue
        yield InputArticle(path, number, article)


def _from_draft(
    where: Path | str, draft: web.PageDraft, default_published: dt.date | None
) -> InputArticle | InputError:
    try:
        article = web.draft_article(draft, published=draft.published or default_published)
    except web.NoPublicationDate:
        return InputError(where, "no publication date on the page: pass --published")
    return InputArticle(where, None, article)


def _read_html(path: Path, default_published: dt.date | None) -> InputArticle | InputError:
    """A saved web page: main text and metadata as for a URL; its date, else --published."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return InputError(path, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        draft = web.page_draft(path.read_bytes())
    except OSError as exc:
        return InputError(path, str(exc))
    except web.PageError as exc:
        return InputError(path, str(exc))
    return _from_draft(path, draft, default_published)


def is_url(value: str) -> bool:
    """Anything with a scheme is taken as a URL, so ftp://… is refused as one, not as a file."""
    scheme, sep, _ = value.partition("://")
    return bool(sep) and scheme.isalpha()


def read_url(url: str, *, default_published: dt.date | None = None) -> InputArticle | InputError:
    """A web page fetched safely and read; its date, else the default; never raises."""
    try:
        draft, _ = web.url_draft(url)
    except FetchError as exc:
        return InputError(url, exc.reason)
    except web.PageError as exc:
        return InputError(url, str(exc))
    return _from_draft(url, draft, default_published)


def read_records(
    name: str, content: str, *, default_published: dt.date | None = None
) -> Iterator[InputArticle | InputError]:
    """Articles from the text of an uploaded .json or .jsonl file, named by its file name."""
    path = Path(Path(name).name)  # only the name: an upload's path means nothing here
    if path.suffix.lower() == ".jsonl":
        yield from _read_jsonl(path, content, default_published)
    else:
        yield from _read_json(path, content, default_published)


@dataclass
class IngestReport:
    """What one run of `ingest_inputs` did: counts, each problem, and where the time went."""

    created: int = 0
    repeated: int = 0
    events: int = 0
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, item: InputArticle, outcome: services.IngestOutcome, problem) -> None:
        if not outcome.created:
            self.repeated += 1
            return
        self.created += 1
        self.events += outcome.extraction.created
        if outcome.extraction.error:
            problem(f"{item.where}: extraction failed: {outcome.extraction.error}")


BATCH_SIZE = 1000  # articles per transaction
_CHUNK = 8  # articles per task sent to an extraction process
_EARLY_BATCH = 100  # fewest articles stored before a batch is full, when workers lag
_POOL_AFTER = 200  # fewer articles are extracted here: starting processes would cost more


def ingest_inputs(
    *,
    story: Story,
    items: Iterable[InputArticle | InputError],
    on_error: Callable[[str], None] | None = None,
    bulk: bool = True,
    workers: int | None = None,
    batch_size: int | None = None,
) -> IngestReport:
    """Store and extract every article read; report each unreadable or refused one.

    In bulk (the default), `workers` processes extract (default: one per core; 0: here) while
    this process writes `batch_size` articles per transaction through the service layer. A
    batch that fails is rolled back and its articles stored one per transaction, so a bad
    article is reported with its file and line and every other one goes in. Not in bulk, each
    article is extracted and stored in its own transaction.
    """
    report = IngestReport()

    def problem(message: str) -> None:
        report.errors.append(message)
        if on_error is not None:
            on_error(message)

    if not bulk:
        for item in items:
            if isinstance(item, InputError):
                problem(str(item))
                continue
            try:
                outcome = services.article_ingest(story=story, data=item.article)
            except Exception as exc:  # report and carry on: one article never sinks the run
                problem(f"{item.where}: could not be stored: {exc}")
                continue
            report.count(item, outcome, problem)
        return report
    workers = (os.cpu_count() or 1) if workers is None else max(0, workers)
    writer = _BatchWriter(
        story=story, report=report, problem=problem, batch_size=batch_size or BATCH_SIZE
    )
    items = iter(items)
    first: list[InputArticle] = []
    if workers:
        for item in items:
            if isinstance(item, InputError):
                problem(str(item))
                continue
            first.append(item)
            if len(first) > _POOL_AFTER:
                break
    if not workers or len(first) <= _POOL_AFTER:
        # A few articles (or no workers wanted): not worth starting processes.
        for item in itertools.chain(first, items):
            if isinstance(item, InputError):
                problem(str(item))
            else:
                writer.add(item, None)
        writer.flush()
        return report
    # Spawned, not forked: the workers import only the extractor, never Django or a connection.
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pending: deque[tuple[list[InputArticle], AsyncResult]] = deque()
        chunk: list[InputArticle] = []

        def send() -> None:
            arguments = [(i.article.text, i.article.published, i.article.language) for i in chunk]
            pending.append((list(chunk), pool.map_async(prepare_packed, arguments)))
            chunk.clear()

        def receive() -> None:
            articles, result = pending.popleft()
            if not result.ready() and len(writer.batch) >= _EARLY_BATCH:
                # Rather than wait for the workers with articles in hand (at a story's start,
                # for a whole batch), store those now: a batch's size changes no outcome.
                writer.flush()
            started = time.perf_counter()
            prepared = result.get()
            report.timings["waiting for extraction"] = (
                report.timings.get("waiting for extraction", 0.0) + time.perf_counter() - started
            )
            for item, ready in zip(articles, prepared, strict=True):
                report.timings["extraction (CPU, all workers)"] = (
                    report.timings.get("extraction (CPU, all workers)", 0.0) + ready.seconds
                )
                writer.add(item, ready)

        for item in itertools.chain(first, items):
            if isinstance(item, InputError):
                problem(str(item))
                continue
            chunk.append(item)
            if len(chunk) == _CHUNK:
                send()
                # Enough work queued to keep every worker busy while this process writes.
                while len(pending) * _CHUNK > 2 * writer.batch_size + workers * _CHUNK:
                    receive()
        if chunk:
            send()
        while pending:
            receive()
    writer.flush()
    return report


class _BatchWriter:
    """Collects prepared articles and stores them a batch (one transaction) at a time."""

    def __init__(self, *, story: Story, report: IngestReport, problem, batch_size: int):
        self.story, self.report, self.problem = story, report, problem
        self.batch_size = max(1, batch_size)
        self.batch: list[tuple[InputArticle, PreparedArticle | None]] = []
        self.words: dict = {}  # grouping's words of each sentence, from batch to batch
        self.memory = services.GroupingMemory()  # and the story's grouping itself

    def add(self, item: InputArticle, ready: PreparedArticle | None) -> None:
        self.batch.append((item, ready))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            self._write(batch)

    def _write(self, batch: list[tuple[InputArticle, PreparedArticle | None]]) -> None:
        try:
            outcomes = self._store(batch)
        except Exception as exc:
            if len(batch) == 1:
                self.problem(f"{batch[0][0].where}: could not be stored: {exc}")
                return
            # Nothing of the batch was written: find the bad article one at a time.
            logger.warning("a batch of %s articles failed (%s); one by one now", len(batch), exc)
            for one in batch:
                self._write([one])
            return
        for (item, _), outcome in zip(batch, outcomes, strict=True):
            self.report.count(item, outcome, self.problem)

    def _store(self, batch) -> list[services.IngestOutcome]:
        return services.articles_ingest_batch(
            story=self.story,
            articles=[item.article for item, _ in batch],
            prepared=[ready for _, ready in batch],
            words=self.words,
            timings=self.report.timings,
            memory=self.memory,
        )
