"""Save the extractor's output on the shared corpora and the demo, or check it is unchanged.

    .venv/bin/python bench/check_outputs.py save DIR    # before a change meant to keep output
    .venv/bin/python bench/check_outputs.py check DIR   # after it: byte-identical or a diff

Each input goes through the command-line contract (`python -m timeline.extraction`), one
output file per input. The TempEval-3 dev split is also run as if it were Spanish, French,
German and British English, so the language patterns and day-first dates are covered too.
Exit status: 0 when everything matches (or was saved), 1 when an output differs.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
sys.path.insert(0, str(PROJECT_ROOT))

from timeline.extraction.__main__ import run  # noqa: E402

INPUTS = {
    "tempeval3-dev": SHARED / "corpora/tempeval3/dev.jsonl",
    "tempeval3-test": SHARED / "corpora/tempeval3/test.jsonl",
    "meantime-en-test": SHARED / "corpora/meantime-en/test.jsonl",
    "demo": PROJECT_ROOT / "timeline/demo/ever-given.jsonl",
}
RELABELLED = {f"tempeval3-dev-as-{lang}": lang for lang in ("es", "fr", "de", "en-GB")}


def _lines(name: str) -> str:
    if name in INPUTS:
        return INPUTS[name].read_text(encoding="utf-8")
    lang = RELABELLED[name]
    docs = [json.loads(line) for line in INPUTS["tempeval3-dev"].open(encoding="utf-8")]
    return "".join(json.dumps({**doc, "lang": lang}) + "\n" for doc in docs)


def extract_all(name: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    run(io.StringIO(_lines(name)), out, err)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "check"])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    missing = [str(path) for path in INPUTS.values() if not path.is_file()]
    if missing:
        parser.error(f"missing inputs: {', '.join(missing)}")
    args.directory.mkdir(parents=True, exist_ok=True)
    differ = 0
    for name in [*INPUTS, *RELABELLED]:
        output = extract_all(name)
        saved = args.directory / f"{name}.jsonl"
        if args.action == "save":
            saved.write_text(output, encoding="utf-8")
            print(f"saved   {saved} ({len(output.splitlines())} lines)")
            continue
        before = saved.read_text(encoding="utf-8")
        if before == output:
            print(f"same    {name} ({len(output.splitlines())} lines)")
            continue
        differ += 1
        print(f"DIFFERS {name}")
        diff = difflib.unified_diff(before.splitlines(), output.splitlines(), lineterm="", n=0)
        for line in list(diff)[:20]:
            print("   ", line[:300])
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
