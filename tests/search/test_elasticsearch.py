"""The Elasticsearch backend: against a real server (skipped unless ELASTICSEARCH_URL is set), and the request
shapes against a fake client."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest

needs_server = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no Elasticsearch server to test against",
)


@pytest.fixture()
def es_config(config):  # type: ignore[no-untyped-def]
    return replace(
        config,
        backend="elasticsearch",
        elasticsearch_url=os.environ["ELASTICSEARCH_URL"],
        index_name=f"trudnadzor-test-{uuid.uuid4().hex[:8]}",
    )


@pytest.fixture()
def es_backend(es_config, embedder):  # type: ignore[no-untyped-def]
    from search.service import open_backend

    backend = open_backend(es_config, embedder=embedder)
    yield backend
    backend.drop()  # type: ignore[attr-defined]
    backend.close()


@needs_server
def test_search_and_no_answer(es_backend) -> None:  # type: ignore[no-untyped-def]
    result = es_backend.search("не платят зарплату уже месяц", k=3)
    assert not result.no_answer and result.hits[0].id == "salary-delay"
    assert es_backend.search("рецепт борща").no_answer


@needs_server
def test_russian_analyzer_finds_word_forms(es_backend) -> None:  # type: ignore[no-untyped-def]
    hits = es_backend.search("отпуска", k=5, filters={"kind": "article"}).hits
    assert "annual-leave" in [h.id for h in hits]


@needs_server
def test_not_rebuilt_when_unchanged(es_config, embedder) -> None:  # type: ignore[no-untyped-def]
    from search.es_backend import ElasticsearchBackend
    from search.service import collect_documents

    backend = ElasticsearchBackend(es_config, embedder)
    documents = collect_documents(es_config)
    try:
        assert backend.ensure(documents) is True
        assert backend.ensure(documents) is False
    finally:
        backend.drop()
        backend.close()


class _FakeClient:
    """Answers the two search requests the backend makes; records them."""

    def __init__(self, source: dict) -> None:
        self.source = source
        self.requests: list[dict] = []

    def search(self, **request):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        score = 0.9 if "knn" in request else 7.5  # ES reports cosine as (1 + cos) / 2
        return {"hits": {"hits": [{"_id": self.source["id"], "_score": score, "_source": self.source}]}}

    def close(self) -> None:
        pass


# The one document the fake client returns: an article as the index stores it.
ANNUAL_LEAVE_SOURCE = {
    "id": "annual-leave",
    "unit": "annual-leave",
    "kind": "article",
    "part": "whole",
    "title": "Отпуск",
    "text": "Отпуск 28 дней.",
    "snippet_text": "Отпуск 28 дней.",
    "url": "/kb/annual-leave",
    "refs": ["ТК РФ ст. 115"],
    "categories": ["leave"],
    "audience": "worker",
    "index": "lexical",
}


def test_request_shapes_without_a_server(config, embedder) -> None:  # type: ignore[no-untyped-def]
    from search.es_backend import ElasticsearchBackend

    source = ANNUAL_LEAVE_SOURCE
    client = _FakeClient(source)
    backend = ElasticsearchBackend(replace(config, backend="elasticsearch"), embedder, client=client)
    result = backend.search("сколько дней отпуска", k=3, filters={"kind": "article", "audience": "worker"})
    assert [h.id for h in result.hits] == ["annual-leave"] and result.hits[0].refs == ("ТК РФ ст. 115",)
    lexical, dense = client.requests
    assert {"terms": {"audience": ["both", "worker"]}} in lexical["query"]["bool"]["filter"]
    assert dense["knn"]["field"] == "vector" and len(dense["knn"]["query_vector"]) == 512


def test_classifier_fused_like_the_embedded_backend(config, embedder) -> None:  # type: ignore[no-untyped-def]
    """The local classifier is trained from the documents and vectors, persisted with its content hash and
    fused with the same weights: here it lifts the answering article over the only hit ES returned."""
    from search.embedders import encode
    from search.es_backend import ElasticsearchBackend
    from search.service import collect_documents

    source = ANNUAL_LEAVE_SOURCE
    documents = collect_documents(config)
    es_config = replace(config, backend="elasticsearch")
    backend = ElasticsearchBackend(es_config, embedder, client=_FakeClient(source))
    backend._train_classifier(documents, encode(embedder, [d.text for d in documents]), "hash-1")
    hits = backend.search("зп задерживают второй месяц", k=3).hits
    assert hits[0].id == "salary-delay" and "annual-leave" in [h.id for h in hits]
    # the audience filter applies to the classifier's ranking too (every test article is for workers)
    assert (
        backend.search("зп задерживают", k=3, filters={"audience": "employer"}).hits[0].id == "annual-leave"
    )
    # the classifier on disk is reused for the same content hash only
    again = ElasticsearchBackend(es_config, embedder, client=_FakeClient(source))
    assert again._load_classifier("hash-1") and again.classifier is not None
    assert again.search("зп задерживают второй месяц", k=3).hits[0].id == "salary-delay"
    assert not ElasticsearchBackend(es_config, embedder, client=_FakeClient(source))._load_classifier("other")
