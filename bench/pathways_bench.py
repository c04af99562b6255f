"""Pathways: does Ward on optimal matching recover known pathway types, and how fast is the view?

200 synthetic lives (``workbench.analysis.synthetic_lives``: 4 templates of dated states, each
life with Gaussian age noise of 1.5 years, a 10% chance to lose each step, a 15% chance of a
stray event, observed to an age between 30 and 38) are cut into 2-year age bands from 8 to 40,
and grouped into 4 by Ward's method on OM distances. Measured:

- quality: the adjusted Rand index (sklearn) of the recovered groups against the templates,
  for 5 seeds, with both substitution schemes (constant 2 / indel 1, and transition rates);
- speed: sequences + distances + groups + medoids (``pathways``), then the Pathways page's
  two figures (``pathway_figure``, ``typical_figure``), serialized to JSON as Streamlit
  sends them; median of 7 runs. Goal (issue 15): under 2 s for 200 participants.

Peer: sequenzo (the dev extra's Python sequence-analysis package, TraMineR's model) computes
the OM distances of the same 200 lives (constant costs 2 / indel 1) from a STS table; the same
Ward step groups them, so the ARI and the distance time sit beside ours. sequenzo counts the
cells after a shorter life as a *missing* state (TraMineR's ``right = "DEL"`` drops them), so
its distances differ where lives differ in length.

Run: ``.venv/bin/python -m bench.pathways_bench``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from workbench.analysis import synthetic_lives
from workbench.analysis.pathways import (
    Grid,
    StateSequence,
    SubstitutionScheme,
    labels_of,
    pathways,
    sequences,
    ward_groups,
)
from workbench.ui.life_figures import pathway_figure, typical_figure

LIVES = 200
GRID = Grid(8, 40, 2)
SEEDS = (1, 2, 3, 4, 5)
RUNS = 7


def quality(scheme: SubstitutionScheme) -> list[float]:
    scores = []
    for seed in SEEDS:
        lives = synthetic_lives.draw(LIVES, seed)
        seqs = sequences([m for life in lives for m in life.marks], GRID,
                         ends={life.participant: life.end for life in lives})  # fmt: skip
        truth = {life.participant: life.template for life in lives}
        result = pathways(seqs, GRID, groups=4, scheme=scheme)
        found = labels_of(result.groups, len(seqs))
        scores.append(adjusted_rand_score([truth[s.participant] for s in seqs], found))
    return scores


def speed() -> tuple[float, float]:
    lives = synthetic_lives.draw(LIVES, 1)
    marks = [m for life in lives for m in life.marks]
    ends = {life.participant: life.end for life in lives}
    compute, total = [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        result = pathways(sequences(marks, GRID, ends=ends), GRID, groups=4)
        computed = time.perf_counter()
        pathway_figure(result).to_json()
        typical_figure(result).to_json()
        done = time.perf_counter()
        compute.append(computed - began)
        total.append(done - began)
    return statistics.median(compute), statistics.median(total)


def _sts_frame(seqs: list[StateSequence]) -> pd.DataFrame:
    """The lives as an STS table (one column per band, empty after a life's end), as the export writes it."""
    bands = GRID.labels()
    rows = [{"id": s.participant, **dict(zip(bands, s.states, strict=False))} for s in seqs]
    return pd.DataFrame(rows, columns=["id", *bands])


def peer() -> None:
    """sequenzo's OM distances on the same lives: speed of the distances, and ARI after our Ward step."""
    import contextlib
    import io

    from sequenzo import SequenceData, get_distance_matrix

    from workbench.analysis.pathways import alphabet, encode, om_matrix

    scores, theirs_s, ours_s = [], [], []
    for seed in SEEDS:
        lives = synthetic_lives.draw(LIVES, seed)
        seqs = sequences([m for life in lives for m in life.marks], GRID,
                         ends={life.participant: life.end for life in lives})  # fmt: skip
        frame = _sts_frame(seqs)
        with contextlib.redirect_stdout(io.StringIO()):  # sequenzo prints a summary of every table
            data = SequenceData(frame, time=GRID.labels(), states=alphabet(seqs), id_col="id")
            began = time.perf_counter()
            theirs = np.asarray(get_distance_matrix(data, method="OM", sm="CONSTANT", indel=1))
            theirs_s.append(time.perf_counter() - began)
        states = alphabet(seqs)
        sub = np.full((len(states), len(states)), 2.0)
        np.fill_diagonal(sub, 0.0)
        began = time.perf_counter()
        om_matrix(encode(seqs, states), sub, 1.0)
        ours_s.append(time.perf_counter() - began)
        order = [str(i) for i in data.ids]
        truth = {life.participant: life.template for life in lives}
        found = labels_of(ward_groups(theirs, 4), len(order))
        scores.append(adjusted_rand_score([truth[p] for p in order], found))
    print(f"peer sequenzo OM (constant): ARI median {statistics.median(scores):.3f}, "
          f"range {min(scores):.3f}-{max(scores):.3f}; 19,900 distances in "
          f"{statistics.median(theirs_s) * 1000:.0f} ms (ours {statistics.median(ours_s) * 1000:.0f} ms), "
          f"median over seeds {SEEDS}")  # fmt: skip


def main() -> None:
    for scheme in ("constant", "trate"):
        scores = quality(scheme)
        print(f"ARI ({scheme}): median {statistics.median(scores):.3f}, "
              f"range {min(scores):.3f}-{max(scores):.3f} over seeds {SEEDS}")  # fmt: skip
    compute, total = speed()
    print(f"{LIVES} lives: pathways computed in {compute * 1000:.0f} ms, with both figures {total * 1000:.0f} ms "
          f"(median of {RUNS})")  # fmt: skip
    peer()


if __name__ == "__main__":
    main()
