"""The Dask engine: the analysis pass on a cluster, and streaming methods for very large corpora.

Input is a **partitioned Parquet dataset**: a folder of ``part-00000.parquet``,
``part-00001.parquet`` ... files (read in file-name order), each holding a slice of the article
table with the same columns as a CSV corpus (``text``/``body``, ``title``, ``date``,
``source``/``outlet`` ...) and an ``id`` column. :func:`write_parquet_corpus` writes one from a CSV
or JSON Lines file, reading it in chunks. The ``id`` column is required because a story id derived
from the lead (the loader's slug, with ``-2``/``-3`` on collisions) depends on the whole corpus and
cannot be computed per partition.

The analysis pass (:func:`analyze_dask`)
    A distributed map over partitions with Dask (``dask.distributed``: one task per Parquet file,
    submitted to a ``LocalCluster`` or to a running scheduler). Each task builds the partition's
    corpus (:func:`analysis.corpus.from_dataframe`) and runs the local engine on it
    (:func:`analysis.pipeline.analyze`: sentiment, frames, term counts); the client gathers the
    tables in partition order and concatenates them. Every result of the pass is computed story by
    story, so the concatenation equals the local engine on the whole dataset; what is *not* per
    story is made global on the client: ``source_line`` (the rows of earlier partitions are
    added), ``duplicate_of`` (recomputed over all stories), the order of ``skipped`` (records
    the loader cannot use first, then texts empty after normalisation, as the loader lists
    them), term counts of a text found in several partitions (kept once), and ids (checked
    present and unique over the dataset before anything runs). **Not
    streaming**: the tables of the result (every sentence's scores, every frame hit) are gathered
    into the client's memory, like the local engine's; what the cluster spreads is the compute,
    not the result.

Streaming methods (:func:`streaming_group_terms`, :func:`streaming_topics`)
    They read one partition at a time and keep only bounded summaries, so the corpus never has to
    fit in memory.

    - Distinctive terms: the Fightin' Words statistic (weighted log-odds with an informative
      Dirichlet prior, Monroe, Colaresi & Quinn 2008, see :mod:`analysis.language`) depends on the
      corpus only through per-group term counts, which are **additive** over partitions. Summed
      counts per group (plus, for the ``n_stories``/``n_sources`` columns, per-group counts of
      stories using a term and per-(group, source) term sets) are fed to
      :func:`analysis.language.distinctive_terms` as one pseudo-story per group, so the formula is
      not copied; the result equals the in-memory function. Memory: (groups + (group, source)
      pairs) x vocabulary; with ``group="story_id"`` that is the whole count matrix.
    - Topics: the hashing trick (Weinberger, Dasgupta, Langford, Smola & Attenberg 2009, *Feature
      Hashing for Large Scale Multitask Learning*, ICML; scikit-learn ``FeatureHasher``, as in
      ``HashingVectorizer(alternate_sign=False)``) maps each article's unigram counts (the
      package's vocabulary rule, :func:`analysis.language.story_terms`, stop words removed) to
      ``n_features`` columns without a vocabulary. Pass 1 counts document frequencies per hashed
      column (additive), keeps a bounded term -> count table (pruned to the ``max_vocabulary``
      most frequent terms) to name columns, draws a uniform **reservoir sample** of articles
      (Vitter 1985, Algorithm R) and spills each partition's hashed counts to disk. TF-IDF
      weighting is then the in-memory model's (sublinear tf, smoothed idf
      ``ln((1 + N) / (1 + df)) + 1``, l2 norm; columns in fewer than 2 or more than 95 % of
      articles dropped when there are 200 or more). Online NMF: scikit-learn ``MiniBatchNMF``
      (Mairal, Bach, Ponce & Sapiro 2010, *Online Learning for Matrix Factorization and Sparse
      Coding*, JMLR 11; with the beta-divergence updates of Lefevre, Bach & Fevotte 2011) is
      initialised on the reservoir sample (``init="nndsvda"``) and updated with ``partial_fit``
      on mini-batches of the spilled matrices over ``n_epochs`` passes (partitions and rows
      shuffled with ``seed``). A last pass gives each article's topic shares (``transform``).
      Memory: ``n_features x n_topics`` for the model, the df vector, the bounded vocabulary and
      the reservoir sample; the result's share table is articles x topics. Not the same model as
      :func:`analysis.language.topic_model` (no bigrams; hashed, not exact, columns; online, not
      batch, optimisation; normalised text with any dateline kept, not the loader's text), so its
      topics are close to, not equal to, the in-memory ones.

Errors are :class:`~analysis.errors.CorpusError` (naming the folder or file) for a missing, empty
or malformed dataset, and :class:`~analysis.errors.ParameterError` for bad options.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from analysis.corpus import (
    NO_TEXT_REASON,
    CorpusWarning,
    _csv_header,
    _csv_records_of,
    _csv_row_problem,
    _decoded_lines,
    _file_decoding,
    _jsonl_objects_of,
    _meta_value,
    _pick_column,
    _require_text_column,
    _table_records,
    _table_roles,
    _text_value,
)
from analysis.errors import CorpusError, ParameterError

if TYPE_CHECKING:
    from distributed import Client

    from analysis.pipeline import Analysis

__all__ = [
    "ID_COLUMN",
    "StreamingTopicModel",
    "analyze_dask",
    "parquet_partitions",
    "streaming_group_terms",
    "streaming_topics",
    "write_parquet_corpus",
]

#: The story id column every partitioned dataset carries.
ID_COLUMN = "id"
#: File name of partition ``n``.
PART_NAME = "part-{:05d}.parquet"
#: Terms kept to name hashed columns in :func:`streaming_topics`.
MAX_VOCABULARY = 50_000
#: Like :func:`analysis.language.topic_model`: from this many articles on, rare and ubiquitous
#: terms are left out (document frequency below ``MIN_DF`` or above ``MAX_DF`` of articles).
PRUNE_MIN_DOCUMENTS = 200
MIN_DF = 2
MAX_DF = 0.95
#: How :func:`analyze_dask` starts a LocalCluster: worker processes of one thread, no dashboard;
#: the scheduler's small HTTP server (health and metrics routes, started even without a
#: dashboard) listens on a free local port instead of 8787, which may be taken.
LOCAL_CLUSTER_OPTIONS: dict[str, Any] = {
    "threads_per_worker": 1,
    "processes": True,
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
}
#: Show a progress bar by default from this many partitions on (in a terminal).
PROGRESS_MIN_PARTITIONS = 4

# --------------------------------------------------------------------------- checks


def _check_positive_int(value: object, name: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _show_progress(progress: bool | None, n_items: int) -> bool:
    if progress is None:
        return n_items >= PROGRESS_MIN_PARTITIONS and sys.stderr.isatty()
    return bool(progress)


def _has_text(value: object) -> bool:
    """The loader's rule for a usable text cell (:func:`analysis.corpus._text_value`)."""
    return not _text_value(value, "text")[1]


