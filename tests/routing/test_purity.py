"""routing/ stays pure: it never imports the portal, NLP, search or bots packages."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.escalation import CaseDeadlines, plan_actions

FORBIDDEN = {"portal", "nlp", "search", "bots", "sqlalchemy", "litestar"}
ROUTING = Path(__file__).resolve().parents[2] / "routing"


def test_no_forbidden_imports() -> None:
    for path in ROUTING.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            assert not {n.split(".")[0] for n in names} & FORBIDDEN, (path.name, names)


@settings(max_examples=100, deadline=None)
@given(
    due=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
    offset=st.integers(min_value=-15, max_value=15),
)
def test_escalation_is_idempotent(due: date, offset: int) -> None:
    case = CaseDeadlines(1, {"answer_due": due, "interim_answer_due": due - timedelta(days=20)})
    today = due + timedelta(days=offset)
    first = plan_actions([case], today)
    assert plan_actions([case], today, already_done={a.key for a in first}) == []
    assert len({a.key for a in first}) == len(first)
