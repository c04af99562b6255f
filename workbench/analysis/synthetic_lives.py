"""Synthetic lives drawn from known pathway templates: ground truth for the pathway grouping.

The benchmark (``bench/pathways_bench.py``) and the unit test of the grouping both draw lives
here, so the quality figure in ``bench/RESULTS.md`` and the tested bound measure the same thing.
No real participant is involved: a template is a list of (typical age, state) steps, and each
life shifts every age by Gaussian noise, sometimes drops a step, sometimes adds a stray one,
and is observed up to an age of its own (right-censoring), as interview data are.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from workbench.analysis.pathways import Mark

TEMPLATES: dict[str, list[tuple[float, str]]] = {
    # early family rupture, offending in adolescence, prison, radicalized inside
    "prison radicalization": [(11, "family rupture"), (15, "offending"), (19, "prison"), (22, "extremist contact")],
    # ideological path from school age, no offending before the extremist milieu
    "ideological": [(16, "extremist contact"), (20, "offending"), (24, "prison"), (29, "released")],
    # common criminal path with release and desistance, no extremist contact
    "criminal desistance": [(14, "offending"), (18, "prison"), (23, "released"), (27, "disengaging")],
    # involvement in young adulthood, an exit trigger, disengagement before any prison
    "early exit": [(13, "family rupture"), (18, "extremist contact"), (23, "disengaging")],
}
STRAYS = ("family rupture", "offending", "released")


@dataclass(frozen=True)
class SyntheticLife:
    participant: str
    template: int
    marks: list[Mark]
    end: float


def draw(count: int, seed: int, *, noise: float = 1.5, drop: float = 0.1, stray: float = 0.15) -> list[SyntheticLife]:
    """``count`` lives, templates in turn (so every template has about ``count / 4`` lives)."""
    rng = Random(seed)  # noqa: S311 - reproducible test data, not a secret
    names = list(TEMPLATES)
    lives = []
    for n in range(count):
        template = n % len(names)
        marks = []
        for age, state in TEMPLATES[names[template]]:
            if rng.random() < drop:
                continue
            marks.append((max(8.0, age + rng.gauss(0, noise)), state))
        if rng.random() < stray:
            marks.append((rng.uniform(10, 30), rng.choice(STRAYS)))
        marks.sort()
        name = f"S{n:03d}"
        end = rng.uniform(30, 38)
        lives.append(SyntheticLife(name, template, [Mark(name, age, state) for age, state in marks], end))
    return lives
