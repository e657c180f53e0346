"""Lazily loaded natasha components (slovnet NER, yargy dates), shared by the process."""

from __future__ import annotations

import threading
import warnings
from typing import Any

_lock = threading.RLock()
_cache: dict[str, Any] = {}


def _get(name: str) -> Any:
    if name not in _cache:
        with _lock:
            if name not in _cache:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # pymorphy2 imports the deprecated pkg_resources
                    import natasha

                    if name == "embedding":
                        _cache[name] = natasha.NewsEmbedding()
                    elif name == "ner":
                        _cache[name] = natasha.NewsNERTagger(_get("embedding"))
                    elif name == "dates":
                        _cache[name] = natasha.DatesExtractor(natasha.MorphVocab())
                    else:
                        raise KeyError(name)
    return _cache[name]


def ner() -> Any:
    """natasha NewsNERTagger; ``ner().map(texts)`` tags a batch of texts."""
    return _get("ner")


def embedding() -> Any:
    """navec news embeddings (word forms, 300 dimensions) shipped inside natasha."""
    return _get("embedding")


def dates() -> Any:
    """natasha DatesExtractor."""
    return _get("dates")
