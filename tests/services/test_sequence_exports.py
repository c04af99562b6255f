"""Sequence exports (STS, SPELL) from a release: disclosure control, and the files read back."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest

from workbench.analysis.pathways import BASELINE
from workbench.deid.sequences import OTHER, protect
from workbench.services.sequence_exports import (
    LIFE_PATHS,
    SequenceExportOptions,
    protected_sequences,
    render_csv,
    render_xlsx,
    table_of,
)

PRISON = [(15.0, "first_offence", "towards"), (19.0, "incarceration", "neutral")]
IDEOLOGY = [(17.0, "extremist_contact", "towards"), (26.0, "incarceration", "neutral"), (31, "release", "neutral")]


def _life(n: int, events: list[tuple[float, str, str]], end: float, shift: float = 0.0) -> dict[str, Any]:
    return {"participant": f"Participant {n}", "end": end,
            "events": [{"participant": f"Participant {n}", "age": age + shift, "type": t, "direction": d}
                       for age, t, d in events]}  # fmt: skip


def _release() -> dict[str, Any]:
    """Six lives on each of two pathways (small age noise inside a band), and two unique lives."""
    lives = [_life(n, PRISON, 33, shift=(n % 3) * 0.4) for n in range(1, 7)]
    lives += [_life(n, IDEOLOGY, 34, shift=(n % 2) * 0.3) for n in range(7, 13)]
    lives.append(_life(13, [(12, "family_rupture", "neutral"), (17, "school_exit", "towards")], 22))
    lives.append(_life(14, [(16, "cognitive_opening", "away")], 48))
    participants = [{"pseudonym": f"Participant {n}", "attributes": {"region": "north" if n % 2 else "south"}}
                    for n in range(1, 15)]  # fmt: skip
    return {"attributes": {"region": "as recorded"}, "participants": participants, "minimums": {"k": 3},
            LIFE_PATHS: {"lives": lives}}  # fmt: skip


def test_rare_states_merge_and_rare_sequences_are_suppressed() -> None:
    protected = protected_sequences(_release(), SequenceExportOptions(), k=5)
    assert protected.grid.width == 5
    assert set(protected.merged) == {"family rupture", "out of school", "disengaging"}
    assert protected.suppressed == 2, "the two unique lives are left out"
    assert len(protected.sequences) == 12
    assert [s.participant for s in protected.sequences] == [str(n) for n in range(1, 13)], "fresh numbers"
    states = {x for s in protected.sequences for x in s.states}
    assert OTHER not in states
    assert {"prison/offending", "prison/extremist contact", "after prison/extremist contact"} <= states
    assert "5-year bands" in protected.note() and "fewer than 5" in protected.note()


def test_an_attribute_splits_groups_below_k() -> None:
    """Region halves each pathway (3 north, 3 south): with k = 4 every row is suppressed, with k = 3 none."""
    release = _release()
    options = SequenceExportOptions(attributes=("region",))
    assert len(protected_sequences(release, options, k=4).sequences) == 0
    assert len(protected_sequences(release, options, k=3).sequences) == 12


def test_protect_refuses_fine_bands() -> None:
    from workbench.analysis.pathways import Grid, StateSequence

    with pytest.raises(ValueError, match="at least 5 years"):
        protect([StateSequence("a", ("x",))], Grid(10, 20, 2), {}, (), 1)


def _read_csv(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), comment="#", encoding="utf-8-sig", keep_default_na=False, dtype=str)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sts_reads_back_to_the_same_sequences(fmt: str) -> None:
    options = SequenceExportOptions(fmt, "sts", attributes=("region",))
    protected = protected_sequences(_release(), options, k=3)
    columns, rows = table_of(protected, options)
    if fmt == "csv":
        content = render_csv(columns, rows, protected.note())
        assert content.decode("utf-8-sig").splitlines()[0] == f"# {protected.note()}"
        frame = _read_csv(content)
    else:
        content = render_xlsx(columns, rows, protected.note(), "STS")
        frame = pd.read_excel(io.BytesIO(content), sheet_name="STS", dtype=str, keep_default_na=False)
        about = pd.read_excel(io.BytesIO(content), sheet_name="About", header=None)
        assert about.iloc[0, 0] == protected.note()
    bands = protected.grid.labels()
    assert list(frame.columns) == ["id", "region", *bands]
    read = {row["id"]: tuple(row[b] for b in bands if row[b] != "") for _, row in frame.iterrows()}
    assert read == {s.participant: s.states for s in protected.sequences}
    assert all(s.states[0] == BASELINE for s in protected.sequences)


def test_spell_reads_back_to_the_same_sequences() -> None:
    """SPELL rows (1-based inclusive positions, TraMineR's process=FALSE form) expand to the STS states."""
    options = SequenceExportOptions("csv", "spell", align="first-incarceration")
    protected = protected_sequences(_release(), options, k=3)
    assert protected.grid.start == -10, "aligned on the first incarceration"
    columns, rows = table_of(protected, options)
    frame = _read_csv(render_csv(columns, rows, protected.note()))
    assert list(frame.columns) == ["id", "spell", "start", "end", "start_band", "end_band", "state"]
    rebuilt: dict[str, list[str]] = {}
    for _, row in frame.iterrows():
        states = rebuilt.setdefault(row["id"], [])
        assert int(row["start"]) == len(states) + 1, "spells are contiguous"
        states += [row["state"]] * (int(row["end"]) - int(row["start"]) + 1)
    assert {k: tuple(v) for k, v in rebuilt.items()} == {s.participant: s.states for s in protected.sequences}


def test_a_formula_in_an_attribute_is_defused() -> None:
    release = _release()
    for p in release["participants"]:
        p["attributes"]["region"] = "=HYPERLINK(1)"
    options = SequenceExportOptions(attributes=("region",))
    protected = protected_sequences(release, options, k=3)
    columns, rows = table_of(protected, options)
    text = render_csv(columns, rows, protected.note()).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


# -- the files opened with a sequence-analysis package (sequenzo, TraMineR's data model in Python) --


def _sequenzo_data(frame: pd.DataFrame, bands: list[str]) -> Any:
    """``SequenceData`` over the exported STS table: the empty cells after a life's end read as missing."""
    from sequenzo import SequenceData

    states = sorted({v for b in bands for v in frame[b].dropna()})
    return SequenceData(frame, time=bands, states=states, id_col="id")


def _observed(data: Any) -> dict[str, tuple[str, ...]]:
    """Each sequence as sequenzo holds it, back to state labels, without the trailing missing cells."""
    labels = data.inverse_state_mapping
    out: dict[str, tuple[str, ...]] = {}
    for sid, row in zip(data.ids, data.values, strict=True):
        states = [labels[int(code)] for code in row]
        out[str(sid)] = tuple(s for s in states if isinstance(s, str))
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sts_opens_in_sequenzo_with_the_same_sequences(fmt: str) -> None:
    options = SequenceExportOptions(fmt, "sts", attributes=("region",))
    protected = protected_sequences(_release(), options, k=1)  # k = 1 keeps the short and the long lives too
    columns, rows = table_of(protected, options)
    if fmt == "csv":
        content = render_csv(columns, rows, protected.note())
        frame = pd.read_csv(io.BytesIO(content), comment="#", encoding="utf-8-sig", dtype=str)
    else:
        content = render_xlsx(columns, rows, protected.note(), "STS")
        frame = pd.read_excel(io.BytesIO(content), sheet_name="STS", dtype=str)
    bands = protected.grid.labels()
    data = _sequenzo_data(frame, bands)
    assert data.n_sequences == len(protected.sequences) == 14
    assert list(data.time) == bands
    expected = {s.participant: s.states for s in protected.sequences}
    assert len({len(states) for states in expected.values()}) > 1, "lives of different lengths (the test can fail)"
    assert _observed(data) == expected


def test_spell_rows_are_the_spells_sequenzo_finds_in_the_sts_table() -> None:
    """The SPELL export and sequenzo's distinct states and durations (seqdss, seqdur) of the STS export agree."""
    from sequenzo.dissimilarity_measures import seqdss, seqdur

    sts, spell = SequenceExportOptions("csv", "sts"), SequenceExportOptions("csv", "spell")
    release = _release()
    protected = protected_sequences(release, sts, k=1)
    frame = pd.read_csv(io.BytesIO(render_csv(*table_of(protected, sts), protected.note())), comment="#",
                        encoding="utf-8-sig", dtype=str)  # fmt: skip
    data = _sequenzo_data(frame, protected.grid.labels())
    labels = data.inverse_state_mapping
    found: dict[str, list[tuple[str, int]]] = {}
    for sid, states, durations in zip(data.ids, seqdss(data), seqdur(data), strict=True):
        found[str(sid)] = [(labels[int(s)], int(d)) for s, d in zip(states, durations, strict=False)
                           if int(s) >= 0 and int(d) > 0 and isinstance(labels[int(s)], str)]  # fmt: skip
    spell_protected = protected_sequences(release, spell, k=1)
    spell_frame = _read_csv(render_csv(*table_of(spell_protected, spell), spell_protected.note()))
    exported: dict[str, list[tuple[str, int]]] = {}
    for _, row in spell_frame.iterrows():
        exported.setdefault(row["id"], []).append((row["state"], int(row["end"]) - int(row["start"]) + 1))
    assert any(len(v) > 2 for v in exported.values()), "lives with several spells (the test can fail)"
    assert exported == found


def test_our_optimal_matching_distances_are_sequenzos() -> None:
    """OM with TraMineR's default costs (substitution 2, indel 1) on the exported STS table, both ways.

    sequenzo counts the empty cells after a shorter life as a "missing" state (TraMineR drops them
    with ``right = "DEL"``), so the comparison takes the pairs of lives of equal length.
    """
    import numpy as np
    from sequenzo import get_distance_matrix

    from workbench.analysis.pathways import alphabet, encode, om_matrix

    options = SequenceExportOptions("csv", "sts")
    protected = protected_sequences(_release(), options, k=1)
    frame = pd.read_csv(io.BytesIO(render_csv(*table_of(protected, options), protected.note())), comment="#",
                        encoding="utf-8-sig", dtype=str)  # fmt: skip
    data = _sequenzo_data(frame, protected.grid.labels())
    theirs = np.asarray(get_distance_matrix(data, method="OM", sm="CONSTANT", indel=1))
    order = [str(i) for i in data.ids]
    seqs = sorted(protected.sequences, key=lambda s: order.index(s.participant))
    states = alphabet(seqs)
    sub = np.full((len(states), len(states)), 2.0)
    np.fill_diagonal(sub, 0.0)
    ours = om_matrix(encode(seqs, states), sub, 1.0)
    lengths = np.array([len(s.states) for s in seqs])
    same = lengths[:, None] == lengths[None, :]
    assert (ours[same] > 0).any(), "some equal-length lives differ (the test can fail)"
    assert np.allclose(ours[same], theirs[same])
