"""Themes across interviews and their links to the codebook (suggestions are ``code_suggestions``).

- ``run_themes``: embed the participants' turns (or the passages coded under one code family),
  cluster them into themes (``workbench.nlp.themes``), count the codes in each theme, and store
  the run encrypted. Leads and admins only: it reads every transcript.
- ``cluster_texts``: the same pipeline for arbitrary texts (``workbench themes cluster``).
- labels: keywords without names (``services/theme_labels.py``), the lead's own theme names
  carried to the next run while a theme persists, and each quote's source passage.
- the embedding model of the project (``theme_model``, ``set_theme_model``, ``model_check``) and the
  units both themes and suggestions embed (``participant_units``, ``embed_units``, ``save_vectors``).

Embeddings are stored per interview, model and text (``repo.embeddings``), so a re-run embeds only
what is new. Long work happens between two short transactions: texts are read and decrypted,
the model runs with no database lock held, then vectors, run and audit entry are written
together. Blind coding is respected: codes and "uncoded" are judged only from the codings the
acting user may see.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from workbench.analysis.spans import overlaps
from workbench.domain.attributes import AttributeType
from workbench.domain.codebook import match_code
from workbench.domain.models import Code, Coding, InterviewSummary, SegmentKind
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.nlp import embed, language
from workbench.nlp.theme_labels import label
from workbench.nlp.themes import OUTLIER, Clustering, ThemeParams, cluster
from workbench.services import theme_labels
from workbench.services.retrieval import descendants
from workbench.services.visibility import coders_visible_to
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

MODEL_SETTING = "themes.model"


SCOPE_TURNS = "participant-turns"


SNIPPET_CHARS = 160


MIN_WORDS = 3
"""Turns shorter than this ("Yes.", "I don't know.") carry no theme and are left out."""


ProgressFn = Callable[[str, int, int], None]
"""(stage, done, total): stages are "reading", "embedding", "clustering", "saving"."""


@dataclass(frozen=True)
class Unit:
    """A passage to embed: a turn, a sentence or a coded span of one interview."""

    interview_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ThemeItem:
    interview_id: str
    participant_code: str | None
    start: int
    end: int
    snippet: str
    theme: int
    x: float
    y: float


@dataclass(frozen=True)
class QuoteSource:
    """The passage a quote is: its interview, participant and code-point span."""

    interview_id: str
    participant_code: str | None
    start: int
    end: int


@dataclass(frozen=True)
class ThemeSummary:
    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    quotes: tuple[str, ...]
    codes: dict[str, int] = field(default_factory=dict)
    """Code name -> number of the theme's items that carry it (codings the user may see)."""
    name: str | None = None
    """The lead's own name for the theme (``theme_labels.rename_theme``); ``label`` shows it."""
    quote_sources: tuple[QuoteSource, ...] = ()
    """Where each quote comes from, in the order of ``quotes`` (runs before this field: none)."""


@dataclass(frozen=True)
class ThemeReport:
    run_id: str
    created_at: dt.datetime
    model: str
    scope: str
    """``participant turns`` or ``code family <name>``."""
    items: list[ThemeItem]
    themes: list[ThemeSummary]
    embedded: int = 0
    """Texts embedded by this run; the rest came from the encrypted store."""
    languages: dict[str, float] = field(default_factory=dict)
    """Detected share of the clustered text per language (ISO 639-1), largest first."""
    warning: str | None = None
    """Set when the model is known not to cover a language that holds a tenth of the text."""

    @property
    def outliers(self) -> int:
        return sum(1 for i in self.items if i.theme == OUTLIER)


def theme_model(ws: Workspace) -> str:
    """The project's embedding model: its setting, else the one the transcripts' languages call for."""
    with ws.read() as repo:
        return model_for(ws, repo)


def model_for(ws: Workspace, repo: Repo, found: dict[str, float] | None = None) -> str:
    """The configured model, else: multilingual when any interview is declared non-English, else by ``found``.

    ``found`` are the detected language shares of the texts about to be embedded; the English-only
    model is chosen only when every interview is declared English and the text is detected so.
    """
    configured = repo.settings.get(MODEL_SETTING, None)
    if configured:
        return str(configured)
    languages = {ws.project.language} | {i.language for i in repo.interviews.summaries() if i.shredded_at is None}
    if languages - {"en"}:
        return embed.MULTILINGUAL_E5
    return embed.pick_model(found or {}, ws.project.language)


