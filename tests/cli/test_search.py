"""`workbench search`, run as a user runs it: a Hungarian query finds an English passage; bad input exits non-zero."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.console import run
from tests.conftest import FAST_KDF
from workbench.services.demo import DEMO_PASSPHRASE, create_demo, demo_password
from workbench.services.search import search


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        directory = tmp_path_factory.mktemp("cli-search") / "demo"
        ws = create_demo(directory, DEMO_PASSPHRASE, kdf=FAST_KDF).workspace
        search(ws, "warm the store", limit=1)  # the sentences' vectors, stored encrypted, as a first search leaves them
        ws.close()
    return directory


def test_a_hungarian_query_prints_the_english_passage_with_rank_and_band(demo: Path) -> None:
    result = run("search", demo, "kápolna mennyezetét festettük", "--limit", "5")
    assert result.returncode == 0, result.stderr
    assert "chapel ceiling" in result.stdout
    assert "passages of 6 interviews searched" in result.stderr
    first = result.stdout.splitlines()[0]
    assert first.lstrip().startswith("1.") and "0." not in first.split()[1], "a band, not a cosine"


def test_json_and_more_like_this(demo: Path) -> None:
    found = run("search", demo, "vending machine exact change", "--json", "-n", "3")
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3] and "score" not in data["hits"][0]
    coded = run("search", demo, "the factory closed and nothing came after", "--json", "-n", "1")
    hit = json.loads(coded.stdout)["hits"][0]
    assert hit["coding_ids"], "the demo codes this passage"
    like = run("search", demo, "--like", hit["coding_ids"][0], "--json", "-n", "3")
    assert like.returncode == 0, like.stderr
    assert all(
        h["start"] != hit["start"] for h in json.loads(like.stdout)["hits"] if h["interview_id"] == hit["interview_id"]
    )


def test_bad_input_and_roles_exit_non_zero(demo: Path) -> None:
    neither = run("search", demo)
    assert neither.returncode != 0 and "Give either a query" in neither.stderr
    empty = run("search", demo, "   ")
    assert empty.returncode != 0 and "Type what you are looking for" in empty.stderr
    unknown = run("search", demo, "--like", "00000000")
    assert unknown.returncode != 0 and "no coding" in unknown.stderr
    writer = run(
        "search", demo, "family", "--user", "wanda", passphrase=None, WORKBENCH_PASSWORD=demo_password("wanda")
    )
    assert writer.returncode != 0 and "may not read transcripts" in writer.stderr
    assert "Traceback" not in writer.stderr + unknown.stderr