# --------------------------------------------------------------------------- writing Parquet
#
# The source file is read by the loader's own functions (analysis.corpus): the same decoding
# rule (byte order marks, detection with charset-normalizer, binary files refused), the same CSV
# records (physical line numbers, ragged rows and NUL characters caught) and the same JSON Lines
# parsing and cell-type rules. The loader skips a bad record (or raises with strict=True);
# write_parquet_corpus is strict: it raises, naming the file and line, and never writes a row
# with shifted columns.


def _bad_row(reason: str, path: Path, line: int) -> CorpusError:
    return CorpusError(
        f"{reason} (write_parquet_corpus keeps every row, so fix this one and write again)",
        path=path,
        line=line,
    )


def _csv_chunks(path: Path, rows: int, codec: str) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """CSV records in chunks with their lines, read as the loader reads them (all text; empty
    cells -> None)."""
    records = _csv_records_of(_decoded_lines(path, codec), path)
    header = _csv_header(next(records, None), path)
    batch: list[list[str | None]] = []
    lines: list[int] = []
    for record in records:
        problem = _csv_row_problem(record, len(header))
        if problem:
            raise _bad_row(problem, path, record.line)
        batch.append([None if v == "" else v for v in record.fields])
        lines.append(record.line)
        if len(batch) == rows:
            yield pd.DataFrame(batch, columns=header, dtype=object), lines
            batch, lines = [], []
    if batch:
        yield pd.DataFrame(batch, columns=header, dtype=object), lines