def coverage_warning(model: str, found: dict[str, float]) -> str | None:
    """A sentence for the lead when ``model`` is known not to cover a language of the texts."""
    try:
        missing = embed.uncovered(model, found)
    except InvalidInputError:
        return None
    if not missing:
        return None
    names = ", ".join(f"{language.name(code)} ({found[code]:.0%})" for code in missing)
    return (
        f"The theme model {model} does not cover {names} of the text: its themes will be close to noise. "
        f"Set the project's model to {embed.MULTILINGUAL_E5} or a multilingual model folder "
        "(workbench themes model DIR NAME)."
    )


@dataclass(frozen=True)
class ModelCheck:
    model: str
    configured: bool
    """True when the project's ``themes.model`` setting names it; False when the language rule chose it."""
    languages: dict[str, float]
    """Detected shares from the latest run, or the interviews' declared languages before any run."""
    warning: str | None


def model_check(ws: Workspace) -> ModelCheck:
    """The model, whether a lead chose it, and a warning when it does not cover the transcripts' language."""
    require(ws.user, Action.VIEW_THEMES)
    with ws.read() as repo:
        configured = bool(repo.settings.get(MODEL_SETTING, None))
        run = repo.embeddings.latest_run(SCOPE_TURNS)
        found: dict[str, float] = dict(run.payload.get("languages", {})) if run is not None else {}
        if not found:
            declared = Counter(i.language for i in live_interviews(repo))
            total = sum(declared.values())
            found = {code: round(n / total, 4) for code, n in declared.most_common()} if total else {}
        model = model_for(ws, repo, found)
    return ModelCheck(model, configured, found, coverage_warning(model, found))


def set_theme_model(ws: Workspace, model: str) -> str:
    """Set the project's model (a known name or a local folder); returns its stored id."""
    require(ws.user, Action.VIEW_THEMES)
    model = model.strip()
    model_id = embed.model_id(model)  # refuses unknown names and folders without a model
    with ws.write() as repo:
        repo.settings.set(MODEL_SETTING, model, ws.user.id)
        ws.audit(repo, "theme model changed", "project", ws.project.id, model=model_id)
    return model_id


def embed_units(
    repo: Repo, units: Sequence[Unit], embedder: embed.Embedder, on_progress: ProgressFn | None
) -> tuple[np.ndarray[Any, np.dtype[np.float32]], dict[str, dict[str, np.ndarray[Any, Any]]]]:
    """Vectors of ``units`` (stored ones decrypted, the others computed) and the new ones per interview."""
    store = repo.embeddings
    macs = [store.text_mac(u.text) for u in units]
    known: dict[str, dict[str, np.ndarray[Any, Any]]] = {
        iid: store.vectors(iid, embedder.model_id) for iid in sorted({u.interview_id for u in units})
    }
    missing: dict[str, str] = {}
    for unit, mac in zip(units, macs, strict=True):
        if mac not in known[unit.interview_id]:
            missing.setdefault(mac, unit.text)
    texts = list(missing.values())
    encoded = embedder.encode(texts, on_progress=_stage(on_progress, "embedding")) if texts else None
    computed = {mac: encoded[i] for i, mac in enumerate(missing)} if encoded is not None else {}
    new: dict[str, dict[str, np.ndarray[Any, Any]]] = defaultdict(dict)
    rows = []
    for unit, mac in zip(units, macs, strict=True):
        vector = known[unit.interview_id].get(mac)
        if vector is None:
            vector = computed[mac]
            new[unit.interview_id][mac] = vector
        rows.append(vector)
    matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, embedder.dim), dtype=np.float32)
    return matrix, dict(new)


def save_vectors(repo: Repo, model_id: str, new: dict[str, dict[str, np.ndarray[Any, Any]]]) -> int:
    store = repo.embeddings
    return sum(store.add_vectors(iid, model_id, vectors) for iid, vectors in new.items())


