"""No module of the project binds the same top-level name twice: a second `_OUT_OF_RE` in nlp/facts.py once
silently replaced the amounts' pattern of that name and lost two dev amounts, and no linter says so (ruff's F811
covers imports and functions only)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(
    p for package in ("portal", "nlp", "routing", "search", "bots") for p in (ROOT / package).rglob("*.py")
)


def _top_level_names(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_top_level_name_is_bound_once(path: Path) -> None:
    counts = Counter(_top_level_names(ast.parse(path.read_text(encoding="utf-8"))))
    assert [name for name, n in counts.items() if n > 1] == []


def test_a_second_binding_is_found() -> None:
    tree = ast.parse("A = 1\ndef f(): pass\nA = 2\n")
    assert Counter(_top_level_names(tree))["A"] == 2
