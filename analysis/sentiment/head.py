"""The ridge head that turns a sentence embedding into a polarity, and its ensemble with VADER.

Method:

- **Head**: ridge regression (Hoerl & Kennard 1970, *Ridge Regression: Biased Estimation for
  Nonorthogonal Problems*, Technometrics 12: 55-67) of the mean human rating divided by 4
  (so -1..1) on the 384 dimensions of the all-MiniLM-L6-v2 embedding
  (:mod:`analysis.sentiment.encoder`), with an intercept:
  ``w = (Xc'Xc + alpha I)^-1 Xc'yc``, ``b = mean(y) - mean(X) w`` on the centred data. The
  penalty ``alpha`` is chosen from :data:`ALPHAS` by the lowest mean squared error over
  :data:`FOLDS` shuffled folds (seed :data:`SEED`). ``embedding_polarity`` is the prediction
  clipped to [-1, 1].
- **Ensemble** ``embedding_vader``: each ingredient is divided by its standard deviation over
  the training texts (z-scaling that keeps 0 as the neutral point; centring as well would only
  shift the sum by a constant, which changes no correlation but moves "neutral"), the two are
  averaged with equal weight and the mean is put back on VADER's scale (times VADER's standard
  deviation): ``clip((vader_compound + embedding_polarity * sd_vader / sd_embedding) / 2, -1, 1)``.

Training data: the human ratings published with VADER (Hutto & Gilbert 2014, ICWSM; tweets,
movie-review and product-review snippets, about 20 raters each), read by
:func:`analysis.sentiment_validation.load_sentiment_ratings`. The head is fitted, and written to
``analysis/data/sentiment/embedding_head.json`` with its provenance, by
``python -m analysis.sentiment.train_head``; :func:`load_head` reads and checks that file.
:func:`cross_validated_polarity` gives out-of-sample predictions for the validation report.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from analysis import config
from analysis.errors import AnalysisError
from analysis.sentiment.encoder import EMBEDDING_DIM

__all__ = [
    "ALPHAS",
    "FOLDS",
    "HEAD_FILE",
    "SEED",
    "EmbeddingHead",
    "HeadError",
    "combine_with_vader",
    "cross_validated_polarity",
    "fit_head",
    "fold_ids",
    "load_head",
]

#: The head shipped with the package (written by ``python -m analysis.sentiment.train_head``).
HEAD_FILE: Final = config.DATA_DIR / "sentiment" / "embedding_head.json"
#: Ridge penalties tried; the one with the lowest cross-validated squared error is kept.
ALPHAS: Final[tuple[float, ...]] = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
#: Folds of the cross-validation (penalty choice and out-of-sample predictions).
FOLDS: Final = 5
#: Seed of the fold assignment.
SEED: Final = 0
#: The rating scale's end: the target is ``rating / RATING_SCALE``.
RATING_SCALE: Final = 4.0


class HeadError(AnalysisError):
    """The head file is missing or malformed."""


@dataclass(frozen=True)
class EmbeddingHead:
    """A fitted head: ``weights`` (384), ``intercept``, the ensemble's scales and provenance."""

    weights: np.ndarray
    intercept: float
    sd_embedding: float
    sd_vader: float
    alpha: float
    provenance: dict[str, Any]

    @property
    def version(self) -> str:
        """Identifies the fitted numbers (part of the cache key of embedding scores)."""
        payload = json.dumps(
            [self.weights.tolist(), self.intercept, self.sd_embedding, self.sd_vader]
        )
        return "head-" + hashlib.sha256(payload.encode()).hexdigest()[:16]

    def polarity(self, embeddings: np.ndarray) -> np.ndarray:
        """``embedding_polarity`` of unit embeddings: the ridge prediction clipped to [-1, 1]."""
        raw = embeddings.astype(np.float64) @ self.weights + self.intercept
        return np.clip(raw, -1.0, 1.0)

    def combine(self, polarity: np.ndarray, vader: np.ndarray) -> np.ndarray:
        """``embedding_vader`` from ``embedding_polarity`` and ``vader_compound``."""
        return combine_with_vader(polarity, vader, self.sd_embedding, self.sd_vader)


