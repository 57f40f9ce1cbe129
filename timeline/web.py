"""Web pages and feeds into ArticleInputs: main text, dates, title and site name, feed entries."""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import feedparser
import htmldate
import trafilatura
from django.conf import settings
from lxml import html as lxml_html

from timeline.fetching import FEED_TYPES, HTML_TYPES, Fetched, FetchPolicy, fetch
from timeline.services import ArticleInput

logger = logging.getLogger(__name__)

# Shorter than this, "main text" is usually a cookie banner or a teaser, not an article.
MIN_TEXT_CHARS = 200


class PageError(ValueError):
    """A page was fetched (or read) but holds no usable article; the message says why."""


class NoPublicationDate(PageError):
    """The page states no publication date, and the app will not guess one.

    Relative dates ("on Tuesday") resolve against the publication date, so dating an undated
    page "today" would silently misdate every event in it. The caller asks for a date instead;
    ``draft`` carries everything else that was found so nothing has to be typed twice.
    """

    def __init__(self, message: str, *, draft: PageDraft):
        self.draft = draft
        super().__init__(message)


@dataclass(frozen=True)
class PageDraft:
    """What was found on a page, before a publication date is settled."""

    title: str
    text: str
    source: str
    url: str
    published: dt.date | None
    modified: dt.date | None
    language: str


def fetch_policy() -> FetchPolicy:
    """The fetch limits from the project's settings."""
    return FetchPolicy(
        allow_private=settings.TIMELINE_FETCH_ALLOW_PRIVATE,
        allowed_networks=tuple(settings.TIMELINE_FETCH_ALLOWED_NETWORKS),
        max_bytes=settings.TIMELINE_FETCH_MAX_BYTES,
        connect_timeout=settings.TIMELINE_FETCH_CONNECT_TIMEOUT,
        read_timeout=settings.TIMELINE_FETCH_READ_TIMEOUT,
        total_timeout=settings.TIMELINE_FETCH_TOTAL_TIMEOUT,
    )


def _decode(body: bytes, charset: str | None) -> str | bytes:
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    # Without a declared charset trafilatura sniffs the bytes (meta tags, then detection).
    return body


def _find_date(html: str | bytes, *, url: str | None, original: bool) -> dt.date | None:
    # Markup and URL only: a date picked from the running text could be an event's date.
    try:
        found = htmldate.find_date(
            html, original_date=original, extensive_search=False, url=url or None
        )
    except Exception:  # htmldate raises assorted errors on broken markup; no date then
        logger.debug("htmldate failed", exc_info=True)
        return None
    return dt.date.fromisoformat(found) if found else None


def _paragraphs(text: str) -> str:
    """trafilatura puts one paragraph per line; the timeline's article page wants blank lines."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


LANGUAGES = {"en", "en-GB", "es", "fr", "de"}


def page_draft(
    body: bytes | str, *, url: str = "", charset: str | None = None, language: str | None = None
) -> PageDraft:
    """Main text, title, site name and dates from an HTML page; PageError when it has no text."""
    html = _decode(body, charset) if isinstance(body, bytes) else body
    if not (html.strip() if isinstance(html, str) else html.strip(b" \r\n\t")):
        raise PageError("the page is empty")
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    text = _paragraphs(document.text or "") if document else ""
    if len(text) < MIN_TEXT_CHARS:
        raise PageError(
            "no article text was found on the page (it may need JavaScript, sit behind a "
            "paywall or be an index page)"
        )
    title = " ".join((document.title or "").split())
    first, _, rest = text.partition("\n\n")
    if title and first.strip() == title and rest:
        text = rest  # the headline repeated as the first paragraph
    canonical = document.url if document.url and _is_http(document.url) else ""
    page_language = (document.language or "").split("-")[0].lower()
    return PageDraft(
        title=title or first[:200],
        text=text,
        source=" ".join((document.sitename or "").split()) or _host(url or canonical),
        url=url or canonical,
        published=_find_date(html, url=url or canonical, original=True),
        modified=_find_date(html, url=url or canonical, original=False),
        language=language or (page_language if page_language in LANGUAGES else "en"),
    )


def draft_article(draft: PageDraft, *, published: dt.date | None = None) -> ArticleInput:
    """An ArticleInput from a draft; the given date wins, then the page's; never today."""
    date = published or draft.published
    if date is None:
        raise NoPublicationDate("no publication date was found on the page; give one", draft=draft)
    return ArticleInput(
        title=draft.title[:500],
        text=draft.text,
        published=date,
        source=draft.source[:200],
        url=draft.url[:1000],
        language=draft.language,
    )


def url_draft(
    url: str, *, policy: FetchPolicy | None = None, language: str | None = None
) -> tuple[PageDraft, Fetched]:
    """Fetch a page safely and read it; FetchError or PageError explain a failure."""
    fetched = fetch(url, policy=policy or fetch_policy(), accept=HTML_TYPES)
    draft = page_draft(fetched.body, url=fetched.url, charset=fetched.charset, language=language)
    return draft, fetched


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where its page is, and what the feed itself says about it."""

    link: str
    title: str
    published: dt.date | None
    text: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]


def feed_parse(body: bytes, *, url: str) -> ParsedFeed:
    """Entries of an RSS or Atom document; PageError when the bytes are not a feed."""
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise PageError(f"this is not an RSS or Atom feed{detail}")
    entries = []
    for item in parsed.entries:
        link = (item.get("link") or "").strip()
        if not _is_http(link):
            link = ""
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = (
            dt.datetime.fromtimestamp(calendar.timegm(stamp), tz=dt.UTC).date() if stamp else None
        )
        contents = item.get("content") or []
        raw = contents[0].get("value", "") if contents else item.get("summary", "")
        entries.append(
            FeedEntry(
                link=link,
                title=" ".join((item.get("title") or "").split()),
                published=published,
                text=html_to_text(raw),
            )
        )
    return ParsedFeed(title=" ".join((parsed.feed.get("title") or "").split()), entries=entries)


_BLOCKS = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr)\b[^>]*>", re.IGNORECASE)


def html_to_text(fragment: str) -> str:
    """Plain text from a feed entry's HTML: one paragraph per block, markup dropped."""
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return "\n\n".join(" ".join(p.split()) for p in fragment.split("\n\n") if p.strip())
    marked = _BLOCKS.sub("\n\n", fragment)
    try:
        text = lxml_html.fromstring(f"<div>{marked}</div>").text_content()
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())


def fetch_feed(
    url: str, *, etag: str = "", last_modified: str = "", policy: FetchPolicy | None = None
) -> Fetched:
    return fetch(
        url,
        policy=policy or fetch_policy(),
        accept=FEED_TYPES,
        etag=etag,
        last_modified=last_modified,
    )
