"""The knowledge-base service the portal and the bots share: real search index, articles, feedback."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import knowledge
from portal.container import Container
from portal.models import KbFeedback


async def test_search_finds_the_article_answering_a_plain_question(container: Container) -> None:
    result = await knowledge.search_kb(container, "сколько дней отпуска положено в год", k=3)
    assert not result["no_answer"]
    top = result["hits"][0]
    assert top["url"] == f"/kb/{top['id']}" and "отпуск" in top["title"].lower()
    assert any("ТК РФ" in ref for ref in top["refs"])


async def test_empty_and_nonsense_questions_get_no_answer(container: Container) -> None:
    assert await knowledge.search_kb(container, "   ") == {"hits": [], "no_answer": True}
    assert (await knowledge.search_kb(container, "кукуруза абракадабра квазар"))["no_answer"]


async def test_the_index_is_opened_once_per_configuration(container: Container) -> None:
    config = knowledge.search_config(container.settings)
    assert knowledge.backend_for(config) is knowledge.backend_for(config)


def test_article_lookup_renders_sections_and_rejects_bad_ids() -> None:
    some_id = sorted(knowledge.article_ids())[0]
    article = knowledge.get_article(some_id)
    assert article is not None and article["title"] and article["sections"]
    assert all("<script" not in str(section["html"]) for section in article["sections"])
    for bad in ("", "../etc/passwd", "NO-SUCH", "a" * 101, "no-such-article"):
        assert knowledge.get_article(bad) is None


def test_markdown_escapes_html_and_keeps_only_local_or_http_links() -> None:
    rendered = str(
        knowledge.render_markdown("**Важно** <b>x</b> [ТК](/kb/a) [зло](javascript:alert(1))\n\n- пункт")
    )
    assert "<strong>Важно</strong>" in rendered and "&lt;b&gt;" in rendered
    assert '<a href="/kb/a">ТК</a>' in rendered and "javascript:" not in rendered.split("[зло]")[0]
    assert 'href="javascript' not in rendered and "<ul><li>пункт</li></ul>" in rendered


async def test_feedback_is_stored_without_reader_data(container: Container) -> None:
    some_id = sorted(knowledge.article_ids())[0]
    async with container.sessions.begin() as session:
        await knowledge.record_feedback(session, some_id, helpful=False, query="  а если не платят? ")
    async with container.sessions() as session:
        rows = (await session.scalars(sa.select(KbFeedback))).all()
    assert [(r.article_id, r.helpful, r.query) for r in rows] == [(some_id, False, "а если не платят?")]


async def test_feedback_on_an_unknown_article_is_refused(container: Container) -> None:
    async with container.sessions() as session:
        with pytest.raises(KeyError):
            await knowledge.record_feedback(session, "no-such-article", helpful=True)
