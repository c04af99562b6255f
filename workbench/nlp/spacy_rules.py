"""Export spaCy's tokenizer and sentencizer rules to the JSON files ``sentences`` reads.

``workbench.nlp.sentences`` splits sentences exactly as a blank spaCy pipeline with the
``sentencizer`` does, without importing spaCy: ``import spacy`` loads torch through thinc, and
``spacy.blank()`` resolves entry points that import Presidio, transformers and torch again,
about 6 s before the first transcript is read. The rules themselves are spaCy's data (MIT),
copied into ``sentence_rules/LANG.json`` by this module:

    .venv/bin/python -m workbench.nlp.spacy_rules

Rerun it after upgrading spaCy; ``tests/nlp/test_sentences.py`` fails while the shipped files
differ from what the installed spaCy builds. Only this module imports spaCy, and only here.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

from workbench.domain.models import SUPPORTED_LANGUAGES

RULES_DIR = Path(__file__).resolve().parent / "sentence_rules"
PATTERNS = ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")


def _pattern(method: Any) -> dict[str, Any] | None:
    """The regular expression behind a bound ``re.Pattern`` method (``search``, ``match``...)."""
    if method is None:
        return None
    compiled = method.__self__
    if not isinstance(compiled, re.Pattern):
        raise TypeError(f"spaCy's {method!r} is not a regular expression; the exporter needs updating.")
    return {"pattern": compiled.pattern, "flags": int(compiled.flags)}


def export(language: str) -> dict[str, Any]:
    """The rules of ``spacy.blank(language)``'s tokenizer and of spaCy's default sentencizer."""
    import spacy
    from spacy.attrs import ORTH
    from spacy.pipeline.sentencizer import Sentencizer

    tokenizer: Any = spacy.blank(language).tokenizer
    return {
        "source": f"spaCy {version('spacy')} (MIT): spacy.blank({language!r}).tokenizer and Sentencizer",
        "language": language,
        "punct_chars": sorted(Sentencizer.default_punct_chars),
        **{name: _pattern(getattr(tokenizer, name)) for name in PATTERNS},
        "specials": {text: [token[ORTH] for token in tokens] for text, tokens in sorted(tokenizer.rules.items())},
        "matcher": _matcher_patterns(tokenizer),
    }


def _matcher_patterns(tokenizer: Any) -> dict[str, list[str]]:
    """The token sequences spaCy's special-case matcher merges back into a special case.

    ``Tokenizer.add_special_case`` registers each special string that affix or infix rules
    would split (or that holds a space) with a phrase matcher, as the tokens the rules alone
    make of it; after tokenizing, such a sequence spelled exactly like the special case is
    replaced by the special case's tokens ("g" "." back to "g." after "10g.").
    """
    from spacy.tokenizer import Tokenizer

    bare = Tokenizer(
        tokenizer.vocab,
        rules={},
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
    )
    patterns: dict[str, list[str]] = {}
    for text in sorted(tokenizer.rules):
        heuristic = tokenizer.find_prefix(text) or tokenizer.find_infix(text) or tokenizer.find_suffix(text)
        if tokenizer.faster_heuristics and not heuristic and " " not in text:
            continue
        patterns[text] = [token.text for token in bare(text)]
    return patterns


def comparable(rules: dict[str, Any]) -> dict[str, Any]:
    """The rules without the informational ``source`` line (a new spaCy with equal rules is fine)."""
    return {key: value for key, value in rules.items() if key != "source"}


def main() -> None:
    RULES_DIR.mkdir(exist_ok=True)
    for language in SUPPORTED_LANGUAGES:
        path = RULES_DIR / f"{language}.json"
        path.write_text(json.dumps(export(language), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
