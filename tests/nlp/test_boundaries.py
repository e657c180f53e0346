"""nlp is pure text analysis: it imports none of portal, routing, search, bots."""

from __future__ import annotations

import ast
from pathlib import Path

import nlp

FORBIDDEN = {"portal", "routing", "search", "bots"}


def test_nlp_imports_no_other_layer() -> None:
    root = Path(nlp.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "data" in path.relative_to(root).parts:
            continue  # dataset-building scripts are not part of the package's code
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders
