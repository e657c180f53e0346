"""Shared helpers for knowledge-base content tests (articles and self-check checklists)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
KB_DIR = REPO_ROOT / "kb_content"
ARTICLES_DIR = KB_DIR / "articles"
CHECKLISTS_DIR = KB_DIR / "checklists"
TAXONOMY_FILE = KB_DIR / "taxonomy.yaml"
LABOUR_CODE_FILE = REPO_ROOT.parent / "shared" / "data" / "tk_rf" / "tkrf_articles.jsonl"

ARTICLE_NUMBER = r"\d+(?:\.\d+)?(?:-\d+)?"  # 81, 84.1, 341.1-1
# A Labour Code reference in the canonical form used in front matter and checklists: "ТК РФ ст. 84.1".
LABOUR_CODE_REF = re.compile(rf"^ТК РФ ст\. ({ARTICLE_NUMBER})$")
# Labour Code references inside prose, in either order: "ТК РФ ст. 81" or "ч. 3 ст. 81 ТК РФ".
_PROSE_REFS = (
    re.compile(rf"ТК РФ,? ст\.\s?({ARTICLE_NUMBER})"),
    re.compile(rf"ст\.\s?({ARTICLE_NUMBER}) ТК РФ"),
)


@cache
def _labour_code() -> dict[str, bool]:
    """Article number -> repealed flag."""
    articles: dict[str, bool] = {}
    with LABOUR_CODE_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                articles[str(record["article"])] = bool(record.get("repealed"))
    return articles


def _taxonomy_codes() -> frozenset[str]:
    rows = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return frozenset(row["code"] for row in rows)


def article_files() -> list[Path]:
    return sorted(ARTICLES_DIR.glob("*.md"))


@dataclass(frozen=True)
class Article:
    path: Path
    meta: dict[str, Any]
    body: str


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a Markdown file that starts with a '---' delimited YAML block."""
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, flags=re.DOTALL)
    if match is None:
        raise ValueError("no front matter: the file must start with '---', YAML, '---'")
    meta = yaml.safe_load(match.group(1))
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a YAML mapping")
    return meta, match.group(2)


@cache
def read_article(path: Path) -> Article:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    return Article(path=path, meta=meta, body=body)


def labour_code_problems(refs: list[str], labour_code: dict[str, bool]) -> list[str]:
    """Why the given canonical refs ("ТК РФ ст. N") are wrong: malformed, missing or repealed articles."""
    problems = []
    for ref in refs:
        match = LABOUR_CODE_REF.match(ref)
        if match is None:
            problems.append(f"{ref!r} is not in the form 'ТК РФ ст. N'")
            continue
        problems.extend(_article_problems(match.group(1), ref, labour_code))
    return problems


def prose_labour_code_problems(text: str, labour_code: dict[str, bool]) -> list[str]:
    """Missing or repealed Labour Code articles cited in prose ("ст. 81 ТК РФ", "ТК РФ ст. 81")."""
    problems = []
    for pattern in _PROSE_REFS:
        for match in pattern.finditer(text):
            problems.extend(_article_problems(match.group(1), match.group(0), labour_code))
    return problems


def _article_problems(number: str, cited_as: str, labour_code: dict[str, bool]) -> list[str]:
    if number not in labour_code:
        return [f"{cited_as!r}: article {number} does not exist in the Labour Code"]
    if labour_code[number]:
        return [f"{cited_as!r}: article {number} is repealed"]
    return []


# --------------------------------------------------------------------------- hooks and fixtures
# Test modules are not a package, so they get these helpers through fixtures rather than imports.


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run tests that take `article_path` once per knowledge-base article file."""
    if "article_path" in metafunc.fixturenames:
        files = article_files()
        metafunc.parametrize("article_path", files, ids=[path.stem for path in files])


@pytest.fixture
def article(article_path: Path) -> Article:
    try:
        return read_article(article_path)
    except (ValueError, yaml.YAMLError) as exc:
        pytest.fail(f"{article_path.name}: {exc}")


@pytest.fixture(scope="session")
def articles() -> list[Article]:
    """Every article whose front matter parses (the per-file test reports the others)."""
    parsed = []
    for path in article_files():
        try:
            parsed.append(read_article(path))
        except (ValueError, yaml.YAMLError):
            continue
    return parsed


@pytest.fixture(scope="session")
def article_ids() -> frozenset[str]:
    return frozenset(path.stem for path in article_files())


@pytest.fixture(scope="session")
def taxonomy_codes() -> frozenset[str]:
    return _taxonomy_codes()


@pytest.fixture(scope="session")
def labour_code() -> dict[str, bool]:
    """The Labour Code's article numbers with their repealed flag; skips when the reference data is absent."""
    if not LABOUR_CODE_FILE.is_file():
        pytest.skip(f"Labour Code reference data not found at {LABOUR_CODE_FILE} (expected ../shared/data)")
    return _labour_code()


@pytest.fixture(scope="session")
def ref_problems(labour_code: dict[str, bool]) -> Callable[[list[str]], list[str]]:
    """Checks canonical refs ("ТК РФ ст. N") against the Labour Code; returns the problems found."""
    return lambda refs: labour_code_problems(refs, labour_code)


@pytest.fixture(scope="session")
def prose_ref_problems(labour_code: dict[str, bool]) -> Callable[[str], list[str]]:
    """Checks Labour Code citations inside prose against the Labour Code; returns the problems found."""
    return lambda text: prose_labour_code_problems(text, labour_code)