def _prepare_stage(on_progress: ProgressFn | None) -> embed.PrepareFn | None:
    """The one-time preparation of the fast CPU engine (about a minute) as a stage of its own."""
    if on_progress is None:
        return None
    return lambda _step, done, total: on_progress("preparing the model", done, total)


def _stage(on_progress: ProgressFn | None, stage: str) -> Callable[[int, int], None] | None:
    if on_progress is None:
        return None
    return lambda done, total: on_progress(stage, done, total)


@dataclass
class _Corpus:
    units: list[Unit]
    interviews: dict[str, InterviewSummary]
    codings: dict[str, list[Coding]]
    codes: list[Code]
    scope: str
    scope_label: str


def live_interviews(repo: Repo) -> list[InterviewSummary]:
    return [i for i in repo.interviews.summaries() if i.shredded_at is None]


def visible_codings(
    repo: Repo, interviews: Iterable[InterviewSummary], visible: frozenset[str] | None
) -> dict[str, list[Coding]]:
    return {
        i.id: [c for c in repo.codings.of_interview(i.id) if visible is None or c.coder in visible] for i in interviews
    }


def participant_units(repo: Repo, interviews: Iterable[InterviewSummary], kind: SegmentKind) -> list[Unit]:
    """Participants' segments of ``kind`` with at least ``MIN_WORDS`` words; only their texts are decrypted."""
    found = repo.interviews.participant_segments([i.id for i in interviews], kind.value)
    return [Unit(iid, start, end, text) for iid, start, end, text in found if len(text.split()) >= MIN_WORDS]


def _family(codes: Sequence[Code], ref: str) -> Code:
    found = match_code(codes, ref)  # key, id, name or the short id `codebook list` prints
    if found is not None:
        return found
    raise NotFoundError(_("There is no code family {ref!r}; give a code's key, id or exact name.").format(ref=ref))


def _corpus(ws: Workspace, repo: Repo, code_family: str | None) -> _Corpus:
    interviews = live_interviews(repo)
    codings = visible_codings(repo, interviews, coders_visible_to(ws))
    codes = repo.codebook.codes()
    by_id = {i.id: i for i in interviews}
    if code_family is None:
        units = participant_units(repo, interviews, SegmentKind.TURN)
        return _Corpus(units, by_id, codings, codes, SCOPE_TURNS, "participant turns")
    family = _family(codes, code_family)
    wanted = descendants(codes, family.id)
    spans: dict[tuple[str, int, int], Unit] = {}
    for summary in interviews:
        for c in codings[summary.id]:
            if c.code_id in wanted:
                spans.setdefault((summary.id, c.start, c.end), Unit(summary.id, c.start, c.end, c.text))
    return _Corpus(list(spans.values()), by_id, codings, codes, f"family:{family.id}", f"code family {family.name}")


def run_themes(
    ws: Workspace,
    *,
    code_family: str | None = None,
    params: ThemeParams | None = None,
    embedder: embed.Embedder | None = None,
    on_progress: ProgressFn | None = None,
) -> ThemeReport:
    """Cluster the project's participant turns (or one code family's passages) into themes."""
    require(ws.user, Action.VIEW_THEMES)
    with ws.read() as repo:
        if on_progress is not None:
            on_progress("reading", 0, 1)
        corpus = _corpus(ws, repo, code_family)
        texts = [u.text for u in corpus.units]
        detected = language.detect_all(texts)
        found = language.shares(texts, detected)
        model = model_for(ws, repo, found)
        embedder = embedder or embed.load_embedder(model, on_prepare=_prepare_stage(on_progress))
        vectors, new = embed_units(repo, corpus.units, embedder, on_progress)
        names = theme_labels.name_words(repo, texts)
    if on_progress is not None:
        on_progress("clustering", 0, 1)
    languages = [corpus.interviews[u.interview_id].language for u in corpus.units]
    stems = [d if d != language.UNKNOWN else declared for d, declared in zip(detected, languages, strict=True)]
    result = cluster(vectors, texts, params, languages, text_languages=stems)
    result = theme_labels.relabel(result, texts, stems, names, (params or ThemeParams()).keywords)
    payload = _payload(corpus, result, embedder.model_id)
    payload["languages"] = found
    payload["warning"] = coverage_warning(model if embedder.model_id == model else embedder.model_id, found)
    with ws.write() as repo:
        if on_progress is not None:
            on_progress("saving", 0, 1)
        stored = save_vectors(repo, embedder.model_id, new)
        store = repo.embeddings
        previous = store.latest_run(corpus.scope)
        theme_labels.carry_names(previous.payload if previous is not None else None, payload)
        run_id = store.save_run(corpus.scope, embedder.model_id, ws.user.id, corpus.interviews, payload)
        run = store.latest_run(corpus.scope)
        ws.audit(repo, "themes run", "theme_run", run_id, model=embedder.model_id, items=len(corpus.units),
                 themes=len(result.themes), embedded=stored)  # fmt: skip
    if run is None:  # pragma: no cover - written in the same transaction
        raise NotFoundError(_("The theme run was not stored."))
    return _report(run_id, run.created_at, payload, embedded=stored)


