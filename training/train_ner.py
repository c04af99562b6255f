"""Train the Hungarian NER pipeline on NerKor and ship model-best under the package (``./dev train-ner``).

Steps: convert the NerKor TSVs to DocBins (``training.nerkor``), run ``spacy train`` with the
committed config (fixed seed and step budget), then copy only what loading needs from model-best
into ``workbench/deid/models/hu_nerkor/`` beside the CC BY-SA 4.0 licence and the attribution
README (which this script leaves as they are: they are written by hand).

    python -m training.train_ner [--source NERKOR_DIR] [--output training/output] [spacy overrides...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from training.nerkor import convert, default_source

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "training" / "hu_nerkor.cfg"
MODEL_DIR = ROOT / "workbench" / "deid" / "models" / "hu_nerkor"
# What spacy.load needs from a trained pipeline (the training-only files stay behind).
_SHIPPED = ("config.cfg", "meta.json", "tokenizer", "vocab", "tok2vec", "ner")
_KEPT = ("LICENSE", "README.md")
_META = {
    "name": "hu_nerkor",
    "version": "1.0.0",
    "description": "Hungarian NER (PER, LOC, ORG, MISC) trained on NYTK-NerKor train; selected on devel.",
    "license": "CC BY-SA 4.0",
    "sources": [{"name": "NYTK-NerKor", "url": "https://github.com/nytud/NYTK-NerKor", "license": "CC BY-SA 4.0",
                 "author": "Simon, E., Vadász, N. (2021), TSD 2021, LNAI 12848, pp. 222-234"}],
}  # fmt: skip


def ship(model_best: Path, target: Path = MODEL_DIR) -> None:
    """Replace the shipped model files with model-best's, keeping the licence and README."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in target.iterdir():
        if entry.name in _KEPT:
            continue
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for name in _SHIPPED:
        src = model_best / name
        if src.is_dir():
            shutil.copytree(src, target / name)
        else:
            shutil.copy2(src, target / name)
    meta_path = target / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(_META)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="folder with NerKor's {split}-{genre}.tsv")
    parser.add_argument("--output", type=Path, default=ROOT / "training" / "output")
    parser.add_argument("--no-ship", action="store_true", help="train only; leave the shipped model alone")
    args, overrides = parser.parse_known_args(argv)
    corpus = ROOT / "training" / "corpus"
    convert(args.source or default_source(), corpus)
    started = time.monotonic()
    paths = ["--paths.train", str(corpus / "train.spacy"), "--paths.dev", str(corpus / "devel.spacy")]
    command = [sys.executable, "-m", "spacy", "train", str(CONFIG), "--output", str(args.output), *paths, *overrides]
    subprocess.run(command, check=True, cwd=ROOT)
    print(f"training took {time.monotonic() - started:.0f} s")
    if not args.no_ship:
        ship(args.output / "model-best")
        print(f"shipped {args.output / 'model-best'} -> {MODEL_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
