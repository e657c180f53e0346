"""Article and checklist parsing, with errors that name the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from search.content import ContentError, load_articles, load_checklist_items, parse_article, slugify

from .conftest import write_kb


def test_load_articles_fields(kb_dir: Path) -> None:
    articles = {a.id: a for a in load_articles(kb_dir)}
    assert len(articles) == 5
    leave = articles["annual-leave"]
    assert leave.title.startswith("Ежегодный")
    assert len(leave.questions) == 3
    assert leave.refs == ("ТК РФ ст. 114", "ТК РФ ст. 115")
    assert leave.categories == ("leave",)
    assert leave.updated == dt.date(2026, 11, 20)
    assert leave.short_answer.startswith("Каждому работнику положен")  # a sentence without its label
    assert "**" not in leave.short_answer
    assert [(s.anchor, s.heading) for s in leave.sections] == [
        ("podrobnee", "Подробнее"),
        ("chto-delat", "Что делать"),
    ]
    assert "Напишите заявление" in leave.sections[1].text


def test_load_articles_from_articles_dir_too(kb_dir: Path) -> None:
    assert [a.id for a in load_articles(kb_dir / "articles")] == [a.id for a in load_articles(kb_dir)]


def test_real_kb_content_parses() -> None:
    articles = load_articles()
    assert articles, "kb_content/articles is empty"
    assert all(a.title and a.questions for a in articles)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter here", "no YAML front matter"),
        ("---\nid: [unclosed\n---\nbody", "invalid YAML"),
        ("---\n- a list\n---\nbody", "must be a mapping"),
        ("---\ntitle: T\nquestions: [a]\n---\nbody", "'id'"),
        ("---\nid: x\ntitle: T\nquestions: one string\n---\nbody", "'questions'"),
        ("---\nid: x\ntitle: T\nquestions: [a]\nupdated: yesterday\n---\nbody", "'updated'"),
    ],
)
def test_bad_front_matter_names_the_file(text: str, message: str) -> None:
    path = Path("kb/articles/broken.md")
    with pytest.raises(ContentError, match=message) as error:
        parse_article(text, path)
    assert str(path) in str(error.value)


def test_duplicate_ids_are_rejected(kb_dir: Path) -> None:
    source = (kb_dir / "articles" / "annual-leave.md").read_text(encoding="utf-8")
    (kb_dir / "articles" / "copy.md").write_text(source, encoding="utf-8")
    with pytest.raises(ContentError, match="duplicate article id 'annual-leave'"):
        load_articles(kb_dir)


def test_checklist_items(kb_dir: Path) -> None:
    items = load_checklist_items(kb_dir)
    assert len(items) == 1
    item = items[0]
    assert (item.id, item.checklist_id, item.checklist_title) == ("leave-28-days", "leave", "Отпуска")
    assert item.ref == "ТК РФ ст. 115" and item.article == "annual-leave" and item.fix


def test_bad_checklist_names_the_file(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb")
    (root / "checklists" / "bad.yaml").write_text(
        "id: bad\nitems:\n  - question: without id\n", encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"bad\.yaml: item 1 needs 'id'"):
        load_checklist_items(root)


def test_slugify() -> None:
    assert slugify("Что делать") == "chto-delat"
    assert slugify("Подробнее") == "podrobnee"