def _payload(corpus: _Corpus, result: Clustering, model_id: str) -> dict[str, Any]:
    names = {c.id: c.name for c in corpus.codes}
    items = []
    code_counts: dict[int, Counter[str]] = defaultdict(Counter)
    for unit, theme, (x, y) in zip(corpus.units, result.labels, result.coords, strict=True):
        found = {c.code_id for c in corpus.codings.get(unit.interview_id, []) if unit_covers(unit, c)}
        code_counts[theme].update(names[c] for c in found if c in names)
        summary = corpus.interviews[unit.interview_id]
        items.append({"interview": unit.interview_id, "participant": summary.participant_code, "start": unit.start,
                      "end": unit.end, "snippet": _snippet(unit.text), "theme": theme, "x": x, "y": y})  # fmt: skip
    themes = [
        {"id": t.id, "keywords": list(t.keywords), "size": t.size, "codes": dict(code_counts[t.id].most_common()),
         "quotes": [corpus.units[i].text for i in t.quotes], "quote_items": list(t.quotes)}
        for t in result.themes
    ]  # fmt: skip
    return {"model": model_id, "scope": corpus.scope_label, "items": items, "themes": themes}


def unit_covers(unit: Unit, coding: Coding) -> bool:
    return overlaps((unit.start, unit.end), (coding.start, coding.end))


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rstrip() + "…"


def _report(run_id: str, created_at: dt.datetime, payload: dict[str, Any], *, embedded: int = 0) -> ThemeReport:
    items = [
        ThemeItem(i["interview"], i["participant"], i["start"], i["end"], i["snippet"], i["theme"], i["x"], i["y"])
        for i in payload["items"]
    ]
    themes = [
        ThemeSummary(t["id"], t.get("name") or label(t["keywords"], f"theme {t['id']}"), tuple(t["keywords"]),
                     t["size"], tuple(t["quotes"]), dict(t["codes"]), t.get("name"),
                     tuple(_source(items[i]) for i in t.get("quote_items", [])))
        for t in payload["themes"]
    ]  # fmt: skip
    return ThemeReport(run_id, created_at, payload["model"], payload["scope"], items, themes, embedded,
                       dict(payload.get("languages", {})), payload.get("warning"))  # fmt: skip


def _source(item: ThemeItem) -> QuoteSource:
    return QuoteSource(item.interview_id, item.participant_code, item.start, item.end)


def scope_key(repo: Repo, code_family: str | None) -> str:
    """The stored scope of a run: all participant turns, or one code family's passages."""
    return SCOPE_TURNS if code_family is None else f"family:{_family(repo.codebook.codes(), code_family).id}"


