"""How well the sentiment scores agree with people: validation against human ratings.

The scores validated are those of :mod:`analysis.sentiment`: VADER's ``vader_compound`` (Hutto &
Gilbert 2014), TextBlob's ``textblob_polarity`` (Pattern's lexicon; De Smedt & Daelemans 2012,
*Pattern for Python*, JMLR 13: 2063-2067) and their mean.

Data: the ground-truth files published with VADER (Hutto & Gilbert 2014, *VADER: A Parsimonious
Rule-based Model for Sentiment Analysis of Social Media Text*, ICWSM): 4,200 tweets, 10,605
movie-review snippets and 3,708 Amazon product-review snippets, each rated by about 20 people on
-4 (extremely negative) .. +4 (extremely positive). They live in the shared data folder
(:func:`analysis.config.sentiment_validation_dir`), not in the package: a fresh clone has no
copy, and every function here says so clearly instead of failing obscurely.

File format: ``id<TAB>mean rating<TAB>text`` per line, CRLF line ends, no header, UTF-8.

Metrics, per dataset and per score of :data:`analysis.sentiment.POLARITY_SCORES`:

- ``r``: Pearson correlation between the score and the mean human rating
  (``scipy.stats.pearsonr``). The VADER paper reports r = 0.881 for VADER on the tweets.
- ``macro_f1``: 3-class macro-averaged F1 (``sklearn.metrics.f1_score``, labels -1, 0, 1). A
  text's human class is neutral when ``|rating| < 0.5`` (:data:`HUMAN_NEUTRAL_BAND`: the mean
  rating rounds to the scale's "neutral" point 0), else its sign. A model's class comes from
  :func:`analysis.sentiment.classify` with ``|score| < 0.05`` neutral
  (:data:`MODEL_NEUTRAL_BAND`, VADER's documented threshold), the same band for every score.

:func:`choose_default_score` turns the table into the choice of
:data:`analysis.sentiment.DEFAULT_SCORE` by a stated rule: average r and macro-F1 over the
datasets (:func:`mean_agreement`) and, among the scores whose mean macro-F1 is within 0.01 of the
best, take the highest mean r. None of the three sets is news prose: the numbers say how each
model agrees with people on short opinionated texts, an upper bound for sober news sentences.
The plain-language reading of the table is :mod:`analysis.narrate.sentiment_validation`.

Optional embedding scores (``embedding=True``, needs the ``embeddings`` extra):
``embedding_polarity`` and ``embedding_vader`` of :mod:`analysis.sentiment.embedding`. Their head
is *trained on these very ratings*, so the shipped head is never scored here: every text is
scored by a head fitted without it (:func:`analysis.sentiment.head.cross_validated_polarity`):

- ``embedding_split="folds"``: 5 seeded folds over all 18,513 texts (in-domain: the head has
  seen texts of the same kind);
- ``embedding_split="datasets"``: leave one dataset out (trained on the other two kinds of
  text, a test of transfer to a kind of text the head has not seen, closer to news prose).

:func:`agreement_intervals` adds 95 % percentile bootstrap intervals (texts resampled within
each dataset, seeded) for r and macro-F1, per dataset and for the mean over the datasets.
:func:`choose_default_score` only considers the lexicon scores, so the default needs no extra.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

from analysis import config
from analysis.errors import CorpusError, ParameterError
from analysis.sentiment import (
    EMBEDDING_SCORES,
    POLARITY_SCORES,
    classify,
    embedding_unavailable,
    score_texts,
    sentence_embeddings,
)
from analysis.sentiment.head import HeadError, cross_validated_polarity

__all__ = [
    "BOOTSTRAP_SAMPLES",
    "EMBEDDING_SPLITS",
    "HUMAN_NEUTRAL_BAND",
    "MODEL_NEUTRAL_BAND",
    "VALIDATION_FILES",
    "PAPER_VADER_TWEETS_R",
    "agreement_intervals",
    "choose_default_score",
    "default_folder",
    "embedding_agreement",
    "load_sentiment_ratings",
    "mean_agreement",
    "missing_validation_data",
    "rated_scores",
    "validate_sentiment",
]

#: Dataset name -> file name, in the order tables are sorted.
VALIDATION_FILES: Final[dict[str, str]] = {
    "tweets": "tweets_GroundTruth.txt",
    "movie_reviews": "movieReviewSnippets_GroundTruth.txt",
    "amazon_reviews": "amazonReviewSnippets_GroundTruth.txt",
}
#: A mean human rating (-4..+4) is neutral when its absolute value is below this.
HUMAN_NEUTRAL_BAND: Final = 0.5
#: A model score (-1..1) is neutral when its absolute value is below this.
MODEL_NEUTRAL_BAND: Final = 0.05
#: VADER's Pearson r on the tweets in Hutto & Gilbert (2014), table 3.
PAPER_VADER_TWEETS_R: Final = 0.881

#: How the embedding head is kept away from the texts it scores (see the module docstring).
EMBEDDING_SPLITS: Final = ("folds", "datasets")
#: Bootstrap resamples of :func:`agreement_intervals`.
BOOTSTRAP_SAMPLES: Final = 1000

_COLUMNS = ["dataset", "model", "n", "r", "macro_f1"]


def _shown(path: Path) -> str:
    """A path as shown in messages: relative to the project root when it is inside the project
    or beside it (``../shared``), so notebook outputs hold no absolute path; else as given."""
    try:
        shown = os.path.relpath(path, config.PROJECT_ROOT)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if shown.startswith(os.path.join(os.pardir, os.pardir)) else shown


def _folder(path: str | Path | None) -> Path:
    return config.sentiment_validation_dir() if path is None else Path(path).expanduser()


def default_folder() -> Path:
    """The folder of the human ratings when none is given (``../shared/validation/sentiment``)."""
    return _folder(None)


def missing_validation_data(path: str | Path | None = None) -> str | None:
    """Why the validation cannot run (a readable reason), or ``None`` when every file is there.

    Args:
        path: folder holding the ``*_GroundTruth.txt`` files; ``None`` is
            :func:`analysis.config.sentiment_validation_dir` (``../shared/validation/sentiment``).
    """
    folder = _folder(path)
    if not folder.is_dir():
        return (
            f"the human sentiment ratings are not available: no folder {_shown(folder)} (it is "
            "part of the shared data beside a checkout; set ANALYSIS_SHARED_DIR or pass the "
            "folder holding the *_GroundTruth.txt files)"
        )
    absent = [name for name in VALIDATION_FILES.values() if not (folder / name).is_file()]
    if absent:
        return f"the human sentiment ratings are incomplete: {_shown(folder)} lacks {absent}"
    return None


def load_sentiment_ratings(path: str | Path | None = None) -> pd.DataFrame:
    """The human ratings of the three validation sets as one table.

    Args:
        path: folder of the ``*_GroundTruth.txt`` files (``None``: the shared data folder).

    Returns:
        ``dataset`` (``tweets``, ``movie_reviews``, ``amazon_reviews``), ``id`` (str),
        ``rating`` (float, -4..+4), ``text``; in dataset order, then file order.

    Raises:
        CorpusError: the folder or a file is absent, or a line is not
            ``id<TAB>rating<TAB>text`` (the error names the file and line).
    """
    reason = missing_validation_data(path)
    if reason is not None:
        raise CorpusError(reason, path=_shown(_folder(path)))
    folder = _folder(path)
    frames = []
    for dataset, name in VALIDATION_FILES.items():
        file = folder / name
        try:
            content = file.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"byte {exc.start} is not valid UTF-8; the published files are UTF-8.",
                path=_shown(file),
            ) from exc
        rows = []
        for lineno, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split("\t")
            try:
                if len(parts) != 3:
                    raise ValueError
                rating = float(parts[1])
            except ValueError:
                raise CorpusError(
                    f"expected 'id<TAB>mean rating<TAB>text', got {line[:60]!r}",
                    path=_shown(file),
                    line=lineno,
                ) from None
            if not math.isfinite(rating) or abs(rating) > 4:
                raise CorpusError(
                    f"rating {parts[1]!r} is outside -4..4", path=_shown(file), line=lineno
                )
            rows.append((dataset, parts[0], rating, parts[2]))
        frames.append(pd.DataFrame(rows, columns=["dataset", "id", "rating", "text"]))
    table = pd.concat(frames, ignore_index=True)
    for col in ("dataset", "id", "text"):
        table[col] = table[col].astype("str")
    table["rating"] = table["rating"].astype("float64")
    return table


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import pearsonr  # here: the report command imports this module to check
    # for the ratings, and scipy with scikit-learn took 70 MB of its memory

    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(pearsonr(x, y)[0])


def rated_scores(
    path: str | Path | None = None,
    *,
    embedding: bool = False,
    embedding_split: str = "folds",
    model: str | Path | None = None,
) -> pd.DataFrame:
    """Every rated text with its human rating and each score (the data behind the metrics).

    Args:
        path: folder of the ``*_GroundTruth.txt`` files (``None``: the shared data folder).
        embedding: add the out-of-sample ``embedding_polarity`` and ``embedding_vader`` (needs
            the ``embeddings`` extra; see the module docstring).
        embedding_split: ``"folds"`` or ``"datasets"`` (:data:`EMBEDDING_SPLITS`).
        model: a local model file or folder for the embeddings (``None``: the extra's).

    Returns:
        ``dataset``, ``rating`` and one column per score (:data:`POLARITY_SCORES`, then
        :data:`EMBEDDING_SCORES` with ``embedding``), in :func:`load_sentiment_ratings` order.

    Raises:
        CorpusError: files absent or malformed.
        ParameterError: an unknown ``embedding_split``.
        EmbeddingUnavailableError: ``embedding`` without the extra.
    """
    if embedding_split not in EMBEDDING_SPLITS:
        raise ParameterError(
            f"embedding_split must be one of {list(EMBEDDING_SPLITS)}, got {embedding_split!r}"
        )
    ratings = load_sentiment_ratings(path)
    scores = score_texts(ratings["text"])
    table = pd.concat([ratings[["dataset", "rating"]], scores[list(POLARITY_SCORES)]], axis=1)
    if embedding:
        vectors = sentence_embeddings(ratings["text"], model=model)
        groups = ratings["dataset"].to_numpy() if embedding_split == "datasets" else None
        polarity, combined = cross_validated_polarity(
            vectors,
            ratings["rating"].to_numpy(),
            scores["vader_compound"].to_numpy(),
            groups=groups,
        )
        table["embedding_polarity"] = polarity
        table["embedding_vader"] = combined
        table.attrs["embedding_split"] = embedding_split
    return table


def _models(table: pd.DataFrame) -> list[str]:
    return [m for m in (*POLARITY_SCORES, *EMBEDDING_SCORES) if m in table.columns]


def validate_sentiment(
    path: str | Path | None = None,
    *,
    human_band: float = HUMAN_NEUTRAL_BAND,
    model_band: float = MODEL_NEUTRAL_BAND,
    if_missing: Literal["raise", "empty"] = "raise",
    embedding: bool = False,
    embedding_split: str = "folds",
) -> pd.DataFrame:
    """Agreement of each sentiment score with the mean human rating, per validation set.

    Pearson r and 3-class macro-F1 (see the module docstring for the bands). Scores come from
    :func:`analysis.sentiment.score_texts`, so they are cached like the corpus' sentences.

    Args:
        path: folder of the ``*_GroundTruth.txt`` files (``None``: the shared data folder).
        human_band: a mean rating with ``|rating| < human_band`` is neutral.
        model_band: a score with ``|score| < model_band`` is neutral.
        if_missing: ``"raise"`` a :class:`~analysis.errors.CorpusError` when the files are
            absent, or return an ``"empty"`` table whose ``attrs["skipped"]`` holds the reason.
        embedding: also the out-of-sample embedding scores (needs the ``embeddings`` extra).
        embedding_split: how the embedding head is kept from the texts it scores:
            ``"folds"`` or ``"datasets"`` (see the module docstring).

    Returns:
        One row per (dataset, model): ``dataset``, ``model`` (a score column name), ``n`` (texts),
        ``r``, ``macro_f1``; sorted by dataset (tweets, movie_reviews, amazon_reviews) then
        model (:data:`~analysis.sentiment.POLARITY_SCORES` order, then the embedding scores).
        ``attrs`` records the bands (and the embedding split).

    Raises:
        CorpusError: files absent (with ``if_missing="raise"``) or malformed.
        ParameterError: a band outside its scale, or an unknown ``if_missing``/split.
        EmbeddingUnavailableError: ``embedding`` without the extra (the message names it).
    """
    if if_missing not in ("raise", "empty"):
        raise ParameterError(f"if_missing must be 'raise' or 'empty', got {if_missing!r}")
    for name, value, top in (("human_band", human_band, 4), ("model_band", model_band, 1)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < top:
            raise ParameterError(f"{name} must be a number in [0, {top}), got {value!r}")
    attrs = {"human_band": float(human_band), "model_band": float(model_band)}
    reason = missing_validation_data(path)
    if reason is not None and if_missing == "empty":
        empty = pd.DataFrame({c: [] for c in _COLUMNS}).astype(
            {"dataset": "str", "model": "str", "n": "int64", "r": "float64", "macro_f1": "float64"}
        )
        empty.attrs.update(attrs, skipped=reason)
        return empty
    scores = rated_scores(path, embedding=embedding, embedding_split=embedding_split)
    human = classify(scores["rating"], human_band)
    rows = []
    for dataset in VALIDATION_FILES:
        mask = (scores["dataset"] == dataset).to_numpy()
        truth = scores["rating"].to_numpy()[mask]
        for model in _models(scores):
            values = scores[model].to_numpy()[mask]
            f1 = _macro_f1(human[mask], classify(values, model_band))
            rows.append((dataset, model, int(mask.sum()), _pearson(values, truth), f1))
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table["n"] = table["n"].astype("int64")
    table.attrs.update(attrs)
    if embedding:
        table.attrs["embedding_split"] = embedding_split
    return table


def _macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    from sklearn.metrics import f1_score  # here, as scipy in _pearson

    return float(f1_score(truth, predicted, labels=[-1, 0, 1], average="macro", zero_division=0))


def _fast_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """3-class macro-F1 of classes coded 0, 1, 2 (as ``f1_score``, zero_division=0)."""
    confusion = np.bincount(truth * 3 + predicted, minlength=9).reshape(3, 3)
    hits = np.diag(confusion).astype(float)
    denominator = confusion.sum(0) + confusion.sum(1)
    f1 = np.divide(2 * hits, denominator, out=np.zeros(3), where=denominator > 0)
    return float(f1.mean())


def _fast_r(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean()
    y = y - y.mean()
    denominator = math.sqrt(float((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denominator) if denominator else math.nan


def agreement_intervals(
    scores: pd.DataFrame,
    *,
    human_band: float = HUMAN_NEUTRAL_BAND,
    model_band: float = MODEL_NEUTRAL_BAND,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> pd.DataFrame:
    """r and macro-F1 with 95 % percentile bootstrap intervals, per dataset and their mean.

    Texts are resampled with replacement within each dataset (``samples`` times, seeded); the
    interval of the mean over the datasets uses the same resamples.

    Args:
        scores: the output of :func:`rated_scores`.

    Returns:
        One row per (dataset, model), then one per model with dataset ``mean``: ``dataset``,
        ``model``, ``n``, ``r``, ``r_low``, ``r_high``, ``macro_f1``, ``f1_low``, ``f1_high``.
    """
    rng = np.random.default_rng(seed)
    human = classify(scores["rating"], human_band) + 1
    models = _models(scores)
    rows, boot_r, boot_f1 = [], {}, {}
    for dataset in VALIDATION_FILES:
        mask = (scores["dataset"] == dataset).to_numpy()
        truth, labels = scores["rating"].to_numpy()[mask], human[mask]
        draws = rng.integers(0, mask.sum(), size=(samples, mask.sum()))
        for model in models:
            values = scores[model].to_numpy()[mask]
            predicted = classify(values, model_band) + 1
            rs = np.array([_fast_r(values[d], truth[d]) for d in draws])
            f1s = np.array([_fast_f1(labels[d], predicted[d]) for d in draws])
            boot_r.setdefault(model, []).append(rs)
            boot_f1.setdefault(model, []).append(f1s)
            r, f1 = _fast_r(values, truth), _fast_f1(labels, predicted)
            rows.append((dataset, model, int(mask.sum()), r, *_ci(rs), f1, *_ci(f1s)))
    for model in models:
        table = pd.DataFrame(rows, columns=_INTERVAL_COLUMNS)
        mine = table[table["model"] == model]
        rs, f1s = np.mean(boot_r[model], axis=0), np.mean(boot_f1[model], axis=0)
        rows.append(
            ("mean", model, int(mine["n"].sum()), float(mine["r"].mean()), *_ci(rs),
             float(mine["macro_f1"].mean()), *_ci(f1s))
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=_INTERVAL_COLUMNS)
    out["n"] = out["n"].astype("int64")
    out.attrs.update(scores.attrs, samples=samples, seed=seed)
    return out


def embedding_agreement(
    path: str | Path | None = None,
    *,
    embedding_split: str = "folds",
    human_band: float = HUMAN_NEUTRAL_BAND,
    model_band: float = MODEL_NEUTRAL_BAND,
    samples: int = BOOTSTRAP_SAMPLES,
    model: str | Path | None = None,
) -> pd.DataFrame:
    """Lexicon and out-of-sample embedding scores side by side, with bootstrap intervals.

    :func:`rated_scores` with ``embedding=True`` then :func:`agreement_intervals`. Never raises
    for a missing extra, missing ratings or too few of them to cross-validate a head: the table
    is then empty and ``attrs["skipped"]`` says why (for reports that run everywhere).

    Raises:
        CorpusError: malformed rating files.
        ParameterError: an unknown ``embedding_split``.
    """
    reason = missing_validation_data(path)
    if reason is None:
        reason = embedding_unavailable(model)
    if reason is None:
        try:
            scores = rated_scores(
                path, embedding=True, embedding_split=embedding_split, model=model
            )
        except HeadError as exc:  # e.g. too few rated texts to cross-validate a head
            reason = f"the embedding head cannot be cross-validated on these ratings: {exc}"
    if reason is not None:
        empty = pd.DataFrame({c: [] for c in _INTERVAL_COLUMNS}).astype(
            {c: "float64" for c in _INTERVAL_COLUMNS[3:]}
            | {"dataset": "str", "model": "str", "n": "int64"}
        )
        empty.attrs["skipped"] = reason
        return empty
    return agreement_intervals(
        scores, human_band=human_band, model_band=model_band, samples=samples
    )


_INTERVAL_COLUMNS = [
    "dataset", "model", "n", "r", "r_low", "r_high", "macro_f1", "f1_low", "f1_high"
]  # fmt: skip


def _ci(values: np.ndarray) -> tuple[float, float]:
    low, high = np.nanquantile(values, [0.025, 0.975])
    return float(low), float(high)


def choose_default_score(table: pd.DataFrame, *, f1_tolerance: float = 0.01) -> str:
    """The score a report headline should use, by a stated rule on :func:`validate_sentiment`.

    Rule: average ``r`` and ``macro_f1`` over the datasets (each set weighs the same); among the
    scores whose mean macro-F1 is within ``f1_tolerance`` of the best, take the highest mean r
    (r uses the whole scale, F1 only three classes; the tolerance keeps a score that correlates
    better from being rejected for an F1 difference of a few texts). Ties go to the earlier score
    of :data:`~analysis.sentiment.POLARITY_SCORES`. Only those lexicon scores are candidates:
    the default must work without the optional ``embeddings`` extra.

    Raises:
        ParameterError: the table is empty (validation skipped) or lacks its columns.
    """
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise ParameterError(f"table lacks {missing}; pass the output of validate_sentiment()")
    if table.empty:
        raise ParameterError(
            "the validation table is empty, so no default can be chosen"
            + (f" ({table.attrs['skipped']})" if "skipped" in table.attrs else "")
        )
    means = mean_agreement(table)
    means = means[means.index.isin(POLARITY_SCORES)]  # the default must work without extras
    eligible = means[means["macro_f1"] >= means["macro_f1"].max() - f1_tolerance]
    return str(eligible["r"].idxmax())


def mean_agreement(table: pd.DataFrame) -> pd.DataFrame:
    """Mean ``r`` and ``macro_f1`` of each model over the datasets of :func:`validate_sentiment`'s
    table (each set weighs the same), indexed by model in
    :data:`~analysis.sentiment.POLARITY_SCORES` order, other models after them sorted.

    >>> rows = [("a", "vader_compound", 2, 0.5, 0.4), ("b", "vader_compound", 2, 0.7, 0.6)]
    >>> table = pd.DataFrame(rows, columns=["dataset", "model", "n", "r", "macro_f1"])
    >>> mean_agreement(table).round(3).to_dict("index")
    {'vader_compound': {'r': 0.6, 'macro_f1': 0.5}}
    """
    order = [m for m in POLARITY_SCORES if m in set(table["model"])]
    order += sorted(set(table["model"]) - set(order))
    return table.groupby("model")[["r", "macro_f1"]].mean().loc[order]
