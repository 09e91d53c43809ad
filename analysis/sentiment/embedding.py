"""Sentence sentiment from a sentence-embedding model, alone and ensembled with VADER (optional).

Two scores beside the lexicon scores of :mod:`analysis.sentiment.scoring`, available with the
optional extra ``embeddings`` (``pip install -e ".[embeddings]"``):

- ``embedding_polarity`` in [-1, 1]: a ridge head (:mod:`analysis.sentiment.head`) applied to
  the sentence's all-MiniLM-L6-v2 embedding (:mod:`analysis.sentiment.encoder`: Reimers &
  Gurevych 2019, mean pooling and L2 norm as upstream sentence-transformers), trained on the
  human ratings published with VADER (Hutto & Gilbert 2014) to predict the mean rating / 4;
- ``embedding_vader`` in [-1, 1]: the equal-weight mean of ``embedding_polarity`` and VADER's
  ``vader_compound`` after dividing each by its standard deviation over the training texts,
  on VADER's scale (:func:`analysis.sentiment.head.combine_with_vader`). Reading words and
  reading the whole sentence fail in different places, so the mean agrees with people better
  than either (figures: :mod:`analysis.sentiment_validation`).

Cost: the model runs on the CPU in batches (AllSides news sentences: 78 per CPU-second, so
about 150 per second on 2 idle cores; see ``benchmarks/embedding_benchmark.py``), with a tqdm
progress bar on long runs. Each
sentence's ``embedding_polarity`` is stored in the analysis cache (:mod:`analysis.cache`,
component :data:`CACHE_COMPONENT`) under the SHA-256 of its exact text, and the cache version
names the model files' hashes and the head's, so a second run reads every score back and a
changed model or head misses. The model is loaded once per process.

Without the extra nothing changes elsewhere; asking for these scores raises
:class:`~analysis.sentiment.encoder.EmbeddingUnavailableError`, whose message names the extra.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from analysis._checks import require_columns
from analysis.cache import KEY_COLUMN, ArticleCache, content_key, resolve_cache
from analysis.errors import AnalysisError, ParameterError
from analysis.progress import progress_bar
from analysis.progress import wanted as progress_wanted
from analysis.sentiment.encoder import (
    BATCH_SIZE,
    EMBEDDING_DIM,
    EXTRA_INSTALL,
    EmbeddingUnavailableError,
    SentenceEncoder,
    load_encoder,
)
from analysis.sentiment.fast import vader
from analysis.sentiment.head import load_head
from analysis.sentiment.scoring import EMBEDDING_SCORES, SCORED_HINT

__all__ = [
    "CACHE_COMPONENT",
    "EMBEDDING_SCORES",
    "EXTRA_INSTALL",
    "PROGRESS_MIN_SENTENCES",
    "EmbeddingUnavailableError",
    "embedding_cache_version",
    "embedding_polarity",
    "embedding_unavailable",
    "score_embedding",
    "sentence_embeddings",
    "with_embedding_scores",
]

#: Analysis-cache component of the per-sentence ``embedding_polarity``.
CACHE_COMPONENT: Final = "sentiment-embedding"
#: Analysis-cache component of whole embeddings (rated texts for training and validation).
VECTOR_COMPONENT: Final = "sentiment-embedding-vectors"
#: Show a progress bar (when ``progress=None``) from this many sentences to embed.
PROGRESS_MIN_SENTENCES: Final = 2000


def embedding_unavailable(model: str | Path | None = None) -> str | None:
    """Why the embedding scores cannot be computed here (a readable reason), or ``None``.

    Loads the model (once per process) to find out.
    """
    try:
        load_encoder(model)
        load_head()
    except AnalysisError as exc:
        return str(exc)
    return None


def embedding_cache_version(model: str | Path | None = None) -> str:
    """The cache version of ``embedding_polarity``: model files' and head's hashes."""
    return f"{load_encoder(model).model_id}-{load_head().version}"


def _check_texts(texts: Iterable[str]) -> list[str]:
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise ParameterError(f"text {i} is {type(text).__name__} {text!r}, expected a str")
    return out


def _encode(
    encoder: SentenceEncoder, texts: list[str], progress: bool | None, batch_size: int
) -> np.ndarray:
    bar = None
    if progress_wanted(progress, len(texts), PROGRESS_MIN_SENTENCES):
        bar = progress_bar(len(texts), "embedding sentences", "sentence")
    try:
        return encoder.encode(texts, batch_size=batch_size, progress=bar)
    finally:
        if bar is not None:
            bar.close()


def sentence_embeddings(
    texts: Iterable[str],
    *,
    model: str | Path | None = None,
    cache: bool | ArticleCache | None = True,
    batch_size: int = BATCH_SIZE,
    progress: bool | None = None,
) -> np.ndarray:
    """The unit all-MiniLM-L6-v2 embeddings of ``texts`` (``(n, 384)`` float32, input order),
    cached whole (component :data:`VECTOR_COMPONENT`, 1.5 kB a text: meant for the rated
    texts the head is trained and validated on, not for corpora).

    Raises:
        EmbeddingUnavailableError: the extra or the model is missing.
        ParameterError: an item is not a string.
    """
    texts = _check_texts(texts)
    encoder = load_encoder(model)
    keys = [content_key(t) for t in texts]
    unique = dict(zip(keys, texts, strict=True))
    store = resolve_cache(cache)
    found, missing = store.load(VECTOR_COMPONENT, encoder.model_id, unique)
    columns = [f"e{i}" for i in range(EMBEDDING_DIM)]
    rows: dict[str, np.ndarray] = {}
    if found is not None:
        rows.update(zip(found[KEY_COLUMN], found[columns].to_numpy(np.float32), strict=True))
    todo = [k for k in unique if k in missing]
    if todo:
        vectors = _encode(encoder, [unique[k] for k in todo], progress, batch_size)
        rows.update(zip(todo, vectors, strict=True))
        frame = pd.DataFrame(vectors, columns=columns)
        frame.insert(0, KEY_COLUMN, todo)
        store.store(VECTOR_COMPONENT, encoder.model_id, frame, keys=todo)
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = rows[key]
    return out


def embedding_polarity(
    texts: Iterable[str],
    *,
    model: str | Path | None = None,
    cache: bool | ArticleCache | None = True,
    batch_size: int = BATCH_SIZE,
    progress: bool | None = None,
) -> np.ndarray:
    """``embedding_polarity`` of each text, from the cache or the model (see the module doc).

    Args:
        texts: strings (sentences).
        model: a local model file or folder (``None``: ``$ANALYSIS_EMBEDDING_MODEL``, else the
            installed ``embeddings`` extra).
        cache: ``True`` (the default on-disk cache), ``False`` or an ``ArticleCache``.
        batch_size: texts per forward pass.
        progress: a tqdm bar (``None``: from :data:`PROGRESS_MIN_SENTENCES` texts to embed, in
            a terminal).

    Returns:
        A float64 array in input order.

    Raises:
        EmbeddingUnavailableError: the extra or the model is missing.
        ParameterError: an item is not a string.
    """
    texts = _check_texts(texts)
    encoder = load_encoder(model)
    head = load_head()
    out = np.zeros(len(texts), dtype=np.float64)
    if not texts:
        return out
    store = resolve_cache(cache)
    version = f"{encoder.model_id}-{head.version}"
    keys = [content_key(t) for t in texts]
    unique = dict(zip(keys, texts, strict=True))
    found, missing = store.load(CACHE_COMPONENT, version, unique)
    values: dict[str, float] = {}
    if found is not None:
        cached = found["embedding_polarity"].astype(float)
        values.update(zip(found[KEY_COLUMN], cached, strict=True))
    todo = [k for k in unique if k in missing]
    if todo:
        vectors = _encode(encoder, [unique[k] for k in todo], progress, batch_size)
        computed = head.polarity(vectors)
        values.update(zip(todo, computed.tolist(), strict=True))
        frame = pd.DataFrame({KEY_COLUMN: todo, "embedding_polarity": computed})
        store.store(CACHE_COMPONENT, version, frame, keys=todo)
    out[:] = [values[k] for k in keys]
    return out


def score_embedding(
    texts: Iterable[str],
    *,
    model: str | Path | None = None,
    cache: bool | ArticleCache | None = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """``embedding_polarity`` and ``embedding_vader`` of any texts (one row per text).

    Args: as :func:`embedding_polarity`.

    Returns:
        A table with a 0-based ``RangeIndex`` in input order and the columns
        :data:`~analysis.sentiment.scoring.EMBEDDING_SCORES`.

    Raises:
        EmbeddingUnavailableError: the extra or the model is missing.
        ParameterError: an item is not a string.
    """
    texts = _check_texts(texts)
    polarity = embedding_polarity(texts, model=model, cache=cache, progress=progress)
    analyser = vader()
    compound = np.array([analyser.polarity_scores(t)["compound"] for t in texts], dtype=float)
    combined = load_head().combine(polarity, compound)
    return pd.DataFrame(
        {"embedding_polarity": polarity, "embedding_vader": combined}, dtype="float64"
    )


def with_embedding_scores(
    scored: pd.DataFrame,
    *,
    model: str | Path | None = None,
    cache: bool | ArticleCache | None = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """A scored sentences table with ``embedding_polarity`` and ``embedding_vader`` appended.

    Does not mutate ``scored``. ``embedding_vader`` uses the table's own ``vader_compound``.
    Tables that already hold both columns are returned as they are (a copy).

    Args:
        scored: the output of :func:`analysis.sentiment.sentence_sentiment` (or the analysis
            pass' ``sentiment`` table); needs ``text`` and ``vader_compound``.
        model, cache, progress: as :func:`embedding_polarity`.

    Raises:
        EmbeddingUnavailableError: the extra or the model is missing (the message names the
            extra ``embeddings``).
        ParameterError: a required column is missing.
    """
    require_columns(scored, ("text", "vader_compound"), "scored", hint=SCORED_HINT)
    out = scored.copy()
    if all(c in out.columns for c in EMBEDDING_SCORES):
        return out
    polarity = embedding_polarity(out["text"], model=model, cache=cache, progress=progress)
    out["embedding_polarity"] = polarity
    out["embedding_vader"] = load_head().combine(polarity, out["vader_compound"].to_numpy())
    return out
