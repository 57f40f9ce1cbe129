"""The JSON-lines command line: `python -m timeline.extraction < docs.jsonl`."""

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_cli(stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "timeline.extraction"],
        input=stdin.encode("utf-8"),
        capture_output=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


def test_it_writes_one_json_line_per_input_line():
    lines = [
        {"id": "a", "text": "Erdogan held a call on Sunday.", "published": "2022-03-09"},
        {"id": "b", "text": "He arrived yesterday.", "dct": "1998-02-06T22:19:00"},
        {"id": "c", "text": "He arrived yesterday.", "dct": "19980206", "lang": "en"},
    ]
    done = run_cli("".join(json.dumps(line) + "\n" for line in lines))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    [event] = out[0]["events"]
    assert event["date"] == "2022-03-06"
    assert event["precision"] == "day"
    assert event["text"] == "Erdogan held a call on Sunday."
    assert (event["start"], event["end"]) == (0, 30)
    assert event["timex"] == {
        "text": "Sunday",
        "start": 23,
        "end": 29,
        "type": "DATE",
        "value": "2022-03-06",
    }
    assert {"confidence", "rule", "explanation"} <= event.keys()
    assert "end_date" not in event
    assert out[0]["timexes"] == [event["timex"]]
    assert out[1]["events"][0]["date"] == "1998-02-05"
    assert out[2]["events"][0]["date"] == "1998-02-05"


def test_a_malformed_line_is_reported_and_processing_continues():
    stdin = (
        "{not json\n"
        + json.dumps({"id": "no-date", "text": "Today."})
        + "\n"
        + json.dumps({"id": "ok", "text": "He left last week.", "published": "2022-03-09"})
        + "\n"
    )
    done = run_cli(stdin)
    assert done.returncode == 0
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert out[0]["id"] is None and "invalid JSON" in out[0]["error"]
    assert out[1]["id"] == "no-date" and "published" in out[1]["error"]
    assert out[2]["events"][0]["date"] == "2022-02-28"
    stderr = done.stderr.decode()
    assert "line 1" in stderr and "line 2" in stderr


def test_a_range_carries_its_end_date():
    line = {"id": "r", "text": "Voting will run from May to July.", "published": "2022-03-09"}
    done = run_cli(json.dumps(line) + "\n")
    [event] = json.loads(done.stdout)["events"]
    assert (event["date"], event["end_date"], event["precision"]) == (
        "2022-05",
        "2022-07-31",
        "month",
    )
