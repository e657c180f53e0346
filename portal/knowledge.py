"""The knowledge base for the portal and the bots: search answers, read articles, keep readers' feedback.

The search backend (embedded faiss + lexical index, or Elasticsearch; see search/) is opened once per
configuration and shared by all requests; searching is CPU work, so it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import threading
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from portal.container import Container
from portal.models import KbFeedback
from portal.settings import Settings
from search.backend import SearchBackend
from search.config import SearchConfig

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
ARTICLE_ID = re.compile(r"[a-z0-9-]{1,100}")

_backends: dict[SearchConfig, SearchBackend] = {}
_backends_lock = threading.Lock()


def search_config(settings: Settings) -> SearchConfig:
    return SearchConfig(
        backend=settings.search_backend,
        index_dir=settings.search_index_dir,
        elasticsearch_url=settings.elasticsearch_url,
        embedding_model=settings.embedding_model,
    )


def backend_for(config: SearchConfig) -> SearchBackend:
    """The open backend for this configuration; the first call builds the index if the content changed."""
    with _backends_lock:  # one build at a time, even when the first questions arrive together
        backend = _backends.get(config)
        if backend is None:
            from search.service import open_backend

            backend = open_backend(config)
            _backends[config] = backend
        return backend


def close_backends() -> None:
    with _backends_lock:
        for backend in _backends.values():
            backend.close()
        _backends.clear()


def search_sync(settings: Settings, query: str, k: int = 5) -> dict[str, Any]:
    """{"hits": [{id, title, score, refs, snippet, url}], "no_answer": bool}; an empty question finds none."""
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    if not query:
        return {"hits": [], "no_answer": True}
    result = backend_for(search_config(settings)).search(query, k=k)
    return result.to_json()


async def search_kb(container: Container, query: str, k: int = 5) -> dict[str, Any]:
    return await asyncio.to_thread(search_sync, container.settings, query, k)


async def warm_up(settings: Settings) -> None:
    """Open (and if needed build) the index in the background so the first reader does not wait."""
    try:
        await asyncio.to_thread(backend_for, search_config(settings))
    except Exception:  # the search pages report the failure to their readers; the portal keeps running
        log.exception("knowledge-base index could not be opened")


@lru_cache(maxsize=1)
def _articles() -> dict[str, Any]:
    from search.content import load_articles

    return {article.id: article for article in load_articles()}


def article_ids() -> set[str]:
    return set(_articles())


def get_article(article_id: str) -> dict[str, Any] | None:
    """{id, title, refs, short_answer, categories, updated, sections: [{anchor, heading, html}]} or None."""
    if not ARTICLE_ID.fullmatch(article_id or ""):
        return None
    article = _articles().get(article_id)
    if article is None:
        return None
    return {
        "id": article.id,
        "title": article.title,
        "refs": list(article.refs),
        "short_answer": article.short_answer,
        "updated": article.updated,
        "categories": list(article.categories),
        "sections": _sections(article.body),
    }


async def record_feedback(session: AsyncSession, article_id: str, helpful: bool, query: str = "") -> None:
    """«Помогло / не помогло» on an article; stored without anything about the reader."""
    if article_id not in _articles():
        raise KeyError(article_id)
    session.add(KbFeedback(article_id=article_id, helpful=helpful, query=(query or "").strip()[:500] or None))


def _sections(body: str) -> list[dict[str, Any]]:
    """The body's "## " sections rendered; the text before the first heading is the lead section."""
    from search.content import slugify

    sections: list[dict[str, Any]] = []
    for index, chunk in enumerate(re.split(r"(?m)^## ", body)):
        if not chunk.strip():
            continue
        heading, _, text = chunk.partition("\n") if index else ("", "", chunk)
        sections.append(
            {
                "anchor": slugify(heading) if heading else "",
                "heading": heading.strip(),
                "html": render_markdown(text),
            }
        )
    return sections


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\[([^\]]+)\]\((/[^)\s]*|https?://[^)\s]+)\)", r'<a href="\2">\1</a>', text)


def render_markdown(text: str) -> Markup:
    """The small Markdown subset of the articles (paragraphs, lists, bold, links); everything else escaped."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = "ul"

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()

    for line in text.splitlines():
        stripped = line.strip()
        bullet = re.match(r"^([-*]|\d+\.)\s+(.*)$", stripped)
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            out.append(f"<h3>{_inline(stripped.lstrip('#').strip())}</h3>")
        elif bullet:
            if paragraph:
                out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            list_tag = "ol" if bullet.group(1)[0].isdigit() else "ul"
            items.append(bullet.group(2))
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + stripped  # a continued list item
        else:
            if items:
                flush()
            paragraph.append(stripped)
    flush()
    return Markup("".join(out))  # noqa: S704 - built from escaped text only
