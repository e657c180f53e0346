"""Reading knowledge-base content: articles (Markdown with YAML front matter) and checklist items.

Kept small and dependable: the portal renders article pages from `load_articles`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ContentError(ValueError):
    """Bad knowledge-base content; the message names the file."""


@dataclass(frozen=True)
class Section:
    anchor: str  # url fragment: "podrobnee", "chto-delat", ...
    heading: str
    text: str


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    questions: tuple[str, ...]
    categories: tuple[str, ...]
    refs: tuple[str, ...]
    audience: str
    updated: dt.date | None
    body: str  # Markdown after the front matter
    short_answer: str  # the «**Коротко:**» paragraph, plain text
    sections: tuple[Section, ...]  # "## ..." sections in order
    path: Path | None = None


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    checklist_id: str
    checklist_title: str
    question: str
    ref: str
    fix: str
    article: str | None
    severity: str = ""


def content_root() -> Path:
    """The installed kb_content package directory."""
    import kb_content

    return Path(kb_content.__file__).resolve().parent


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)(.*)\Z", re.S)
_SHORT = re.compile(r"\*\*Коротко:\*\*\s*(.+?)(?:\n\s*\n|\n##|\Z)", re.S)

_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


def slugify(heading: str) -> str:
    """Stable ASCII anchor for a section heading («Что делать» → «chto-delat»)."""
    text = heading.lower().translate(_TRANSLIT)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "section"


def markdown_to_text(markdown: str) -> str:
    """Plain text for indexing and snippets: drops emphasis, links and list markers."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"^\s*#+\s*", "", text, flags=re.M)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text, flags=re.M)
    text = re.sub(r"[*_`>]+", "", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _split_sections(body: str) -> tuple[Section, ...]:
    parts = re.split(r"^##[ \t]+(.+?)[ \t]*$", body, flags=re.M)
    sections: list[Section] = []
    seen: set[str] = set()
    # parts = [preamble, heading1, text1, heading2, text2, ...]
    for heading, text in zip(parts[1::2], parts[2::2], strict=True):
        anchor = slugify(heading)
        while anchor in seen:  # duplicate headings still get distinct anchors
            anchor += "-2"
        seen.add(anchor)
        sections.append(Section(anchor=anchor, heading=heading.strip(), text=markdown_to_text(text)))
    return tuple(sections)


def _str_list(meta: dict[str, Any], field: str, path: Path, required: bool = True) -> tuple[str, ...]:
    value = meta.get(field)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ContentError(f"{path}: front matter field {field!r} must be a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())


def parse_article(text: str, path: Path) -> Article:
    """Parse one article file's text; raises ContentError naming `path` on any problem."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise ContentError(f"{path}: no YAML front matter (the file must start with '---' and close it)")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: invalid YAML front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise ContentError(f"{path}: front matter must be a mapping")
    for field in ("id", "title"):
        if not isinstance(meta.get(field), str) or not meta[field].strip():
            raise ContentError(f"{path}: front matter field {field!r} is missing or empty")
    updated = meta.get("updated")
    if isinstance(updated, str):
        try:
            updated = dt.date.fromisoformat(updated)
        except ValueError:
            raise ContentError(f"{path}: 'updated' must be a date YYYY-MM-DD, got {updated!r}") from None
    elif updated is not None and not isinstance(updated, dt.date):
        raise ContentError(f"{path}: 'updated' must be a date YYYY-MM-DD")
    body = match.group(2).strip()
    short = _SHORT.search(body)
    return Article(
        id=meta["id"].strip(),
        title=meta["title"].strip(),
        questions=_str_list(meta, "questions", path),
        categories=_str_list(meta, "categories", path, required=False),
        refs=_str_list(meta, "refs", path, required=False),
        audience=str(meta.get("audience") or "both"),
        updated=updated,
        body=body,
        short_answer=_capitalised(markdown_to_text(short.group(1))) if short else "",
        sections=_split_sections(body),
        path=path,
    )


def _capitalised(text: str) -> str:
    """«**Коротко:** при задержке…» reads as a sentence of its own once the label is gone."""
    return text[:1].upper() + text[1:]


def load_articles(root: Path | str | None = None) -> list[Article]:
    """All articles under `root` (default: kb_content/articles), sorted by id; ids must be unique.

    `root` may be the kb_content directory or its `articles` subdirectory.
    """
    directory = Path(root) if root is not None else content_root() / "articles"
    if (directory / "articles").is_dir():
        directory = directory / "articles"
    articles: dict[str, Article] = {}
    for path in sorted(directory.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        article = parse_article(path.read_text(encoding="utf-8"), path)
        if article.id in articles:
            raise ContentError(
                f"{path}: duplicate article id {article.id!r} (also {articles[article.id].path})"
            )
        articles[article.id] = article
    return sorted(articles.values(), key=lambda a: a.id)


def load_checklist_items(root: Path | str | None = None) -> list[ChecklistItem]:
    """Items of every checklist under `root` (default: kb_content/checklists), in file order."""
    directory = Path(root) if root is not None else content_root() / "checklists"
    if (directory / "checklists").is_dir():
        directory = directory / "checklists"
    items: list[ChecklistItem] = []
    for path in sorted(directory.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ContentError(f"{path}: invalid YAML: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise ContentError(f"{path}: a checklist needs 'id', 'title' and a list 'items'")
        checklist_id = str(data.get("id") or path.stem)
        title = str(data.get("title") or checklist_id)
        for number, item in enumerate(data["items"], 1):
            if not isinstance(item, dict) or not item.get("id") or not item.get("question"):
                raise ContentError(f"{path}: item {number} needs 'id' and 'question'")
            items.append(
                ChecklistItem(
                    id=str(item["id"]),
                    checklist_id=checklist_id,
                    checklist_title=title,
                    question=str(item["question"]).strip(),
                    ref=str(item.get("ref") or "").strip(),
                    fix=str(item.get("fix") or "").strip(),
                    article=str(item["article"]) if item.get("article") else None,
                    severity=str(item.get("severity") or ""),
                )
            )
    return items
