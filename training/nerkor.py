"""Read the NerKor corpus (two-column token/BIO TSV files, one per split and genre) and write spaCy DocBins.

NerKor (NYTK, CC BY-SA 4.0) is the Hungarian named-entity gold standard; /work/shared/datasets/nerkor
holds its train and devel splits as ``{split}-{genre}.tsv``. The converter writes one DocBin per
split (all genres) and, for devel, one per genre, so the benchmark can report per genre.

    python -m training.nerkor SRC_DIR OUT_DIR
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENRES = ("fiction", "legal", "news", "web", "wikipedia")
TYPES = ("PER", "LOC", "ORG")
# The checkout's sibling ``shared/`` (main checkout), or one level further up (a worktree in wt/NAME).
_CANDIDATES = (Path(__file__).resolve().parents[2] / "shared", Path(__file__).resolve().parents[3] / "shared")


def default_source() -> Path:
    """$NERKOR_DIR, else ``shared/datasets/nerkor`` beside the checkout (or one level up, for worktrees)."""
    if os.environ.get("NERKOR_DIR"):
        return Path(os.environ["NERKOR_DIR"])
    for root in _CANDIDATES:
        if (root / "datasets" / "nerkor").is_dir():
            return root / "datasets" / "nerkor"
    return _CANDIDATES[0] / "datasets" / "nerkor"


# Tokens after which no space is written, and tokens written without a space before them: the corpus
# has no whitespace, so the text is rebuilt the way a writer would type it (the model sees tokens only).
_NO_SPACE_BEFORE = {".", ",", ":", ";", "!", "?", ")", "]", "}", "%", "…", "”", "»"}
_NO_SPACE_AFTER = {"(", "[", "{", "„", "«", "“"}


@dataclass(frozen=True)
class Sentence:
    """One gold sentence: tokens and their BIO tags (PER, LOC, ORG, MISC)."""

    genre: str
    tokens: tuple[str, ...]
    tags: tuple[str, ...]


def read_tsv(path: Path, genre: str) -> list[Sentence]:
    """Sentences of one file; ``#`` lines are comments, a blank line ends a sentence."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if tokens:
                sentences.append(Sentence(genre, tuple(tokens), tuple(tags)))
            tokens, tags = [], []
            continue
        token, tag = line.split("\t")[:2]
        tokens.append(token)
        tags.append(tag.strip() or "O")
    if tokens:
        sentences.append(Sentence(genre, tuple(tokens), tuple(tags)))
    return sentences


def read_split(source: Path, split: str, genres: tuple[str, ...] = GENRES) -> list[Sentence]:
    """All sentences of a split, genre by genre in a fixed order."""
    return [s for genre in genres for s in read_tsv(source / f"{split}-{genre}.tsv", genre)]


def spaces(tokens: tuple[str, ...]) -> list[bool]:
    """Whether each token is followed by a space, by the usual typing conventions."""
    out = []
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        out.append(bool(nxt) and token not in _NO_SPACE_AFTER and nxt not in _NO_SPACE_BEFORE)
    return out


def text_and_offsets(sentence: Sentence) -> tuple[str, list[tuple[int, int]]]:
    """The sentence as text, with each token's (start, end) character offsets."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for token, space in zip(sentence.tokens, spaces(sentence.tokens), strict=True):
        offsets.append((pos, pos + len(token)))
        parts.append(token + (" " if space else ""))
        pos += len(token) + (1 if space else 0)
    return "".join(parts), offsets


def to_doc(nlp: Any, sentence: Sentence) -> Any:
    """A spaCy Doc with the gold entities (MISC kept: the model learns it, scoring may ignore it)."""
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=list(sentence.tokens), spaces=spaces(sentence.tokens), ents=list(sentence.tags))


def convert(source: Path, out: Path) -> None:
    """train.spacy, devel.spacy and devel-{genre}.spacy under ``out``."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("hu")
    out.mkdir(parents=True, exist_ok=True)
    targets = {"train": read_split(source, "train"), "devel": read_split(source, "devel")}
    for genre in GENRES:
        targets[f"devel-{genre}"] = read_split(source, "devel", (genre,))
    for name, sentences in targets.items():
        DocBin(docs=[to_doc(nlp, s) for s in sentences]).to_disk(out / f"{name}.spacy")
        print(f"{name}: {len(sentences)} sentences -> {out / f'{name}.spacy'}")


if __name__ == "__main__":
    args = [*sys.argv[1:], "", ""]
    convert(Path(args[0]) if args[0] else default_source(), Path(args[1] or "training/corpus"))
