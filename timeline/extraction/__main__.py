"""Command line: JSON lines of articles on stdin, JSON lines of timexes and events on stdout.

    python -m timeline.extraction < docs.jsonl > out.jsonl

Input line: {"id", "text", "published": "YYYY-MM-DD", "lang"?}; "dct" is accepted for
"published" and may be a full timestamp ("1998-02-06T22:19:00") or compact ("19980206").
A bad line gets {"id": ..., "error": ...} on stdout and a message naming it on stderr.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import sys
from typing import IO

from .pipeline import extract

_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class InputError(ValueError):
    """A line that cannot be processed; its message goes back to the caller."""


def parse_publication_date(raw: object) -> datetime.date:
    if not isinstance(raw, str) or not raw.strip():
        raise InputError('"published" (or "dct") must be a date string like "2022-03-09"')
    match = _ISO_DATE.match(raw.strip()) or _COMPACT_DATE.match(raw.strip())
    if match is None:
        raise InputError(f"cannot read publication date {raw!r}; expected YYYY-MM-DD")
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise InputError(f"invalid publication date {raw!r}: {error}") from None


def process_line(line: str) -> dict:
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"invalid JSON: {error}") from None
    if not isinstance(doc, dict):
        raise InputError("each line must be a JSON object")
    text = doc.get("text")
    if not isinstance(text, str):
        raise InputError('"text" must be a string')
    published = parse_publication_date(doc.get("published", doc.get("dct")))
    lang = doc.get("lang") or "en"
    if not isinstance(lang, str):
        raise InputError('"lang" must be a string')
    result = extract(text, published=published, lang=lang)
    return {
        "id": doc.get("id"),
        "timexes": [timex.to_dict() for timex in result.timexes],
        "events": [event.to_dict() for event in result.events],
    }


def _line_id(line: str) -> object:
    try:
        doc = json.loads(line)
    except ValueError:
        return None
    return doc.get("id") if isinstance(doc, dict) else None


def run(stdin: IO[str], stdout: IO[str], stderr: IO[str]) -> int:
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            output = process_line(line)
        except InputError as error:
            stderr.write(f"line {number}: {error}\n")
            output = {"id": _line_id(line), "error": str(error)}
        except Exception as error:  # One broken document must not stop a batch.
            stderr.write(f"line {number}: internal error: {error!r}\n")
            output = {"id": _line_id(line), "error": f"internal error: {error!r}"}
        stdout.write(json.dumps(output, ensure_ascii=False) + "\n")
    return 0


def main() -> int:
    # Undecodable bytes are replaced rather than fatal: one bad line should not end the run.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        return run(stdin, stdout, sys.stderr)
    except OSError as error:
        sys.stderr.write(f"cannot read standard input: {error}\n")
        return 1
    finally:
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
