"""Language detection (offline, shipped model) and which model covers which language."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from workbench.nlp import embed, language

HU = [
    "A börtönben egy csoport tagjai azt ígérték, hogy kint munkát adnak nekem.",
    "Az apám sokat ivott, és gyakran megvert minket, amikor hazajött a kocsmából.",
    "Szabadulás után autószerelőként szeretnék dolgozni egy kis műhelyben.",
]
EN = [
    "Some men on the wing promised me a job with their group when I get out.",
    "My daughter visits me every second Sunday and it keeps me going.",
]


def test_detection_is_offline_and_tells_hungarian_from_english(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access during language detection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(language, "_identifier", {})
    assert language.detect_all(HU + EN) == ["hu"] * 3 + ["en"] * 2
    assert language.detect("Igen.") == language.UNKNOWN, "too short to tell"


def test_shares_weigh_letters_and_skip_undetermined_texts() -> None:
    found = language.shares([*HU, "Igen.", EN[0]])
    assert list(found) == ["hu", "en"] and found["hu"] > 0.7
    assert abs(sum(found.values()) - 1) < 1e-3
    assert language.shares(["Ok.", "Igen."]) == {}


def test_the_english_only_model_is_picked_only_for_english_text() -> None:
    assert embed.pick_model(language.shares(EN)) == embed.MINILM
    assert embed.pick_model(language.shares(HU)) == embed.MULTILINGUAL_E5
    assert embed.pick_model(language.shares(HU[:1] + EN)) == embed.MULTILINGUAL_E5, "a mixed corpus"
    assert embed.pick_model({}, "hu") == embed.MULTILINGUAL_E5 and embed.pick_model({}, "en") == embed.MINILM


def test_shipped_models_say_what_they_cover() -> None:
    assert embed.uncovered(embed.MINILM, {"hu": 0.95, "en": 0.05}) == ["hu"]
    assert embed.uncovered(embed.MINILM, {"en": 0.95, "hu": 0.05}) == [], "a stray tenth is not a warning"
    assert embed.uncovered(embed.MULTILINGUAL_E5, {"hu": 1.0}) == []


def test_a_model_folder_declares_its_languages(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    assert language.folder_coverage(folder) == "" and embed.uncovered(str(folder), {"hu": 1.0}) == []
    (folder / "README.md").write_text("---\nlicense: mit\nlanguage:\n- en\n- de\ntags: [x]\n---\n# card\n")
    assert language.folder_coverage(folder) == frozenset({"en", "de"})
    assert embed.uncovered(str(folder), {"hu": 0.8, "en": 0.2}) == ["hu"]
    (folder / "README.md").write_text("---\nlanguage: [" + ", ".join(f"l{i}" for i in range(30)) + "]\n---\n")
    assert language.folder_coverage(folder) == language.MULTILINGUAL, "a card listing dozens of languages"
    (folder / "workbench-model.json").write_text(json.dumps({"languages": ["hu", "en"]}))
    assert language.folder_coverage(folder) == frozenset({"hu", "en"}), "the centre's own file wins"
    assert embed.uncovered(str(folder), {"hu": 1.0}) == []
