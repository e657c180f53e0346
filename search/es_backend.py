"""Elasticsearch backend (ES 8/9 REST API via the official client): `russian` analyzer + `dense_vector`.

BM25 and kNN are run as two requests and fused client-side with the same RRF as the embedded backend, so it
works on any licence (server-side RRF needs a paid one). The index is versioned by content hash: a new
physical index `<name>-<hash>` is filled and the alias `<name>` is switched to it atomically.

The article classifier (search/classifier.py) is trained when the index is built, from the same documents and
vectors, and kept on local disk under `index_dir/es/<name>` with the content hash it was trained for (it is
plain arrays, not something to store in the cluster). Queries get the same colloquial expansion for BM25 and
the classifier and are fused with the same weights as in the embedded backend, so both backends rank alike;
only the character n-gram ranking is embedded-only.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from search.backend import (
    Filters,
    SearchResult,
    assemble,
    filter_values,
    matches,
)
from search.classifier import ArticleClassifier, classified_ranking, unit_documents
from search.config import SearchConfig
from search.documents import Document
from search.embedded import EXPAND_QUERIES, NO_ANSWER_THRESHOLDS, content_hash, reference_questions
from search.embedders import dimension, encode
from search.text import cyrillic, expand

CANDIDATES = 100
_FIELDS = (
    "id",
    "unit",
    "kind",
    "part",
    "title",
    "text",
    "snippet_text",
    "url",
    "refs",
    "categories",
    "audience",
    "index",
)


class ElasticsearchBackend:
    def __init__(self, config: SearchConfig, embedder: Any, client: Any | None = None) -> None:
        if client is None:
            from elasticsearch import Elasticsearch

            if not config.elasticsearch_url:
                raise ValueError("elasticsearch backend needs elasticsearch_url (ELASTICSEARCH_URL)")
            client = Elasticsearch(config.elasticsearch_url, request_timeout=30)
        self.client = client
        self.alias = config.index_name
        self.embedder = embedder
        self.embedding_model = config.embedding_model
        self.no_answer_threshold = (
            config.no_answer_threshold
            if config.no_answer_threshold is not None
            else NO_ANSWER_THRESHOLDS.get(config.embedding_model or "use-multilingual-v3", 0.0)
        )
        self.reference = encode(embedder, reference_questions())
        self.local_dir = Path(config.index_dir) / "es" / self.alias
        self.classifier: ArticleClassifier | None = None
        self._unit_documents: dict[str, Document] = {}

    def _body(self, documents_hash: str) -> dict[str, Any]:
        keyword = {"type": "keyword"}
        return {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {
                "_meta": {"content_hash": documents_hash, "embedding_model": self.embedding_model},
                "properties": {
                    "id": keyword,
                    "unit": keyword,
                    "kind": keyword,
                    "part": keyword,
                    "url": keyword,
                    "refs": keyword,
                    "categories": keyword,
                    "audience": keyword,
                    "index": keyword,
                    "title": {"type": "text", "analyzer": "russian"},
                    "text": {"type": "text", "analyzer": "russian"},
                    "snippet_text": {"type": "text", "index": False},
                    "vector": {
                        "type": "dense_vector",
                        "dims": dimension(self.embedder),
                        "index": True,
                        "similarity": "cosine",
                    },
                },
            },
        }

    def stored_hash(self) -> str | None:
        if not self.client.indices.exists_alias(name=self.alias):
            return None
        mapping = self.client.indices.get_mapping(index=self.alias)
        for body in dict(mapping).values():
            return str(body["mappings"].get("_meta", {}).get("content_hash") or "") or None
        return None

    def ensure(self, documents: Sequence[Document]) -> bool:
        """Keep the cluster's index if built from these documents and model, else rebuild; True if rebuilt.
        The local classifier is loaded, or retrained when missing or stale (another host built the index)."""
        digest = content_hash(documents, self.embedding_model)
        if self.stored_hash() == digest:
            if not self._load_classifier(digest):
                documents = list(documents)
                self._train_classifier(documents, encode(self.embedder, [d.text for d in documents]), digest)
            return False
        self.index(documents)
        return True

    # ---- the classifier, on local disk ----
    def _train_classifier(self, documents: list[Document], vectors: np.ndarray, digest: str) -> None:
        """Train on the article documents (`vectors[i]` is the vector of `documents[i]`) and save it."""
        classifier = ArticleClassifier.train(documents, vectors)
        unit_docs = unit_documents(documents)
        tmp = self.local_dir.with_name(self.local_dir.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if classifier is not None:
            classifier.save(tmp)
        with (tmp / "units.jsonl").open("w", encoding="utf-8") as f:
            for doc in unit_docs.values():
                f.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
        (tmp / "manifest.json").write_text(json.dumps({"content_hash": digest}))
        shutil.rmtree(self.local_dir, ignore_errors=True)
        tmp.rename(self.local_dir)
        self.classifier, self._unit_documents = classifier, unit_docs

    def _load_classifier(self, digest: str) -> bool:
        """Load the local classifier if it was trained for `digest`; False when it must be retrained."""
        try:
            manifest = json.loads((self.local_dir / "manifest.json").read_text())
            if manifest.get("content_hash") != digest:
                return False
            with (self.local_dir / "units.jsonl").open(encoding="utf-8") as f:
                docs = [Document.from_json(json.loads(line)) for line in f if line.strip()]
        except (OSError, ValueError, KeyError):
            return False
        self.classifier = ArticleClassifier.load(self.local_dir)
        self._unit_documents = {doc.unit: doc for doc in docs}
        return True

    def index(self, documents: Sequence[Document]) -> None:
        from elasticsearch import helpers

        documents = list(documents)
        digest = content_hash(documents, self.embedding_model)
        physical = f"{self.alias}-{digest[:12]}"
        if self.client.indices.exists(index=physical):
            self.client.indices.delete(index=physical)
        self.client.indices.create(index=physical, **self._body(digest))
        vectors = encode(self.embedder, [d.text for d in documents])

        def actions() -> Any:
            for doc, vector in zip(documents, vectors, strict=True):
                source = {key: getattr(doc, key) for key in _FIELDS}
                source["refs"], source["categories"] = list(doc.refs), list(doc.categories)
                if doc.index != "lexical":
                    source["vector"] = vector.tolist()
                yield {"_index": physical, "_id": doc.id, "_source": source}

        helpers.bulk(self.client, actions(), chunk_size=500)
        self._train_classifier(documents, vectors, digest)
        self.client.indices.refresh(index=physical)
        old = (
            list(dict(self.client.indices.get_alias(name=self.alias)))
            if self.client.indices.exists_alias(name=self.alias)
            else []
        )
        steps: list[dict[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        steps.append({"add": {"index": physical, "alias": self.alias}})
        self.client.indices.update_aliases(actions=steps)
        for name in old:
            if name != physical:
                self.client.indices.delete(index=name)

    @staticmethod
    def _filters(filters: Filters | None) -> list[dict[str, Any]]:
        clauses: list[dict[str, Any]] = []
        kinds = filter_values(filters, "kind")
        audiences = filter_values(filters, "audience")
        categories = filter_values(filters, "category")
        if kinds:
            clauses.append({"terms": {"kind": sorted(kinds)}})
        if audiences:
            clauses.append({"terms": {"audience": sorted(audiences | {"both"})}})
        if categories:
            clauses.append({"terms": {"categories": sorted(categories)}})
        return clauses

    @staticmethod
    def _document(hit: dict[str, Any]) -> Document:
        source = {key: hit["_source"].get(key) for key in _FIELDS}
        return Document.from_json(source)

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> SearchResult:
        query = cyrillic(" ".join(query.split()))
        if not query:
            return SearchResult(hits=[], no_answer=True)
        clauses = self._filters(filters)
        # BM25 and the classifier see colloquial words with their formal wording appended, as in the embedded
        # backend; kNN sees the query as is
        expanded = expand(query) if EXPAND_QUERIES else query
        lexical_response = self.client.search(
            index=self.alias,
            size=CANDIDATES,
            source_excludes=["vector"],
            query={
                "bool": {
                    "must": {"multi_match": {"query": expanded, "fields": ["title^2", "text"]}},
                    "filter": [*clauses, {"terms": {"index": ["both", "lexical"]}}],
                }
            },
        )
        vector = encode(self.embedder, [query])[0]
        dense_response = self.client.search(
            index=self.alias,
            size=CANDIDATES,
            source_excludes=["vector"],
            knn={
                "field": "vector",
                "query_vector": vector.tolist(),
                "k": CANDIDATES,
                "num_candidates": 4 * CANDIDATES,
                "filter": clauses,
            },
        )
        lexical = [(self._document(h), float(h["_score"])) for h in lexical_response["hits"]["hits"]]
        # ES reports cosine similarity as (1 + cos) / 2
        dense = [(self._document(h), 2.0 * float(h["_score"]) - 1.0) for h in dense_response["hits"]["hits"]]
        reference_best = float((self.reference @ vector).max()) if len(self.reference) else -1.0
        classified = None
        if self.classifier is not None:
            classified = classified_ranking(
                self.classifier,
                expanded,
                vector,
                self._unit_documents,
                (lambda doc: matches(doc, filters)) if filters else None,
            )
        return assemble(
            query, lexical, dense, k, self.no_answer_threshold, reference_best, classified=classified
        )

    def drop(self) -> None:
        """Delete every physical index of this alias (by name: wildcard deletes are refused by default) and
        the local classifier."""
        names = list(dict(self.client.indices.get(index=f"{self.alias}-*", allow_no_indices=True)))
        for name in names:
            self.client.indices.delete(index=name)
        shutil.rmtree(self.local_dir, ignore_errors=True)
        self.classifier, self._unit_documents = None, {}

    def close(self) -> None:
        self.client.close()
