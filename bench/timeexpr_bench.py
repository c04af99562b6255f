"""Time expressions: accuracy of ``workbench.nlp.timeexpr`` on every phrase set, one line per set.

Sets (``tests/nlp/data/``), and what each may be used for:

- ``timeexpr_en.yaml`` / ``timeexpr_hu.yaml``: the main sets the rules were first written on
  (training figures);
- ``timeexpr_dev.yaml``: development phrases written on 2026-12-01 to improve the rules for
  wording in general (training figures too);
- ``timeexpr_heldout.yaml``: the first held-out set (30 + 30), scored before the 2026-12-01 work;
- ``timeexpr_heldout2.yaml``: the second held-out set (65 + 68), committed alone before any
  parser change of 2026-12-01 and never used to change the rules.

Held-out misses are not printed (counts only), so that scoring a held-out set does not turn it
into a development set; ``--misses`` prints the misses of the training and development sets.

Run: ``.venv/bin/python -m bench.timeexpr_bench [--misses]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from workbench.nlp.timeexpr import propose_time

DATA = Path(__file__).resolve().parent.parent / "tests" / "nlp" / "data"
HELD_OUT = ("timeexpr_heldout.yaml", "timeexpr_heldout2.yaml")


def correct(language: str, phrase: dict[str, Any], context: dict[str, Any]) -> bool:
    """Whether the phrase resolves to its expected age (or year) within 0.5; tests/nlp/test_timeexpr.py
    scores with this same function, so the test's floors and this benchmark's figures agree."""
    proposal = propose_time(phrase["text"], language, birth_year=context["birth_year"])
    if proposal is None:
        return False
    age, year = proposal.resolve(
        birth_year=context["birth_year"],
        previous_age=context["previous_age"],
        anchor_ages=context["anchors"],
        reference_year=context["reference_year"],
    )
    if "age" in phrase:
        return age is not None and abs(age - float(phrase["age"])) <= 0.5
    return year is not None and abs(year - float(phrase["year"])) <= 0.5


def sets() -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    """(file, language, context, phrases) for every set present."""
    found = []
    for name, language in (("timeexpr_en.yaml", "en"), ("timeexpr_hu.yaml", "hu")):
        document = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        found.append((name, language, document["context"], document["phrases"]))
    for name in ("timeexpr_dev.yaml", *HELD_OUT):
        path = DATA / name
        if path.exists():
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            found += [(name, language, document["context"], document[language]) for language in ("en", "hu")]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print misses of the training and development sets")
    args = parser.parse_args()
    for name, language, context, phrases in sets():
        wrong = [p["text"] for p in phrases if not correct(language, p, context)]
        right = len(phrases) - len(wrong)
        print(f"{name:24} {language}: {right}/{len(phrases)} = {right / len(phrases):.1%}")
        if args.misses and name not in HELD_OUT:
            for text in wrong:
                print(f"    miss: {text}")


if __name__ == "__main__":
    main()
