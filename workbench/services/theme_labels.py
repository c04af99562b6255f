"""Theme labels a lead can trust: names kept out of keywords, themes renamed, names kept across runs.

- ``name_words``: the words no keyword may be, gathered from what the project knows about the
  people in it (the known names a lead entered, every stored de-identification detection), the
  shipped Hungarian name and settlement lists in every inflected form, and the name candidates
  the de-identification detector finds in the clustered texts themselves.
- ``relabel``: a clustering's keywords again, with those words excluded
  (``workbench.nlp.theme_labels``; the clustering itself is left as it is).
- ``rename_theme``: a lead's own name for a theme, stored inside the run's sealed payload.
- ``carry_names``: when themes are run again, a new theme takes the name of an old one whose
  passages it mostly shares (Jaccard overlap of the passages at least ``KEEP_NAME_OVERLAP``,
  one new theme per old one, best matches first), so a renamed theme keeps its name while it
  persists and loses it when it falls apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.nlp import stem
from workbench.nlp.theme_labels import keywords
from workbench.nlp.themes import Clustering
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

KEEP_NAME_OVERLAP = 0.5
MAX_NAME_CHARS = 80


def name_words(repo: Repo, texts: Sequence[str]) -> frozenset[str]:
    """Lower-cased words that are, or may be, names or places of the people in these texts."""
    from workbench.deid.candidates import candidate_spans, known_name_forms

    words: set[str] = set(known_name_forms()) | shipped_places()
    deid = repo.deid
    found = [t.text for t in deid.terms() if t.status == "accepted"]
    found += [d.text for d in deid.detections()]
    for text in texts:
        found += [text[span.start : span.end] for span in candidate_spans(text)]
    for value in found:
        words.update(stem.words(value))
    return frozenset(words)


@cache
def shipped_places() -> frozenset[str]:
    """The de-identification settlement list, every inflected form, lower-cased."""
    from workbench.deid.inflect import inflected_forms

    data = resources.files("workbench.deid").joinpath("data/settlements_hu.txt").read_text(encoding="utf-8")
    names = [line.strip() for line in data.splitlines() if line.strip() and not line.startswith("#")]
    return frozenset(form.lower() for name in names for form in inflected_forms(name))


def relabel(
    result: Clustering, texts: Sequence[str], languages: Sequence[str], exclude: Iterable[str], top: int = 8
) -> Clustering:
    """``result`` with keywords that leave out ``exclude`` (one language per theme, no fillers)."""
    found = keywords(texts, result.labels, top, languages, exclude=frozenset(exclude))
    themes = [replace(t, keywords=found.get(t.id, ())) for t in result.themes]
    return replace(result, themes=themes)


def _members(payload: dict[str, Any]) -> dict[int, set[tuple[str, int, int]]]:
    out: dict[int, set[tuple[str, int, int]]] = {}
    for item in payload.get("items", []):
        if int(item["theme"]) >= 0:
            out.setdefault(int(item["theme"]), set()).add((item["interview"], int(item["start"]), int(item["end"])))
    return out


def carry_names(previous: dict[str, Any] | None, payload: dict[str, Any]) -> int:
    """Copy the lead's theme names from ``previous`` into ``payload`` where a theme persists; returns how many."""
    if previous is None:
        return 0
    named = {int(t["id"]): str(t["name"]) for t in previous.get("themes", []) if t.get("name")}
    if not named:
        return 0
    old, new = _members(previous), _members(payload)
    pairs = []
    for old_id in named:
        for new_id, members in new.items():
            union = len(old.get(old_id, set()) | members)
            overlap = len(old.get(old_id, set()) & members) / union if union else 0.0
            if overlap >= KEEP_NAME_OVERLAP:
                pairs.append((overlap, old_id, new_id))
    used_old: set[int] = set()
    used_new: set[int] = set()
    themes = {int(t["id"]): t for t in payload.get("themes", [])}
    for _overlap, old_id, new_id in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if old_id in used_old or new_id in used_new or new_id not in themes:
            continue
        themes[new_id]["name"] = named[old_id]
        used_old.add(old_id)
        used_new.add(new_id)
    return len(used_new)


def rename_theme(ws: Workspace, theme_id: int, name: str, *, code_family: str | None = None) -> None:
    """Give a theme of the latest run the lead's own name (empty: back to its keywords label).

    ``code_family`` chooses the run as ``themes.latest_themes`` does (``None``: participant turns).
    """
    from workbench.services.themes import scope_key  # services.themes imports this module

    require(ws.user, Action.VIEW_THEMES)
    clean = " ".join(name.split())
    if len(clean) > MAX_NAME_CHARS:
        raise InvalidInputError(_("A theme name can be at most {n} characters; shorten it.").format(n=MAX_NAME_CHARS))
    with ws.write() as repo:
        store = repo.embeddings
        run = store.latest_run(scope_key(repo, code_family))
        if run is None:
            raise NotFoundError(_("There is no theme run to rename a theme in: run the clustering first."))
        themes = {int(t["id"]): t for t in run.payload["themes"]}
        if theme_id not in themes:
            raise NotFoundError(_("The latest theme run has no theme {id}.").format(id=theme_id))
        if clean:
            themes[theme_id]["name"] = clean
        else:
            themes[theme_id].pop("name", None)
        store.replace_payload(run.id, run.payload)
        ws.audit(repo, "theme renamed", "theme_run", run.id, theme=theme_id)
