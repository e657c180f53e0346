"""What the KB index holds: documents cut from articles, checklist items and (optionally) the Labour Code.

A *document* is the unit that is indexed; a *unit* is what a hit returns (an article, a checklist item, a law
article). One article yields several documents (its whole text, title, short answer, passages) so that a query
matching one section returns the article with that section's snippet and anchor.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from search.content import Article, ChecklistItem, markdown_to_text


class LawFileError(ValueError):
    """A bad line in a law corpus file; the message names the file and line."""


@dataclass(frozen=True)
class Document:
    id: str  # unique per document
    unit: str  # id returned in hits: article id, "<checklist>#<item>", "tk-<article>"
    kind: str  # "article" | "checklist" | "law"
    part: str  # "whole" | "section" | "question" | "item" | "law"
    title: str
    text: str  # indexed text
    snippet_text: str  # where the snippet is taken from
    url: str
    refs: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    audience: str = "both"
    index: str = "both"  # "both" | "lexical" | "dense": which index holds it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> Document:
        data = dict(data)
        data["refs"] = tuple(data.get("refs") or ())
        data["categories"] = tuple(data.get("categories") or ())
        return Document(**data)


@dataclass(frozen=True)
class LawArticle:
    article: str
    title: str
    text: str
    chapter: str = ""
    repealed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def passages(text: str, limit: int = 320) -> list[str]:
    """Consecutive sentences packed into passages of at most `limit` characters (short texts embed better)."""
    from search.text import sentences

    chunks: list[str] = []
    for sentence in sentences(text):
        if chunks and len(chunks[-1]) + 1 + len(sentence) <= limit:
            chunks[-1] += " " + sentence
        else:
            chunks.append(sentence)
    return chunks


def article_documents(article: Article, with_questions: bool = True) -> list[Document]:
    """Documents of one article.

    Lexical side: the whole article (title, questions, body) as one document, so BM25 compares articles
    with each other. Dense side: the title, each front-matter question, the short answer and passages of each
    section (short texts embed better; a passage hit gives the section's anchor and snippet). On the dev set,
    the dense question documents raised hit@1 from 0.48 to 0.56 and cut false no-answers from 24 to 6.
    `with_questions=False` leaves out the front-matter questions (to evaluate on them without leakage).
    """
    url = f"/kb/{article.id}"
    common: dict[str, Any] = {
        "unit": article.id,
        "kind": "article",
        "title": article.title,
        "refs": article.refs,
        "categories": article.categories,
        "audience": article.audience,
    }
    overview = article.short_answer or (article.sections[0].text if article.sections else "")
    questions = article.questions if with_questions else ()
    whole = " ".join([article.title, *questions, markdown_to_text(article.body)])
    docs = [
        Document(
            id=article.id,
            part="whole",
            text=whole,
            index="lexical",
            url=url,
            snippet_text=overview + "\n" + "\n".join(s.text for s in article.sections),
            **common,
        ),
        Document(
            id=f"{article.id}#title",
            part="title",
            text=article.title,
            index="dense",
            url=url,
            snippet_text=overview,
            **common,
        ),
    ]
    if article.short_answer:
        docs.append(
            Document(
                id=f"{article.id}#short",
                part="short",
                text=f"{article.title}. {article.short_answer}",
                snippet_text=article.short_answer,
                url=url,
                index="dense",
                **common,
            )
        )
    for number, question in enumerate(dict.fromkeys(questions)):
        docs.append(
            Document(
                id=f"{article.id}?q{number}",
                part="question",
                text=question,
                index="dense",
                url=url,
                snippet_text=overview,
                **common,
            )
        )
    for section in article.sections:
        for number, passage in enumerate(passages(section.text)):
            docs.append(
                Document(
                    id=f"{article.id}#{section.anchor}/{number}",
                    part="passage",
                    url=f"{url}#{section.anchor}",
                    index="dense",
                    text=f"{article.title}. {passage}",
                    snippet_text=passage,
                    **common,
                )
            )
    return docs


def checklist_documents(item: ChecklistItem) -> list[Document]:
    unit = f"{item.checklist_id}#{item.id}"
    return [
        Document(
            id=f"checklist:{unit}",
            unit=unit,
            kind="checklist",
            part="item",
            title=item.question,
            text=f"{item.checklist_title}. {item.question} {item.fix}",
            snippet_text=item.fix or item.question,
            url=f"/self-check/{item.checklist_id}#{item.id}",
            refs=(item.ref,) if item.ref else (),
            audience="employer",
        )
    ]


def law_documents(law: LawArticle) -> list[Document]:
    ref = f"ТК РФ ст. {law.article}"
    title = f"Статья {law.article}. {law.title}".strip()
    return [
        Document(
            id=f"law:tk-{law.article}",
            unit=f"tk-{law.article}",
            kind="law",
            part="law",
            title=title,
            text=f"{title}. {law.text}",
            snippet_text=law.text,
            url=f"/law/tk-rf/{law.article}",
            refs=(ref,),
        )
    ]


def read_law_file(path: Path) -> list[LawArticle]:
    """Parse a tkrf_articles.jsonl-format file, line by line; repealed articles are skipped."""
    laws: list[LawArticle] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LawFileError(f"{where}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise LawFileError(f"{where}: expected a JSON object")
            for key in ("article", "title", "text"):
                if not isinstance(record.get(key), str | int | float) or not str(record.get(key)).strip():
                    if key == "text" and record.get("repealed"):
                        continue
                    raise LawFileError(f"{where}: field {key!r} is missing or empty")
            repealed = record.get("repealed", False)
            if not isinstance(repealed, bool):
                raise LawFileError(f"{where}: 'repealed' must be true or false")
            article = str(record["article"]).strip()
            if article in seen:
                raise LawFileError(f"{where}: duplicate article {article!r}")
            seen.add(article)
            if repealed:
                continue
            laws.append(
                LawArticle(
                    article=article,
                    title=str(record["title"]).strip(),
                    text=str(record["text"]).strip(),
                    chapter=str(record.get("chapter") or ""),
                    repealed=False,
                )
            )
    if not laws:
        raise LawFileError(f"{path}: no articles in force")
    return laws