def combine_with_vader(
    polarity: np.ndarray, vader: np.ndarray, sd_embedding: float, sd_vader: float
) -> np.ndarray:
    """Equal-weight mean of the two z-scaled scores, on VADER's scale, clipped to [-1, 1].

    >>> combine_with_vader(np.array([0.2]), np.array([0.5]), 0.2, 0.4).round(3).tolist()
    [0.45]
    """
    polarity = np.asarray(polarity, dtype=np.float64)
    vader = np.asarray(vader, dtype=np.float64)
    return np.clip((vader + polarity * (sd_vader / sd_embedding)) / 2.0, -1.0, 1.0)


def fold_ids(n: int, *, folds: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """The fold (0..folds-1) of each of ``n`` items: a seeded shuffle dealt round-robin.

    >>> fold_ids(6, folds=3, seed=0).tolist()
    [1, 2, 1, 0, 0, 2]
    """
    order = np.random.default_rng(seed).permutation(n)
    out = np.empty(n, dtype=np.int64)
    out[order] = np.arange(n) % folds
    return out


def _ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    mean_x, mean_y = x.mean(0), y.mean()
    xc = x - mean_x
    gram = xc.T @ xc + alpha * np.eye(x.shape[1])
    weights = np.linalg.solve(gram, xc.T @ (y - mean_y))
    return weights, float(mean_y - mean_x @ weights)


def _choose_alpha(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> tuple[float, list[float]]:
    errors = []
    for alpha in ALPHAS:
        squared = 0.0
        for fold in np.unique(folds):
            test = folds == fold
            weights, intercept = _ridge(x[~test], y[~test], alpha)
            squared += float(((x[test] @ weights + intercept - y[test]) ** 2).sum())
        errors.append(squared / len(y))
    return ALPHAS[int(np.argmin(errors))], errors


def fit_head(
    embeddings: np.ndarray,
    ratings: np.ndarray,
    vader: np.ndarray,
    *,
    folds: int = FOLDS,
    seed: int = SEED,
    alpha: float | None = None,
) -> EmbeddingHead:
    """Fit the ridge head on embeddings and mean human ratings (-4..4), and the ensemble scales.

    Args:
        embeddings: ``(n, 384)`` unit embeddings.
        ratings: the ``n`` mean human ratings.
        vader: the ``n`` texts' ``vader_compound`` (for the ensemble's scale).
        folds, seed: the cross-validation that chooses ``alpha``.
        alpha: a fixed penalty instead (no search).

    Returns:
        An :class:`EmbeddingHead` whose ``provenance`` records ``alpha`` and the CV errors.
    """
    x = np.asarray(embeddings, dtype=np.float64)
    y = np.asarray(ratings, dtype=np.float64) / RATING_SCALE
    if x.ndim != 2 or x.shape[1] != EMBEDDING_DIM or len(x) != len(y) or len(y) < 2 * folds:
        raise HeadError(
            f"expected ({len(y)}, {EMBEDDING_DIM}) embeddings for {len(y)} ratings "
            f"(at least {2 * folds}), got {x.shape}"
        )
    errors: list[float] = []
    if alpha is None:
        alpha, errors = _choose_alpha(x, y, fold_ids(len(y), folds=folds, seed=seed))
    weights, intercept = _ridge(x, y, alpha)
    polarity = np.clip(x @ weights + intercept, -1.0, 1.0)
    return EmbeddingHead(
        weights=weights,
        intercept=intercept,
        sd_embedding=float(np.std(polarity)),
        sd_vader=float(np.std(np.asarray(vader, dtype=np.float64))),
        alpha=float(alpha),
        provenance={"alpha_grid": list(ALPHAS), "cv_mse": errors, "folds": folds, "seed": seed},
    )


def cross_validated_polarity(
    embeddings: np.ndarray,
    ratings: np.ndarray,
    vader: np.ndarray,
    *,
    groups: Sequence[Any] | None = None,
    folds: int = FOLDS,
    seed: int = SEED,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-sample ``embedding_polarity`` and ``embedding_vader`` of every text.

    Each text is scored by a head (penalty search included) fitted without it: on the other
    folds of a seeded :func:`fold_ids` split, or, with ``groups``, on the other groups only
    (leave-one-group-out: e.g. trained on tweets and movie snippets, tested on product
    snippets).

    Returns:
        ``(polarity, embedding_vader)``, two arrays in input order.
    """
    x = np.asarray(embeddings, dtype=np.float64)
    v = np.asarray(vader, dtype=np.float64)
    r = np.asarray(ratings, dtype=np.float64)
    assign = (
        fold_ids(len(r), folds=folds, seed=seed)
        if groups is None
        else np.unique(np.asarray(groups), return_inverse=True)[1]
    )
    polarity = np.full(len(r), math.nan)
    combined = np.full(len(r), math.nan)
    for fold in np.unique(assign):
        test = assign == fold
        head = fit_head(x[~test], r[~test], v[~test], folds=folds, seed=seed)
        polarity[test] = head.polarity(x[test])
        combined[test] = head.combine(polarity[test], v[test])
    return polarity, combined


def _number(data: dict[str, Any], key: str, path: Path) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise HeadError(f"{path}: {key!r} must be a finite number, got {value!r}")
    return float(value)


@functools.lru_cache(maxsize=4)
def _load(path: str) -> EmbeddingHead:
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HeadError(
            f"{file} is missing; write it with `python -m analysis.sentiment.train_head`"
        ) from None
    except (OSError, ValueError) as exc:
        raise HeadError(f"{file}: cannot read it as JSON ({exc})") from exc
    weights = data.get("weights")
    if not isinstance(weights, list) or len(weights) != EMBEDDING_DIM:
        raise HeadError(f"{file}: 'weights' must be a list of {EMBEDDING_DIM} numbers")
    array = np.asarray(weights, dtype=np.float64)
    if not np.isfinite(array).all():
        raise HeadError(f"{file}: 'weights' holds a value that is not a finite number")
    scales = data.get("scales", {})
    if not isinstance(scales, dict):
        raise HeadError(f"{file}: 'scales' must be an object")
    sd_e, sd_v = _number(scales, "sd_embedding", file), _number(scales, "sd_vader", file)
    if sd_e <= 0 or sd_v <= 0:
        raise HeadError(f"{file}: the scales must be positive, got {sd_e} and {sd_v}")
    return EmbeddingHead(
        weights=array,
        intercept=_number(data, "intercept", file),
        sd_embedding=sd_e,
        sd_vader=sd_v,
        alpha=_number(data, "alpha", file),
        provenance=data.get("provenance", {}),
    )


def load_head(path: str | Path | None = None) -> EmbeddingHead:
    """The fitted head (default :data:`HEAD_FILE`), read and checked once per process.

    Raises:
        HeadError: the file is missing, not JSON, or lacks 384 finite weights, a finite
            ``intercept``/``alpha`` or positive ``scales`` (the message names the file and key).
    """
    return _load(str(Path(path) if path is not None else HEAD_FILE))


def head_document(head: EmbeddingHead, provenance: dict[str, Any]) -> dict[str, Any]:
    """The JSON document of a head (what :func:`load_head` reads)."""
    return {
        "method": (
            "ridge regression of the mean human rating / 4 on unit all-MiniLM-L6-v2 sentence "
            "embeddings (mean pooling, L2 norm); embedding_vader = clip((vader_compound + "
            "embedding_polarity * sd_vader / sd_embedding) / 2, -1, 1)"
        ),
        "alpha": head.alpha,
        "intercept": head.intercept,
        "scales": {"sd_embedding": head.sd_embedding, "sd_vader": head.sd_vader},
        "weights": head.weights.tolist(),
        "provenance": {**provenance, **head.provenance},
    }
