"""The embedded backend on a handful of fixture articles: search, sections, persistence, no-answer."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from search.backend import SearchBackend
from search.embedded import EmbeddedBackend, content_hash
from search.service import build_index, collect_documents, open_backend


@pytest.fixture(scope="module")
def backend(tmp_path_factory, models_dir, embedder):  # type: ignore[no-untyped-def]
    # one index for the read-only tests of this module: building it is the slow part
    from search.config import SearchConfig

    from .conftest import write_kb

    root = tmp_path_factory.mktemp("embedded")
    config = SearchConfig(index_dir=root / "index", content_dir=write_kb(root / "kb"), models_dir=models_dir)
    backend = open_backend(config, embedder=embedder)
    yield backend
    backend.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("мне не дают отпуска", "annual-leave"),
        ("хочу уволиться сам, сколько надо отработать", "dismissal-own-wish"),
        ("зарплату не платят уже месяц", "salary-delay"),
        ("сверхурочная работа без доплаты", "overtime-limits"),
        ("испытательный срок 6 месяцев это законно", "probation-period"),
    ],
)
def test_finds_the_answering_article(backend: EmbeddedBackend, query: str, expected: str) -> None:
    result = backend.search(query, k=3)
    assert not result.no_answer
    assert result.hits[0].id == expected


def test_hit_shape(backend: EmbeddedBackend) -> None:
    hit = backend.search("задержали зарплату, положена ли компенсация", k=5).hits[0]
    assert hit.id == "salary-delay"
    assert hit.url.startswith("/kb/salary-delay")
    assert "ТК РФ ст. 236" in hit.refs
    assert 0 < len(hit.snippet) <= 300 and "**" not in hit.snippet
    assert set(hit.to_json()) == {"id", "title", "score", "refs", "snippet", "url"}


def test_section_hit_returns_article_with_anchor(backend: EmbeddedBackend) -> None:
    hits = backend.search("можно ли приостановить работу при задержке зарплаты больше 15 дней", k=3).hits
    assert hits[0].id == "salary-delay"
    assert hits[0].url == "/kb/salary-delay#podrobnee"
    assert "приостановить" in hits[0].snippet


def test_checklist_items_are_indexed(backend: EmbeddedBackend) -> None:
    hits = backend.search("проверка отпуск 28 календарных дней", k=5, filters={"kind": "checklist"}).hits
    assert [h.id for h in hits] == ["leave#leave-28-days"]
    assert hits[0].url == "/self-check/leave#leave-28-days"


def test_filters_limit_kinds(backend: EmbeddedBackend) -> None:
    hits = backend.search("отпуск 28 дней", k=10, filters={"kind": ["article"]}).hits
    assert hits and all(not h.id.startswith("leave#") for h in hits)


@pytest.mark.parametrize("query", ["рецепт борща", "как поменять паспорт", "какая погода завтра в Москве"])
def test_out_of_domain_gives_no_answer(backend: EmbeddedBackend, query: str) -> None:
    result = backend.search(query)
    assert result.no_answer and result.hits == []
    assert result.to_json() == {"hits": [], "no_answer": True}


def test_implements_the_protocol(backend: EmbeddedBackend) -> None:
    assert isinstance(backend, SearchBackend)


def _manifest(config) -> dict:  # type: ignore[no-untyped-def]
    return json.loads((Path(config.index_dir) / "kb" / "manifest.json").read_text())


def test_persisted_and_not_rebuilt_when_unchanged(config, embedder) -> None:  # type: ignore[no-untyped-def]
    first = build_index(config, embedder=embedder)
    assert first.rebuilt and first.units == 6  # 5 articles + 1 checklist item
    built_at = (
        _manifest(config)["built_at"],
        (Path(config.index_dir) / "kb" / "vectors.faiss").stat().st_mtime_ns,
    )
    second = build_index(config, embedder=embedder)
    assert not second.rebuilt
    assert (
        _manifest(config)["built_at"],
        (Path(config.index_dir) / "kb" / "vectors.faiss").stat().st_mtime_ns,
    ) == built_at
    # a loaded index answers like the one just built
    backend = open_backend(config, embedder=embedder)
    assert backend.search("не дают отпуска").hits[0].id == "annual-leave"


def test_rebuilt_when_content_changes(config, embedder, kb_dir: Path) -> None:  # type: ignore[no-untyped-def]
    build_index(config, embedder=embedder)
    old_hash = _manifest(config)["content_hash"]
    path = kb_dir / "articles" / "annual-leave.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("28 календарных", "28 (двадцать восемь) календарных"),
        encoding="utf-8",
    )
    report = build_index(config, embedder=embedder)
    assert report.rebuilt and _manifest(config)["content_hash"] != old_hash


def test_hash_depends_on_the_model(config) -> None:  # type: ignore[no-untyped-def]
    documents = collect_documents(config)
    assert content_hash(documents, "") == content_hash(documents, "use-multilingual-v3")
    assert content_hash(documents, "") != content_hash(documents, "navec-mean")
    assert content_hash(documents, "") != content_hash(documents[1:], "")


def test_law_corpus_is_indexed(config, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    law = tmp_path / "law.jsonl"
    law.write_text(
        json.dumps(
            {
                "article": "127",
                "title": "Реализация права на отпуск при увольнении работника",
                "text": "При увольнении работнику выплачивается денежная компенсация за все неиспользованные "
                "отпуска.",
                "repealed": False,
            },
            ensure_ascii=False,
        )
        + "\n"
        + json.dumps({"article": "128.1", "title": "Утратила силу", "text": "", "repealed": True})
        + "\n",
        encoding="utf-8",
    )
    backend = open_backend(replace(config, law_file=law), embedder=embedder)
    hits = backend.search(
        "компенсация за неиспользованный отпуск при увольнении", k=5, filters={"kind": "law"}
    ).hits
    assert [h.id for h in hits] == ["tk-127"]
    assert hits[0].refs == ("ТК РФ ст. 127",) and hits[0].url == "/law/tk-rf/127"


def test_classifier_is_built_and_persisted(backend: EmbeddedBackend) -> None:
    assert backend.classifier is not None
    assert set(backend.classifier.units) == {
        "annual-leave",
        "dismissal-own-wish",
        "salary-delay",
        "overtime-limits",
        "probation-period",
    }
    assert (backend.directory / "classifier.npz").exists()
    reloaded = EmbeddedBackend(backend.directory, backend.embedder, backend.embedding_model)
    reloaded.load()
    assert reloaded.classifier is not None and reloaded.classifier.units == backend.classifier.units
    assert [h.id for h in reloaded.search("зп задерживают", k=1).hits] == ["salary-delay"]
    filtered = reloaded.search("не дают отпуск", k=5, filters={"kind": "checklist"})
    assert all(h.kind == "checklist" for h in filtered.hits)


def test_nearest_documents_match_the_faiss_index(backend: EmbeddedBackend) -> None:
    """The dense side scans the stored vectors with numpy; it must agree with the persisted faiss index."""
    assert backend.vectors is not None
    vector = backend._query_vector("задерживают зарплату")
    limit = 7
    scores, positions = backend._nearest(vector[0], limit)
    faiss_scores, faiss_positions = backend.vectors.search(vector, limit)
    assert positions.tolist() == faiss_positions[0].tolist()
    assert scores == pytest.approx(faiss_scores[0], abs=1e-5)
    everything, _ = backend._nearest(vector[0], 10_000)  # more than there are: all, best first
    assert len(everything) == backend.vectors.ntotal and list(everything) == sorted(everything, reverse=True)
