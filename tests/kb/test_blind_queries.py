"""The blind search evaluation set (search/data/blind_law_queries.jsonl): questions written without seeing the
knowledge base, labelled with the Labour Code articles that answer them; the labels must be living articles."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

BLIND_SET = Path(__file__).resolve().parents[2] / "search" / "data" / "blind_law_queries.jsonl"


def test_blind_set_is_well_formed_and_cites_living_articles(
    ref_problems: Callable[[list[str]], list[str]],
) -> None:
    items = [json.loads(line) for line in BLIND_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) >= 200
    assert len({item["id"] for item in items}) == len(items)
    assert all(item["query"].strip() and isinstance(item["refs"], list) for item in items)
    off_topic = [item for item in items if not item["refs"]]
    assert (
        10 <= len(off_topic) < len(items) / 4
    )  # some questions the KB should turn away, most it should answer
    problems = ref_problems(sorted({ref for item in items for ref in item["refs"]}))
    assert not problems, "; ".join(problems)
