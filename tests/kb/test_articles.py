"""Knowledge-base articles (kb_content/articles/*.md): front matter, structure, legal references, coverage.

Fixtures (`article`, `articles`, `taxonomy_codes`, `ref_problems`, ...) come from tests/kb/conftest.py;
tests taking `article` run once per article file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from search.text import cyrillic

if TYPE_CHECKING:  # the fixture's type; conftest is not imported at run time
    from conftest import Article

REQUIRED_FIELDS = ("id", "title", "questions", "categories", "refs", "audience", "updated")
AUDIENCES = {"worker", "employer", "both"}
MIN_ARTICLES = 150
MIN_QUESTIONS = 3
SECTIONS = ("**Коротко:**", "## Подробнее", "## Что делать")  # in this order


def test_enough_articles(article_ids: frozenset[str]) -> None:
    assert len(article_ids) >= MIN_ARTICLES, f"only {len(article_ids)} articles, need {MIN_ARTICLES}"


def test_front_matter(article: Article, article_path: Path, taxonomy_codes: frozenset[str]) -> None:
    meta = article.meta
    missing = [field for field in REQUIRED_FIELDS if field not in meta]
    assert not missing, f"missing front matter fields: {missing}"
    assert meta["id"] == article_path.stem, "id must equal the file name"
    assert isinstance(meta["title"], str) and meta["title"].strip()

    questions = meta["questions"]
    assert isinstance(questions, list) and all(isinstance(q, str) and q.strip() for q in questions)
    assert len(set(questions)) >= MIN_QUESTIONS, f"need at least {MIN_QUESTIONS} distinct questions"

    categories = meta["categories"]
    assert isinstance(categories, list) and categories, "categories must be a non-empty list"
    unknown = sorted(set(map(str, categories)) - taxonomy_codes)
    assert not unknown, f"categories not in kb_content/taxonomy.yaml: {unknown}"

    assert isinstance(meta["refs"], list) and all(isinstance(ref, str) for ref in meta["refs"])
    assert meta["audience"] in AUDIENCES, f"audience {meta['audience']!r} not in {sorted(AUDIENCES)}"
    updated = meta["updated"]
    assert isinstance(updated, dt.date), "updated must be a date (YYYY-MM-DD)"
    assert updated <= dt.date.today(), "updated is in the future"


def test_questions_are_written_in_cyrillic(article: Article) -> None:
    """Search reads a question typed in Latin letters in Cyrillic before anything sees it, so a Latin question
    in an article only adds a document no query can match, which nonsense queries land near."""
    latin = [q for q in article.meta["questions"] if cyrillic(str(q)) != str(q)]
    assert not latin, f"questions in Latin letters: {latin}"


def test_body_sections(article: Article) -> None:
    positions = [article.body.find(marker) for marker in SECTIONS]
    missing = [marker for marker, position in zip(SECTIONS, positions, strict=True) if position < 0]
    assert not missing, f"body lacks {missing}"
    assert positions == sorted(positions), f"sections must come in the order {SECTIONS}"
    for heading in SECTIONS[1:]:
        section = article.body.split(heading, 1)[1].split("\n## ", 1)[0]
        assert section.strip(), f"section {heading!r} is empty"


def test_labour_code_refs_exist_and_are_in_force(
    article: Article,
    ref_problems: Callable[[list[str]], list[str]],
    prose_ref_problems: Callable[[str], list[str]],
) -> None:
    labour_code_refs = [ref for ref in article.meta.get("refs") or [] if "ТК" in str(ref)]
    problems = ref_problems([str(ref) for ref in labour_code_refs]) + prose_ref_problems(article.body)
    assert not problems, "; ".join(problems)


def test_every_taxonomy_category_is_covered(articles: list[Article], taxonomy_codes: frozenset[str]) -> None:
    covered = {str(code) for a in articles for code in a.meta.get("categories") or []}
    assert not sorted(taxonomy_codes - covered), (
        f"no article for categories {sorted(taxonomy_codes - covered)}"
    )


def test_titles_are_unique(articles: list[Article]) -> None:
    titles = Counter(str(a.meta.get("title", "")).strip().casefold() for a in articles)
    duplicates = sorted(title for title, count in titles.items() if count > 1)
    assert not duplicates, f"duplicate titles: {duplicates}"
