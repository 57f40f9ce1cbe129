"""The benchmark runs end to end and prints its report.

No timing is asserted here: speed targets are read from the benchmark's printed figures,
never checked by timed tests, which would fail on a slow or busy machine.
"""

import json
import subprocess
import sys
from pathlib import Path

from timeline.extraction import bench

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SUMMARY_LABELS = [
    "ours        :",
    "dateparser  :",
    "speed ratio :",
    "cache       :",
    "adversarial :",
]


def run_bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "timeline.extraction.bench", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


def test_a_quick_run_on_a_tiny_corpus_prints_the_summary_and_exits_0(tmp_path):
    corpus = tmp_path / "tiny.jsonl"
    docs = [
        {"id": "a", "text": "Talks were held on Sunday, March 6, 2022.", "published": "2022-03-09"},
        {"id": "b", "text": "He arrived yesterday and leaves next week.", "dct": "1998-02-06"},
        {"id": "c", "text": "The ship was freed on 29 March.", "published": "2021-03-30"},
        {"id": "bad", "text": "No date."},
    ]
    corpus.write_text("".join(json.dumps(doc) + "\n" for doc in docs), encoding="utf-8")
    done = run_bench(
        "--quick",
        "--corpus", str(corpus),
        "--repeat", "1",
        "--dateparser-docs", "2",
        "--dates", "20",
        "--dateparser-dates", "5",
        "--adversarial-size", "2000",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"corpus: {corpus}: 3 docs" in out
    assert "1 unreadable lines skipped" in out
    summary = out.split("\nsummary\n", 1)[1].splitlines()
    assert [line[:13] for line in summary] == SUMMARY_LABELS
    assert "subset: 2 of 3 docs" in summary[1]
    assert "after 20 publication dates" in summary[3]
    assert "after 5 dates" in summary[3]


def test_the_default_corpus_is_the_dev_split_beside_the_project_else_the_demo(tmp_path):
    project = tmp_path / "main"
    assert bench.default_corpus(project) == project / "timeline/demo/ever-given.jsonl"
    dev = tmp_path / "shared/corpora/tempeval3/dev.jsonl"
    dev.parent.mkdir(parents=True)
    dev.write_text("", encoding="utf-8")
    assert bench.default_corpus(project) == dev


def test_the_demo_articles_load_with_their_publication_dates():
    docs, skipped = bench.load_documents([PROJECT_ROOT / "timeline/demo/ever-given.jsonl"])
    assert docs and skipped == 0
    assert all(doc.text and doc.published.year == 2021 for doc in docs)


def test_adversarial_documents_have_the_requested_size():
    assert len(bench.ADVERSARIAL) >= 8
    for name, make in bench.ADVERSARIAL.items():
        assert len(make(5_000)) == 5_000, name
