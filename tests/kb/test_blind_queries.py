"""The search sets labelled with Labour Code articles instead of KB article ids: the blind sets (written without
seeing the knowledge base, never tuned on) and the law tuning set (written the same way from the Labour Code
text, used for error analysis). Their labels must be living articles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from search.bench import BLIND_LAW_SETS, load_law_set

DATA = Path(__file__).resolve().parents[2] / "search" / "data"


@pytest.mark.parametrize("name", [*BLIND_LAW_SETS, "law_tuning_queries.jsonl"])
def test_law_set_is_well_formed_and_cites_living_articles(
    name: str, ref_problems: Callable[[list[str]], list[str]]
) -> None:
    items = load_law_set(DATA / name)
    assert len(items) >= 150
    assert len({item["id"] for item in items}) == len(items)
    assert all(item["query"].strip() and isinstance(item["refs"], list) for item in items)
    off_topic = [item for item in items if not item["refs"]]
    assert (
        10 <= len(off_topic) < len(items) / 4
    )  # some questions the KB should turn away, most it should answer
    problems = ref_problems(sorted({ref for item in items for ref in item["refs"]}))
    assert not problems, "; ".join(problems)