def latest_themes(ws: Workspace, *, code_family: str | None = None) -> ThemeReport | None:
    """The last stored run of this scope; a run that includes a since-shredded interview is discarded."""
    require(ws.user, Action.VIEW_THEMES)
    with ws.read() as repo:  # a page shows this on every rerun: no write lock unless a run must go
        scope = scope_key(repo, code_family)
        store = repo.embeddings
        run = store.latest_run(scope)
        stale = run is not None and store.run_is_stale(run.interview_ids)
    if run is None:
        return None
    if stale:
        with ws.write() as repo:
            repo.embeddings.delete_runs(scope)
            ws.audit(repo, "theme run discarded", "theme_run", run.id, reason="interview shredded")
        return None
    return _report(run.id, run.created_at, run.payload)


def prevalence_attributes(ws: Workspace) -> list[str]:
    """Participant attributes a theme can be broken down by (categories, integers, dates)."""
    require(ws.user, Action.VIEW_THEMES)
    with ws.read() as repo:
        return [
            name for name, (_id, d) in repo.participants.attribute_defs().items() if d.type is not AttributeType.TEXT
        ]


def theme_prevalence(ws: Workspace, report: ThemeReport, attribute: str) -> list[dict[str, object]]:
    """Items per theme and value of one participant attribute (rows: theme, value, items, share)."""
    require(ws.user, Action.VIEW_THEMES)
    with ws.read() as repo:
        defs = repo.participants.attribute_defs()
        if attribute not in defs:
            raise NotFoundError(
                _("There is no participant attribute {attribute!r} in this project.").format(attribute=attribute)
            )
        definition = defs[attribute][1]
        if definition.type is AttributeType.TEXT:
            raise InvalidInputError(
                _("{attribute!r} is free text; choose a category, integer or date attribute.").format(
                    attribute=attribute
                )
            )
        values = {
            p.code: definition.encode(definition.parse(p.attributes[attribute]))
            for p in repo.participants.all()
            if attribute in p.attributes
        }
    labels = {t.id: t.label for t in report.themes}
    cells: Counter[tuple[int, str]] = Counter()
    for item in report.items:
        if item.theme != OUTLIER:
            cells[(item.theme, values.get(item.participant_code or "", _("(missing)")))] += 1
    totals: Counter[str] = Counter()
    for (_theme, value), count in cells.items():
        totals[value] += count
    return [
        {"theme": theme, "label": labels[theme], "value": value, "items": count,
         "share": round(count / totals[value], 3)}
        for (theme, value), count in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]  # fmt: skip


def record_download(ws: Workspace, table: str) -> None:
    """Audit a dashboard table the user downloaded (a CSV leaves the encrypted store)."""
    require(ws.user, Action.VIEW_THEMES)
    with ws.write() as repo:
        ws.audit(repo, "dashboard table downloaded", "dashboard", table)


@dataclass(frozen=True)
class TextThemes:
    """Themes of texts outside a project, with the model used and what was detected."""

    clustering: Clustering
    model: str
    languages: dict[str, float]
    warning: str | None


def cluster_texts(
    texts: Sequence[str],
    *,
    model: str | None = None,
    params: ThemeParams | None = None,
    on_progress: ProgressFn | None = None,
) -> TextThemes:
    """Themes of texts that are not in a project; nothing is stored.

    Without ``model`` the texts' detected languages choose it (``embed.pick_model``); with one that
    is known not to cover them, the result carries a warning.
    """
    if not texts:
        raise InvalidInputError(_("There are no texts to cluster."))
    detected = language.detect_all(texts)
    found = language.shares(texts, detected)
    chosen = model or embed.pick_model(found)
    embedder = embed.load_embedder(chosen, on_prepare=_prepare_stage(on_progress))
    vectors = embedder.encode(list(texts), on_progress=_stage(on_progress, "embedding"))
    if on_progress is not None:
        on_progress("clustering", 0, 1)
    stems = language.fill_unknown(detected, language.dominant(found, "en"))
    result = cluster(vectors, texts, params, text_languages=stems)
    return TextThemes(result, embedder.model_id, found, coverage_warning(chosen, found))


def report_json(report: ThemeReport) -> dict[str, Any]:
    """The report as plain JSON types (for ``workbench themes run --json``)."""
    data = asdict(report)
    data["created_at"] = report.created_at.isoformat()
    data["outliers"] = report.outliers
    return data