def _jsonl_objects(path: Path, codec: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for lineno, obj, problem in _jsonl_objects_of(_decoded_lines(path, codec), path):
        if obj is None:
            raise _bad_row(problem, path, lineno)
        yield lineno, obj


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "json"


def _jsonl_schema(
    path: Path, codec: str, text_column: str | None, id_column: str | None
) -> dict[str, pa.DataType]:
    """One Arrow type per key over the whole file (first pass), so every partition agrees.

    The first pass also applies the loader's cell rules to the story columns (text, title,
    date, outlet, url, id: :func:`analysis.corpus._text_value` and ``_meta_value``), so a
    number where text is expected is an error naming its line, not a text ``"42"``.
    """
    kinds: dict[str, set[str]] = {}
    first: dict[str, dict[str, tuple[int, object]]] = {}  # key -> rule -> first bad cell
    for line, obj in _jsonl_objects(path, codec):
        for key, value in obj.items():
            key = str(key)
            kinds.setdefault(key, set()).add(_json_kind(value))
            bad = first.setdefault(key, {})
            if value is not None and not isinstance(value, str):
                bad.setdefault("string", (line, value))
                if _meta_value("id", value, key)[1]:
                    bad.setdefault("id", (line, value))
    columns = list(kinds)
    text_col, roles = _table_roles(columns, path, {"text": text_column, "id": id_column})
    checks = [("text", text_col), *((r, c) for r, c in roles.items() if c is not None)]
    for role, column in checks:
        rule = "id" if role == "id" else "string"
        if rule not in first.get(column, {}):
            continue
        line, value = first[column][rule]
        if role == "text":
            reason = _text_value(value, column, json_values=True)[1]
        else:
            reason = _meta_value(role, value, column)[1]
        raise _bad_row(reason, path, line)
    schema: dict[str, pa.DataType] = {}
    for key, seen in kinds.items():
        seen = seen - {"null"}
        if seen == {"bool"}:
            schema[key] = pa.bool_()
        elif seen == {"int"}:
            schema[key] = pa.int64()
        elif seen and seen <= {"int", "float"}:
            schema[key] = pa.float64()
        else:
            schema[key] = pa.string()
    return schema


def _jsonl_chunks(
    path: Path,
    rows: int,
    codec: str,
    schema: Mapping[str, pa.DataType],
    id_key: str | None = None,
) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """JSON records in chunks with their lines; ``id_key``'s values are left as they are (the
    loader's id rule turns them into text later)."""

    def cell(value: object, kind: pa.DataType, key: str) -> object:
        if value is None or kind != pa.string() or isinstance(value, str) or key == id_key:
            return value
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    batch: list[dict[str, Any]] = []
    lines: list[int] = []
    for line, obj in _jsonl_objects(path, codec):
        batch.append({k: cell(obj.get(k), t, k) for k, t in schema.items()})
        lines.append(line)
        if len(batch) == rows:
            yield pd.DataFrame(batch, columns=list(schema)), lines
            batch, lines = [], []
    if batch:
        yield pd.DataFrame(batch, columns=list(schema)), lines


def write_parquet_corpus(
    source: str | Path,
    out_dir: str | Path,
    *,
    rows_per_partition: int = 500,
    text_column: str | None = None,
    id_column: str | None = None,
    encoding: str = "utf-8",
    overwrite: bool = False,
) -> Path:
    """Write a CSV or JSON Lines corpus as a partitioned Parquet dataset, reading it in chunks.

    The output folder gets ``part-00000.parquet``, ``part-00001.parquet`` ... with
    ``rows_per_partition`` articles each (the last may have fewer) and the input's columns, with
    an ``id`` column: the input's id column (``id_column``, else ``id``/``story_id``/
    ``article_id``) renamed ``id`` and kept in place, or, when the input has none, a new first
    column ``row-<n>`` (``n`` the 1-based article number in the file). CSV cells are read as text
    (empty cells are missing), as :func:`analysis.corpus.load_corpus` reads them; JSON values keep
    one Arrow type per key over the file (nested values are stored as JSON text; the file is
    read twice, for the types and then the rows). The same input
    gives byte-identical files. Memory: one chunk, plus the set of ids seen (to check they are
    unique); a file that is not valid ``encoding`` is read whole once to detect its encoding.

    The file is read by the loader's functions and rules (see :mod:`analysis.corpus`): a byte
    order mark decides the encoding, an undecodable file is read in the encoding
    charset-normalizer detects (with a :class:`~analysis.corpus.CorpusWarning`), binary files are
    refused; lines are physical lines. Where the loader would skip a record, this function
    raises, naming the line: a CSV row with more or fewer fields than the header, a NUL
    character, or a JSON story cell of the wrong type (text, title, date, outlet or url that is
    not a string, an id that is not a string or a whole number). Whole-number ids become their
    digits (``7`` -> ``"7"``), as in the loader.

    Args:
        source: a ``.csv``, ``.jsonl`` or ``.ndjson`` file.
        out_dir: the folder to write (created if needed).
        rows_per_partition: articles per Parquet file.
        text_column: the column holding article text (checked to exist); ``None`` tries
            ``text``/``body``/``content``/``article``.
        id_column: the input's story id column; ``None`` tries ``id``/``story_id``/``article_id``.
        encoding: the encoding the input is expected in (see :func:`analysis.corpus.load_corpus`).
        overwrite: replace ``part-*.parquet`` files already in ``out_dir`` (else an error).

    Returns:
        ``out_dir`` as a :class:`~pathlib.Path`.

    Raises:
        CorpusError: missing, unsupported, binary or undecodable file, malformed CSV/JSON, a
            ragged CSV row, a NUL character, a JSON cell of the wrong type, no text column, an
            empty input, or a missing or repeated id (naming the file and line).
        ParameterError: bad ``rows_per_partition``, existing partitions without ``overwrite``,
            or an ``id`` column that is not the chosen id column.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("text,source\\nOne story.,A\\nAnother.,B\\nThird.,A\\n")
    >>> out = write_parquet_corpus(folder / "a.csv", folder / "pq", rows_per_partition=2)
    >>> sorted(p.name for p in out.iterdir())
    ['part-00000.parquet', 'part-00001.parquet']
    >>> pd.read_parquet(out)["id"].tolist()
    ['row-1', 'row-2', 'row-3']
    """
    rows_per_partition = _check_positive_int(rows_per_partition, "rows_per_partition")
    source = Path(source).expanduser()
    out = Path(out_dir).expanduser()
    if not source.is_file():
        raise CorpusError("no such file; pass a .csv or .jsonl corpus file.", path=source)
    suffix = source.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise CorpusError(
            f"unsupported file type {suffix!r} for a Parquet dataset; use .csv or .jsonl.",
            path=source,
        )
    decoding = _file_decoding(source, encoding)
    if decoding.note is not None:
        warnings.warn(decoding.note, CorpusWarning, stacklevel=2)
    column_types: dict[str, pa.DataType] = {}  # CSV cells are all text
    chunks: Iterator[tuple[pd.DataFrame, list[int]]]
    if suffix == ".csv":
        chunks = _csv_chunks(source, rows_per_partition, decoding.codec)
    else:
        column_types = _jsonl_schema(source, decoding.codec, text_column, id_column)
        id_key = _pick_column(list(column_types), id_column, "id", source)
        chunks = _jsonl_chunks(source, rows_per_partition, decoding.codec, column_types, id_key)
    existing = sorted(out.glob("part-*.parquet")) if out.is_dir() else []
    if existing and not overwrite:
        raise ParameterError(
            f"{out} already holds {len(existing)} partition file(s); pass overwrite=True to "
            "replace them or choose an empty folder"
        )
    out.mkdir(parents=True, exist_ok=True)
    for stale in existing:
        stale.unlink()
    seen: dict[str, int] = {}
    schema: pa.Schema | None = None
    id_source: str | None = None
    n_rows = 0
    for part, (chunk, lines) in enumerate(chunks):
        if schema is None:
            columns = [str(c) for c in chunk.columns]
            _require_text_column(columns, text_column, source)
            id_source = _pick_column(columns, id_column, "id", source)
            if id_source not in (None, ID_COLUMN) and ID_COLUMN in columns:
                raise ParameterError(
                    f"{source} has a column {ID_COLUMN!r} and the id column is {id_source!r}; "
                    f"rename one of them (the dataset's ids go in {ID_COLUMN!r})"
                )
        frame = chunk.reset_index(drop=True)
        numbers = np.arange(n_rows + 1, n_rows + len(frame) + 1)
        if id_source is None:
            ids = [f"row-{n}" for n in numbers]
            frame.insert(0, ID_COLUMN, ids)
        else:
            # the loader's id rule: a string, or a whole number as its digits; blank is missing
            ids = [_meta_value("id", value, id_source)[0] or "" for value in frame[id_source]]
            frame[id_source] = ids
            frame = frame.rename(columns={id_source: ID_COLUMN})
        for story_id, line in zip(ids, lines, strict=True):
            if not story_id.strip():
                raise CorpusError(
                    f"the id is missing; every article needs an id in {id_source!r} (or drop the "
                    "column to number the rows).",
                    path=source,
                    line=line,
                    column=id_source,
                )
            if story_id in seen:
                raise CorpusError(
                    f"the id {story_id!r} repeats the id on line {seen[story_id]}; ids must be "
                    "unique to partition a corpus.",
                    path=source,
                    line=line,
                    column=id_source,
                )
            seen[story_id] = line
        if schema is None:  # ids are text; other columns keep the type of the whole file
            schema = pa.schema(
                [
                    (c, pa.string() if c == ID_COLUMN else column_types.get(c, pa.string()))
                    for c in frame.columns
                ]
            )
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        pq.write_table(table, out / PART_NAME.format(part))
        n_rows += len(frame)
    if schema is None or n_rows == 0:
        raise CorpusError("the file holds no articles.", path=source)
    return out


# --------------------------------------------------------------------------- reading Parquet


def parquet_partitions(parquet_dir: str | Path) -> list[Path]:
    """The Parquet files of a dataset, in the order they are read (sorted by relative path).

    Hidden files and files whose name starts with ``_`` (``_metadata``) are ignored; a single
    ``.parquet`` file is a dataset of one partition.

    Raises:
        CorpusError: the folder does not exist or holds no ``.parquet`` file.
    """
    root = Path(parquet_dir).expanduser()
    if not root.exists():
        raise CorpusError(
            "no such Parquet folder; write one with write_parquet_corpus(csv_path, folder).",
            path=root,
        )
    if root.is_file():
        if root.suffix.lower() != ".parquet":
            raise CorpusError("not a .parquet file or folder.", path=root)
        return [root]
    files = sorted(
        (
            p
            for p in root.rglob("*.parquet")
            if p.is_file()
            and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
        ),
        key=lambda p: p.relative_to(root).as_posix(),
    )
    if not files:
        raise CorpusError(
            "the folder holds no .parquet files; write a partitioned corpus with "
            "write_parquet_corpus(csv_path, folder).",
            path=root,
        )
    return files


@dataclass(frozen=True)
class _Layout:
    """What the client knows about a dataset before any task runs."""

    root: Path
    files: list[Path]
    n_rows: list[int]
    text_column: str
    columns: list[str]

    @property
    def offsets(self) -> list[int]:
        return [int(x) for x in np.concatenate([[0], np.cumsum(self.n_rows)[:-1]])]


def _layout(parquet_dir: str | Path, text_column: str | None, *, need_id: bool) -> _Layout:
    files = parquet_partitions(parquet_dir)
    root = Path(parquet_dir).expanduser()
    n_rows: list[int] = []
    columns: list[str] | None = None
    text: str | None = None
    for file in files:
        try:
            meta = pq.ParquetFile(file)
        except (OSError, pa.ArrowException) as exc:
            raise CorpusError(f"not a readable Parquet file ({exc}).", path=file) from exc
        names = list(meta.schema_arrow.names)
        if columns is None:
            columns = names
            text = _require_text_column(names, text_column, root)
        elif text not in names:
            raise CorpusError(
                f"this partition has no text column {text!r} (the first partition has); its "
                f"columns are {names}.",
                path=file,
            )
        if need_id and ID_COLUMN not in names:
            raise CorpusError(
                f"no {ID_COLUMN!r} column; a partitioned corpus needs unique story ids (the "
                f"columns are {names}). Write the dataset with write_parquet_corpus(), which adds "
                "one.",
                path=file,
            )
        n_rows.append(int(meta.metadata.num_rows))
    assert columns is not None and text is not None
    if sum(n_rows) == 0:
        raise CorpusError("the Parquet dataset has no rows.", path=root)
    return _Layout(root, files, n_rows, text, columns)


def _check_ids(layout: _Layout) -> None:
    """Ids must be present and unique over the dataset (the loader would otherwise rename them)."""
    seen: dict[str, str] = {}
    for file, offset in zip(layout.files, layout.offsets, strict=True):
        values = pq.read_table(file, columns=[ID_COLUMN]).column(0).to_pylist()
        name = file.relative_to(layout.root).as_posix() if file != layout.root else file.name
        for row, value in enumerate(values, start=1):
            story_id = "" if value is None else str(value)
            if not story_id.strip():
                raise CorpusError(
                    f"row {row} has no id (dataset row {offset + row}); every article needs one.",
                    path=file,
                    column=ID_COLUMN,
                )
            if story_id in seen:
                raise CorpusError(
                    f"the id {story_id!r} (row {row}) repeats an id of {seen[story_id]}; ids must "
                    "be unique over the dataset.",
                    path=file,
                    column=ID_COLUMN,
                )
            seen[story_id] = name


def _read_partition(file: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    try:
        return pq.read_table(file, columns=list(columns) if columns else None).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise CorpusError(f"not a readable Parquet file ({exc}).", path=file) from exc


# --------------------------------------------------------------------------- the cluster


@contextlib.contextmanager
def _client(scheduler: str | Client | None, n_workers: int) -> Iterator[Client]:
    """A ``Client``: the one given, one connected to an address, or one on a new LocalCluster.

    Closes only what it opened.
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is None:
        n_workers = _check_positive_int(n_workers, "n_workers")
        cluster = LocalCluster(**LOCAL_CLUSTER_OPTIONS, n_workers=n_workers)
        try:
            client = Client(cluster)
            try:
                yield client
            finally:
                client.close()
        finally:
            cluster.close()
        return
    if not isinstance(scheduler, str):
        raise ParameterError(
            "scheduler must be None (start a LocalCluster), a scheduler address like "
            f"'tcp://10.0.0.1:8786' or a distributed.Client, got {type(scheduler).__name__}"
        )
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise ParameterError(f"cannot reach the Dask scheduler at {scheduler!r} ({exc})") from exc
    try:
        yield client
    finally:
        client.close()


def _run(
    client: Client,
    func: Callable[..., Any],
    tasks: Sequence[dict[str, Any]],
    *,
    progress: bool,
    desc: str,
    on_result: Callable[[int, Any], None],
) -> None:
    """Submit ``func(**task)`` per task; call ``on_result(index, result)`` as each completes."""
    from distributed import as_completed

    futures = [client.submit(func, **task, pure=False) for task in tasks]
    index = {f.key: i for i, f in enumerate(futures)}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(futures), desc=desc, unit="partition")
    try:
        for future in as_completed(futures):
            result = future.result()
            on_result(index[future.key], result)
            future.release()
            if bar is not None:
                bar.update(1)
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        if bar is not None:
            bar.close()


# --------------------------------------------------------------------------- the analysis pass


def _analyze_partition(
    *,
    file: str,
    name: str,
    row_offset: int,
    text_column: str,
    codebooks: Sequence[Any],
    terms: bool,
    cache: bool,
) -> dict[str, Any]:
    """One partition's tables (run on a worker): from_dataframe + analyze."""
    from analysis.corpus import from_dataframe
    from analysis.pipeline import analyze

    frame = _read_partition(Path(file))
    columns = {"text": text_column, "id": ID_COLUMN}
    lines = list(range(1 + row_offset, len(frame) + 1 + row_offset))
    records, skips = _table_records(frame, Path(name), Path(name), columns, lines)
    if not records:  # the loader's reasons, without building an empty corpus
        skipped = pd.DataFrame(skips, columns=["source_file", "source_line", "reason"])
        return {"skipped": skipped.astype({"source_line": np.int64})}
    corpus = from_dataframe(
        frame,
        text_column=text_column,
        id_column=ID_COLUMN,
        name=name,
        cache=cache,
        workers=1,
        progress=False,
    )
    result = analyze(
        corpus, codebooks=codebooks, terms=terms, cache=cache, workers=1, progress=False
    )
    stories = corpus.stories.copy()
    stories["source_line"] = stories["source_line"] + row_offset
    skipped = corpus.skipped.copy()
    skipped["source_line"] = skipped["source_line"] + row_offset
    return {
        "stories": stories,
        "sentences": corpus.sentences,
        "skipped": skipped,
        "sentiment": result.sentiment,
        "frame_hits": result.frame_hits,
        # term counts per distinct text (content key); Analysis maps them onto stories
        "keyed_terms": result.keyed_terms,
        "story_keys": result.story_keys,
    }


def _concat(frames: Sequence[pd.DataFrame | None], *, keep_dtypes: bool = True) -> pd.DataFrame:
    """Concatenate partition tables in order; empty ones only lend their columns."""
    present = [f for f in frames if f is not None]
    if not present:
        return pd.DataFrame()
    kept = [f for f in present if len(f)] or present[:1]
    out = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True)
    if keep_dtypes and len(kept) > 1:
        out = out.astype(kept[0].dtypes.to_dict())
    return out


def _skipped_dtypes() -> dict[str, Any]:
    """The dtypes the loader gives a non-empty ``skipped`` table (asked of the loader itself)."""
    from analysis.corpus import from_dataframe

    probe = from_dataframe(pd.DataFrame({"text": ["", "Text."]}), cache=False, progress=False)
    return probe.skipped.dtypes.to_dict()


def _global_duplicates(stories: pd.DataFrame) -> pd.Series:
    """``duplicate_of`` over the whole corpus: the first story with the same analysed text."""
    from analysis.cache import content_key

    first: dict[str, str] = {}
    values: list[str | None] = []
    for story_id, text in zip(stories["story_id"], stories["text"], strict=True):
        key = content_key(text)
        values.append(first.get(key))
        first.setdefault(key, story_id)
    return pd.Series(values, index=stories.index, dtype=object)


def analyze_dask(
    parquet_dir: str | Path,
    *,
    scheduler: str | Client | None = None,
    n_workers: int = 2,
    codebooks: Sequence[Any] = ("generic", "policy"),
    terms: bool = True,
    text_column: str | None = None,
    name: str | None = None,
    cache: bool = False,
    progress: bool | None = None,
) -> Analysis:
    """The shared analysis pass on a Dask cluster, one task per Parquet partition.

    Equals ``analyze(from_dataframe(pd.read_parquet(parquet_dir), id_column="id",
    name=name), codebooks=codebooks, terms=terms)``: the same ``stories``, ``sentences``,
    ``skipped``, ``sentiment``, ``frame_hits`` and ``term_counts`` tables (see the module
    docstring for how the non-per-story columns are made global).

    Args:
        parquet_dir: a partitioned Parquet dataset (:func:`write_parquet_corpus`) with an ``id``
            column of unique story ids. Workers read the files by their absolute path: on a
            multi-machine cluster the folder must be on a file system every worker mounts at
            the same path.
        scheduler: ``None`` starts a ``LocalCluster`` of ``n_workers`` single-thread worker
            processes (no dashboard) and closes it at the end; a scheduler address
            (``"tcp://host:8786"``) connects to a running cluster; a ``distributed.Client`` is
            used as is (and left open).
        n_workers: worker processes of the LocalCluster (``scheduler=None`` only).
        codebooks: codebook names, paths or ``Codebook`` objects (loaded here, sent to workers).
        terms: also count terms per story (``term_counts``).
        text_column: the column holding article text (``None``: ``text``/``body`` ...).
        name: stands for the file name in ``source_file`` (default: the dataset folder's name);
            ``source_line`` is the 1-based row number over the whole dataset.
        cache: ``True`` lets each worker use its default on-disk cache
            (:mod:`analysis.cache`); ``False`` computes everything.
        progress: show a progress bar over partitions (``None``: in a terminal, from
            :data:`PROGRESS_MIN_PARTITIONS` partitions).

    Returns:
        An :class:`analysis.pipeline.Analysis` whose corpus' ``source`` is ``parquet_dir``.

    Raises:
        CorpusError: missing or empty folder, unreadable file, no text or ``id`` column, missing
            or repeated ids, or no article with text.
        ParameterError: bad ``scheduler``/``n_workers``, an unreachable scheduler.
        CodebookError: a codebook that cannot be loaded.
    """
    from analysis.corpus import Corpus
    from analysis.framing import load_codebook
    from analysis.pipeline import Analysis

    layout = _layout(parquet_dir, text_column, need_id=True)
    _check_ids(layout)
    books = [load_codebook(b) for b in codebooks]
    label = name if name is not None else layout.root.name
    tasks = [
        {
            "file": str(file.resolve()),
            "name": label,
            "row_offset": offset,
            "text_column": layout.text_column,
            "codebooks": books,
            "terms": bool(terms),
            "cache": bool(cache),
        }
        for file, offset in zip(layout.files, layout.offsets, strict=True)
    ]
    results: list[dict[str, Any] | None] = [None] * len(tasks)

    def keep(i: int, result: dict[str, Any]) -> None:
        results[i] = result

    with _client(scheduler, n_workers) as client:
        _run(
            client,
            _analyze_partition,
            tasks,
            progress=_show_progress(progress, len(tasks)),
            desc="analysing partitions",
            on_result=keep,
        )
    done = [r for r in results if r is not None]
    analysed = [r for r in done if "stories" in r]
    skipped = _concat([r["skipped"] for r in done], keep_dtypes=False)
    if not analysed:
        reasons = "; ".join(dict.fromkeys(skipped["reason"].astype(str)).keys())
        raise CorpusError(f"no stories could be loaded ({reasons}).", path=layout.root)
    # the loader lists records it cannot use first, then texts empty after normalisation
    if len(skipped):
        late = (skipped["reason"].astype(str) == NO_TEXT_REASON).to_numpy()
        skipped = skipped.iloc[np.argsort(late, kind="stable")]
        skipped = skipped.reset_index(drop=True).astype(_skipped_dtypes())
    else:
        skipped = analysed[0]["skipped"].reset_index(drop=True)
    stories = _concat([r["stories"] for r in analysed], keep_dtypes=False)
    stories["duplicate_of"] = _global_duplicates(stories)
    sentences = _concat([r["sentences"] for r in analysed])
    corpus = Corpus(stories=stories, sentences=sentences, skipped=skipped, source=str(parquet_dir))
    frame_hits = {
        book.name: _concat([r["frame_hits"][book.name] for r in analysed]) for book in books
    }
    return Analysis(
        corpus=corpus,
        sentiment=_concat([r["sentiment"] for r in analysed]),
        frame_hits=frame_hits,
        codebooks={book.name: book for book in books},
        keyed_terms=_keyed_terms([r["keyed_terms"] for r in analysed]) if terms else None,
        story_keys=tuple(k for r in analysed for k in r["story_keys"]),
    )


def _keyed_terms(frames: Sequence[pd.DataFrame | None]) -> pd.DataFrame:
    """Per-text term counts of all partitions; a text found in several partitions counts once."""
    from analysis.cache import KEY_COLUMN

    table = _concat(frames)
    if KEY_COLUMN in table.columns and len(frames) > 1:
        table = table.drop_duplicates([KEY_COLUMN, "term"], ignore_index=True)
    return table


# --------------------------------------------------------------------------- streaming terms


@dataclass
class _GroupSummary:
    """Additive per-group term statistics of some partitions."""

    first_seen: dict[str, tuple[int, int]] = field(default_factory=dict)  # (partition, row)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    n_stories: dict[str, Counter[str]] = field(default_factory=dict)
    unnamed: dict[str, Counter[str]] = field(default_factory=dict)  # stories without a source
    named: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (group, source)

    def merge(self, other: _GroupSummary) -> None:
        for label, where in other.first_seen.items():
            self.first_seen[label] = min(where, self.first_seen.get(label, where))
        for mine, theirs in (
            (self.counts, other.counts),
            (self.n_stories, other.n_stories),
            (self.unnamed, other.unnamed),
        ):
            for label, counter in theirs.items():
                mine.setdefault(label, Counter()).update(counter)
        for key, terms in other.named.items():
            self.named.setdefault(key, set()).update(terms)


def _group_partition(
    *,
    file: str,
    index: int,
    name: str,
    text_column: str,
    group: str,
    source: str,
    ngram_range: tuple[int, int],
    cache: bool,
) -> _GroupSummary:
    """Per-group term counts of one partition (stories built as the loader builds them)."""
    from analysis.corpus import from_dataframe
    from analysis.language import group_values as _group_values
    from analysis.language import text_terms as story_terms

    summary = _GroupSummary()
    frame = _read_partition(Path(file))
    if not any(_has_text(v) for v in frame[text_column]):
        return summary
    corpus = from_dataframe(
        frame,
        text_column=text_column,
        id_column=ID_COLUMN if ID_COLUMN in frame.columns else None,
        name=name,
        cache=cache,
        workers=1,
        progress=False,
    )
    stories = corpus.stories
    if group not in stories.columns:
        raise ParameterError(
            f"group {group!r} is not a story column; choose one of {list(stories.columns)}"
        )
    labels, group_index = _group_values(stories, group)
    first_row = {}
    for row, g in enumerate(group_index):
        first_row.setdefault(int(g), row)
    summary.first_seen = {label: (index, first_row[g]) for g, label in enumerate(labels)}
    sources = stories[source] if source in stories.columns else pd.Series(np.nan, stories.index)
    for text, g, src in zip(stories["text"], group_index, sources, strict=True):
        label = labels[g]
        counter = story_terms(text, ngram_range=ngram_range)
        summary.counts.setdefault(label, Counter()).update(counter)
        used = {t for t, n in counter.items() if n}
        summary.n_stories.setdefault(label, Counter()).update(used)
        if pd.isna(src):
            summary.unnamed.setdefault(label, Counter()).update(used)
        else:
            summary.named.setdefault((label, src), set()).update(used)
    return summary


def streaming_group_terms(
    parquet_dir: str | Path,
    *,
    group: str,
    top_n: int = 15,
    ngram_range: Sequence[int] = (1, 2),
    alpha0: float | None = None,
    min_count: int = 1,
    min_sources: int = 1,
    source: str = "outlet",
    text_column: str | None = None,
    scheduler: str | Client | None | bool = False,
    n_workers: int = 2,
    cache: bool = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Distinctive terms per group (Monroe et al. 2008) of a Parquet dataset, streamed.

    Equals ``distinctive_terms(from_dataframe(pd.read_parquet(parquet_dir), id_column="id")
    .stories, group=group, ...)`` without holding the corpus: each partition is loaded on its
    own, and only per-group term counts (additive), per-group counts of stories using each term
    and per-(group, source) term sets are kept and merged. The log-odds themselves are
    :func:`analysis.language.distinctive_terms`, run on one pseudo-story per group.

    Args:
        parquet_dir: a Parquet dataset (an ``id`` column is used when present; without one,
            story ids are the loader's per-partition slugs, which only matters for
            ``group="story_id"``).
        group, top_n, ngram_range, alpha0, min_count, min_sources, source: as
            :func:`analysis.language.distinctive_terms`.
        text_column: the column holding article text (``None``: ``text``/``body`` ...).
        scheduler: ``False`` (default) reads the partitions one after the other in this process;
            ``None``, an address or a ``distributed.Client`` summarise them on a Dask cluster (as
            :func:`analyze_dask`) and merge the summaries here as they arrive.
        n_workers: workers of the LocalCluster started for ``scheduler=None``.
        cache: let the loader read sentence spans from the on-disk cache.
        progress: show a progress bar over partitions (``None``: in a terminal).

    Returns:
        The table of :func:`analysis.language.distinctive_terms` (``group``, ``rank``, ``term``,
        ``ngram``, ``z``, ``delta``, ``count``, ``count_rest``, ``per_1000``,
        ``per_1000_rest``, ``n_stories``, ``n_sources``, ``significant``).

    Raises:
        CorpusError: missing or empty dataset, or no text column.
        ParameterError: unknown ``group``, bad options (as ``distinctive_terms``).
    """
    from analysis.language import check_ngram_range as _check_ngram_range
    from analysis.language import distinctive_terms

    lo_hi = _check_ngram_range(ngram_range)
    top_n = _check_positive_int(top_n, "top_n")
    min_count = _check_positive_int(min_count, "min_count")
    min_sources = _check_positive_int(min_sources, "min_sources")
    layout = _layout(parquet_dir, text_column, need_id=False)
    tasks = [
        {
            "file": str(file.resolve()),
            "index": i,
            "name": layout.root.name,
            "text_column": layout.text_column,
            "group": group,
            "source": source,
            "ngram_range": lo_hi,
            "cache": bool(cache),
        }
        for i, file in enumerate(layout.files)
    ]
    total = _GroupSummary()
    show = _show_progress(progress, len(tasks))
    if scheduler is False:
        bar = None
        if show:
            from tqdm import tqdm

            bar = tqdm(total=len(tasks), desc="counting terms", unit="partition")
        try:
            for task in tasks:
                total.merge(_group_partition(**task))
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
    else:
        with _client(scheduler, n_workers) as client:  # type: ignore[arg-type]
            _run(
                client,
                _group_partition,
                tasks,
                progress=show,
                desc="counting terms",
                on_result=lambda _i, summary: total.merge(summary),
            )
    labels = sorted(total.first_seen, key=total.first_seen.__getitem__)
    return _distinctive_from_summary(
        total,
        labels,
        distinctive_terms,
        top_n=top_n,
        ngram_range=lo_hi,
        alpha0=alpha0,
        min_count=min_count,
        min_sources=min_sources,
    )


def _distinctive_from_summary(
    summary: _GroupSummary,
    labels: list[str],
    distinctive_terms: Callable[..., pd.DataFrame],
    *,
    top_n: int,
    ngram_range: tuple[int, int],
    alpha0: float | None,
    min_count: int,
    min_sources: int,
) -> pd.DataFrame:
    from analysis.language import DISTINCTIVE_COLUMNS, TermCounts

    pseudo_ids = [f"group-{i}" for i in range(len(labels))]
    pseudo = pd.DataFrame({"story_id": pseudo_ids, "text": "", "_group": labels})
    counts = TermCounts.from_counters(
        {
            pid: summary.counts.get(label, Counter())
            for pid, label in zip(pseudo_ids, labels, strict=True)
        }
    )
    # min_sources is applied below with the true source counts: rank every term first
    wanted = top_n if min_sources == 1 else max(1, len(counts.terms))
    table = distinctive_terms(
        pseudo,
        group="_group",
        top_n=wanted,
        ngram_range=ngram_range,
        alpha0=alpha0,
        min_count=min_count,
        counts=counts,
        source="_no_source_column",
    )
    if table.empty:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    n_sources: dict[str, Counter[str]] = {
        label: Counter(summary.unnamed.get(label, Counter())) for label in labels
    }
    for (label, _src), terms in summary.named.items():
        n_sources[label].update(terms)
    pairs = list(zip(table["group"], table["term"], strict=True))
    table["n_stories"] = np.array(
        [summary.n_stories.get(g, Counter())[t] for g, t in pairs], dtype=np.int64
    )
    table["n_sources"] = np.array([n_sources[g][t] for g, t in pairs], dtype=np.int64)
    if min_sources > 1:
        table = table[table["n_sources"] >= min_sources]
        table = table[table.groupby("group", sort=False).cumcount() < top_n].copy()
        table["rank"] = (table.groupby("group", sort=False).cumcount() + 1).astype(np.int64)
        table = table.reset_index(drop=True)
    return table[DISTINCTIVE_COLUMNS]


# --------------------------------------------------------------------------- streaming topics


@dataclass(frozen=True)
class StreamingTopicModel:
    """An online NMF topic model fitted partition by partition (see :func:`streaming_topics`).

    Attributes:
        n_topics: number of topics.
        topics: one row per topic: ``topic`` (1..k, by decreasing total weight), ``label``
            (three top terms joined by `` / ``), ``top_terms`` (comma-separated),
            ``weight_share`` (share of all topic weight), ``n_units`` (articles whose heaviest
            topic it is).
        terms: ``topic``, ``rank``, ``term``, ``weight`` (row of ``H``; a hashed column is named
            by the most frequent known term hashed to it, columns with no known term skipped).
        units: one row per article: ``story_id``, ``topic`` (heaviest; 0 for an article with
            no counted term), ``label``, ``share`` (of the article's total topic weight).
        shares: ``story_id``, ``topic``, ``label``, ``share`` (every article x topic; an
            article's shares sum to 1, or are all 0).
        n_documents: articles with text.
        n_steps: mini-batch updates (``partial_fit`` calls) run.
        vocabulary_size: distinct terms kept to name columns (at most ``max_vocabulary``).
    """

    n_topics: int
    topics: pd.DataFrame
    terms: pd.DataFrame
    units: pd.DataFrame
    shares: pd.DataFrame
    n_documents: int
    n_steps: int
    vocabulary_size: int


def _prune(counter: Counter[str], size: int) -> Counter[str]:
    """The ``size`` most frequent terms (ties by term), deterministically."""
    if len(counter) <= size:
        return counter
    kept = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:size]
    return Counter(dict(kept))


def _tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray, active: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf x idf, l2-normalised rows (scikit-learn ``TfidfTransformer``'s weighting).

    Only the ``active`` hashed columns (those with a non-zero idf) are kept, in that order.
    """
    from sklearn.preprocessing import normalize

    x = counts.tocsr()[:, active].astype(np.float64)
    x.data = 1.0 + np.log(x.data)
    x = (x @ sp.diags(idf[active])).tocsr()
    return normalize(x, norm="l2", copy=False).tocsr()


def streaming_topics(
    parquet_dir: str | Path,
    *,
    n_topics: int = 10,
    n_features: int = 2**18,
    seed: int = 0,
    batch_size: int = 256,
    n_epochs: int = 5,
    init_size: int = 2048,
    top_terms: int = 10,
    max_vocabulary: int = MAX_VOCABULARY,
    text_column: str | None = None,
    spill_dir: str | Path | None = None,
    progress: bool | None = None,
) -> StreamingTopicModel:
    """Topics of a Parquet dataset by online NMF on hashed TF-IDF (see the module docstring).

    Reads one partition at a time: pass 1 hashes each article's unigram counts, counts document
    frequencies, keeps the ``max_vocabulary`` most frequent terms (to name columns) and a seeded
    reservoir sample of ``init_size`` articles, and spills the hashed counts to ``spill_dir``;
    then ``MiniBatchNMF`` is initialised on the sample and updated with ``partial_fit`` on
    mini-batches of ``batch_size`` articles for ``n_epochs`` passes; a last pass computes every
    article's topic shares. The same dataset (same partitioning) and ``seed`` give identical
    tables; the same articles partitioned differently are visited in another order and give a
    close but not identical model.

    Args:
        parquet_dir: a Parquet dataset (``id`` column for story ids, else ``row-<n>``).
        n_topics: number of topics ``k``.
        n_features: hashed columns (a power of two is usual; collisions merge terms).
        seed: seeds the reservoir sample, the shuffling and ``MiniBatchNMF(random_state=)``.
        batch_size: articles per ``partial_fit`` step.
        n_epochs: passes over the spilled matrices.
        init_size: articles in the reservoir sample the model is initialised on.
        top_terms: terms listed per topic.
        max_vocabulary: terms kept to name hashed columns.
        text_column: the column holding article text (``None``: ``text``/``body`` ...).
        spill_dir: folder for the hashed counts (``None``: a temporary folder, removed after).
        progress: show progress bars (``None``: in a terminal, from 4 partitions).

    Returns:
        A :class:`StreamingTopicModel`.

    Raises:
        CorpusError: missing or empty dataset, no text column, or no article with text.
        ParameterError: a bad option, or ``n_topics`` above the articles with terms.
    """
    from sklearn.decomposition import MiniBatchNMF
    from sklearn.feature_extraction import FeatureHasher

    from analysis.language import text_terms as story_terms
    from analysis.normalize import normalize_text

    n_topics = _check_positive_int(n_topics, "n_topics")
    n_features = _check_positive_int(n_features, "n_features", minimum=2)
    batch_size = _check_positive_int(batch_size, "batch_size")
    n_epochs = _check_positive_int(n_epochs, "n_epochs")
    init_size = _check_positive_int(init_size, "init_size", minimum=n_topics)
    top_terms = _check_positive_int(top_terms, "top_terms")
    max_vocabulary = _check_positive_int(max_vocabulary, "max_vocabulary")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be an integer, got {seed!r}")
    layout = _layout(parquet_dir, text_column, need_id=False)
    hasher = FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)
    rng = np.random.default_rng(int(seed))
    show = _show_progress(progress, len(layout.files))

    def bar(total: int, desc: str) -> Any:
        if not show:
            return contextlib.nullcontext(None)
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit="partition")

    with contextlib.ExitStack() as stack:
        if spill_dir is None:
            spill = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="topics-")))
        else:
            spill = Path(spill_dir).expanduser()
            spill.mkdir(parents=True, exist_ok=True)
        # pass 1: hashed counts, document frequencies, vocabulary, reservoir sample
        df = np.zeros(n_features, dtype=np.int64)
        vocabulary: Counter[str] = Counter()
        reservoir: list[sp.csr_matrix] = []
        n_docs = 0
        spilled: list[tuple[Path, list[str]]] = []
        with bar(len(layout.files), "hashing") as b1:
            for part, (file, offset) in enumerate(zip(layout.files, layout.offsets, strict=True)):
                columns = [layout.text_column]
                if ID_COLUMN in layout.columns and layout.text_column != ID_COLUMN:
                    columns.append(ID_COLUMN)
                frame = _read_partition(file, columns)
                ids: list[str] = []
                counters: list[Counter[str]] = []
                for row, value in enumerate(frame[layout.text_column]):
                    if not _has_text(value):
                        continue
                    story = frame[ID_COLUMN].iat[row] if ID_COLUMN in frame.columns else None
                    missing = story is None or (isinstance(story, float) and math.isnan(story))
                    ids.append(f"row-{offset + row + 1}" if missing else str(story))
                    counter = story_terms(normalize_text(value), ngram_range=(1, 1))
                    counters.append(counter)
                    vocabulary.update(counter)
                if len(vocabulary) > 2 * max_vocabulary:
                    vocabulary = _prune(vocabulary, max_vocabulary)
                counts = hasher.transform(counters).tocsr() if counters else None
                if counts is not None:
                    counts.sort_indices()
                    df += np.bincount(counts.indices, minlength=n_features)
                    path = spill / f"hashed-{part:05d}.npz"
                    sp.save_npz(path, counts, compressed=False)
                    spilled.append((path, ids))
                    for i in range(counts.shape[0]):  # reservoir sampling, Algorithm R
                        if n_docs < init_size:
                            reservoir.append(counts[i])
                        else:
                            j = int(rng.integers(0, n_docs + 1))
                            if j < init_size:
                                reservoir[j] = counts[i]
                        n_docs += 1
                if b1 is not None:
                    b1.update(1)
        if n_docs == 0:
            raise CorpusError("no article has text.", path=layout.root)
        vocabulary = _prune(vocabulary, max_vocabulary)
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        idf[df == 0] = 0.0
        if n_docs >= PRUNE_MIN_DOCUMENTS:
            idf[(df < MIN_DF) | (df > MAX_DF * n_docs)] = 0.0
        active = np.flatnonzero(idf > 0)
        if len(active) < n_topics:
            raise ParameterError(
                f"n_topics={n_topics} is more than the {len(active)} terms kept; choose fewer"
            )
        sample = _tfidf_rows(sp.vstack(reservoir).tocsr(), idf, active)
        n_useful = int((sample.getnnz(axis=1) > 0).sum())
        if n_topics > n_useful:
            raise ParameterError(
                f"n_topics={n_topics} is more than the {n_useful} sampled articles with terms; "
                f"choose at most {n_useful}"
            )
        model = MiniBatchNMF(
            n_components=n_topics, init="nndsvda", batch_size=batch_size, random_state=int(seed)
        )
        model.partial_fit(sample)
        n_steps = 1
        # pass 2..: online updates on shuffled mini-batches of the spilled matrices
        with bar(n_epochs * len(spilled), "fitting") as b2:
            for _epoch in range(n_epochs):
                for p in rng.permutation(len(spilled)):
                    x = _tfidf_rows(sp.load_npz(spilled[p][0]), idf, active)
                    rows = rng.permutation(x.shape[0])
                    for start in range(0, len(rows), batch_size):
                        model.partial_fit(x[rows[start : start + batch_size]])
                        n_steps += 1
                    if b2 is not None:
                        b2.update(1)
        # last pass: topic weights of every article
        weights: list[np.ndarray] = []
        story_ids: list[str] = []
        with bar(len(spilled), "topic shares") as b3:
            for path, ids in spilled:
                weights.append(model.transform(_tfidf_rows(sp.load_npz(path), idf, active)))
                story_ids.extend(ids)
                if b3 is not None:
                    b3.update(1)
    w = np.vstack(weights)
    h = model.components_
    order = np.lexsort((np.arange(n_topics), -w.sum(axis=0)))
    w, h = w[:, order], h[order]
    column_terms = _column_terms(vocabulary, hasher)
    topic_ids = np.arange(1, n_topics + 1, dtype=np.int64)
    term_rows: list[tuple[int, int, str, float]] = []
    labels: list[str] = []
    for t in range(n_topics):
        named: list[int] = []  # compact columns, heaviest first, that a known term names
        for c in np.lexsort((np.arange(h.shape[1]), -h[t])):
            if h[t, c] <= 0 or len(named) == top_terms:
                break
            if int(active[c]) in column_terms:
                named.append(int(c))
        words = [column_terms[int(active[c])] for c in named]
        labels.append(" / ".join(words[:3]))
        term_rows.extend(
            (t + 1, r, word, float(h[t, c]))
            for r, (word, c) in enumerate(zip(words, named, strict=True), start=1)
        )
    terms = pd.DataFrame(term_rows, columns=["topic", "rank", "term", "weight"])
    terms[["topic", "rank"]] = terms[["topic", "rank"]].astype(np.int64)
    totals = w.sum(axis=1)
    best = np.where(totals > 0, w.argmax(axis=1) + 1, 0).astype(np.int64)
    share = np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] > 0)
    label_of = dict(zip(topic_ids.tolist(), labels, strict=True))
    units = pd.DataFrame(
        {
            "story_id": story_ids,
            "topic": best,
            "label": [label_of.get(int(b), "") for b in best],
            "share": [share[i, b - 1] if b else 0.0 for i, b in enumerate(best)],
        }
    )
    shares = pd.DataFrame(
        {
            "story_id": np.repeat(np.asarray(story_ids, dtype=object), n_topics),
            "topic": np.tile(topic_ids, len(story_ids)),
            "label": np.tile(np.asarray(labels, dtype=object), len(story_ids)),
            "share": share.ravel(),
        }
    )
    grand = w.sum()
    topics = pd.DataFrame(
        {
            "topic": topic_ids,
            "label": labels,
            "top_terms": [
                ", ".join(terms.loc[terms["topic"] == t, "term"]) for t in topic_ids.tolist()
            ],
            "weight_share": w.sum(axis=0) / grand if grand > 0 else np.zeros(n_topics),
            "n_units": [int((best == t).sum()) for t in topic_ids.tolist()],
        }
    )
    return StreamingTopicModel(
        n_topics=n_topics,
        topics=topics,
        terms=terms,
        units=units,
        shares=shares,
        n_documents=n_docs,
        n_steps=n_steps,
        vocabulary_size=len(vocabulary),
    )


def _column_terms(vocabulary: Counter[str], hasher: Any) -> dict[int, str]:
    """Hashed column -> its most frequent known term (ties: alphabetical)."""
    if not vocabulary:
        return {}
    ranked = sorted(vocabulary.items(), key=lambda item: (-item[1], item[0]))
    columns = hasher.transform([{term: 1} for term, _ in ranked]).tocsr().indices
    named: dict[int, str] = {}
    for (term, _n), column in zip(ranked, columns.tolist(), strict=True):
        named.setdefault(int(column), term)
    return named
