"""Partitioned Parquet datasets: writing one from a CSV or JSON Lines file, and reading one.

A dataset is a folder of ``part-00000.parquet``, ``part-00001.parquet`` ... files (read in
file-name order), each holding a slice of the article table with the same columns as a CSV
corpus (``text``/``body``, ``title``, ``date``, ``source``/``outlet`` ...) and an ``id`` column.
The ``id`` column is required by the analysis pass because a story id derived from the lead
(the loader's slug, with ``-2``/``-3`` on collisions) depends on the whole corpus and cannot be
computed per partition.

:func:`write_parquet_corpus` reads its source with the loader's own functions
(:mod:`analysis.corpus.decoding` and :mod:`analysis.corpus.readers`): the same decoding rule
(byte order marks, detection with charset-normalizer, binary files refused), the same CSV
records (physical line numbers, ragged rows and NUL characters caught) and the same JSON Lines
parsing and cell-type rules. The loader skips a bad record (or raises with ``strict=True``);
the writer is strict: it raises, naming the file and line, and never writes a row with shifted
columns.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.corpus import CorpusWarning
from analysis.corpus.decoding import decoded_lines, file_decoding
from analysis.corpus.readers import (
    csv_header,
    csv_records_of,
    csv_row_problem,
    display_name,
    jsonl_objects_of,
    meta_value,
    pick_column,
    require_text_column,
    table_roles,
    text_value,
)
from analysis.dask_engine.options import check_count
from analysis.errors import CorpusError, ParameterError

__all__ = [
    "ID_COLUMN",
    "PART_NAME",
    "DatasetLayout",
    "check_unique_ids",
    "dataset_layout",
    "parquet_partitions",
    "read_partition",
    "write_parquet_corpus",
]

#: The story id column every partitioned dataset carries.
ID_COLUMN = "id"
#: File name of partition ``n``.
PART_NAME = "part-{:05d}.parquet"

# --------------------------------------------------------------------------- writing Parquet


def _bad_row(reason: str, path: Path, line: int) -> CorpusError:
    return CorpusError(
        f"{reason} (write_parquet_corpus keeps every row, so fix this one and write again)",
        path=path,
        line=line,
    )


def _csv_chunks(path: Path, rows: int, codec: str) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """CSV records in chunks with their lines, read as the loader reads them (all text; empty
    cells -> None)."""
    records = csv_records_of(decoded_lines(path, codec), path)
    header = csv_header(next(records, None), path)
    batch: list[list[str | None]] = []
    lines: list[int] = []
    for record in records:
        problem = csv_row_problem(record, len(header))
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
    for lineno, obj, problem in jsonl_objects_of(decoded_lines(path, codec), path):
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
    date, outlet, url, id: :func:`analysis.corpus.readers.text_value` and ``meta_value``), so a
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
                if meta_value("id", value, key)[1]:
                    bad.setdefault("id", (line, value))
    _check_story_cells(list(kinds), first, path, text_column, id_column)
    return _arrow_types(kinds)


def _check_story_cells(
    columns: list[str],
    first: dict[str, dict[str, tuple[int, object]]],
    path: Path,
    text_column: str | None,
    id_column: str | None,
) -> None:
    """Raise for the first cell of a story column that breaks the loader's cell rule."""
    text_col, roles = table_roles(columns, path, {"text": text_column, "id": id_column})
    checks = [("text", text_col), *((r, c) for r, c in roles.items() if c is not None)]
    for role, column in checks:
        rule = "id" if role == "id" else "string"
        if rule not in first.get(column, {}):
            continue
        line, value = first[column][rule]
        if role == "text":
            reason = text_value(value, column, json_values=True)[1]
        else:
            reason = meta_value(role, value, column)[1]
        raise _bad_row(reason, path, line)


def _arrow_types(kinds: dict[str, set[str]]) -> dict[str, pa.DataType]:
    """The Arrow type of each key from the JSON kinds of its values (nested values: text)."""
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
    rows_per_partition = check_count(rows_per_partition, "rows_per_partition")
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
    decoding = file_decoding(source, encoding)
    if decoding.note is not None:
        warnings.warn(decoding.note, CorpusWarning, stacklevel=2)
    column_types: dict[str, pa.DataType] = {}  # CSV cells are all text
    chunks: Iterator[tuple[pd.DataFrame, list[int]]]
    if suffix == ".csv":
        chunks = _csv_chunks(source, rows_per_partition, decoding.codec)
    else:
        column_types = _jsonl_schema(source, decoding.codec, text_column, id_column)
        id_key = pick_column(list(column_types), id_column, "id", source)
        chunks = _jsonl_chunks(source, rows_per_partition, decoding.codec, column_types, id_key)
    _clear_partitions(out, overwrite)
    n_rows = _write_partitions(chunks, out, source, column_types, text_column, id_column)
    if n_rows == 0:
        raise CorpusError("the file holds no articles.", path=source)
    return out


def _clear_partitions(out: Path, overwrite: bool) -> None:
    """Create ``out``; remove the partitions already in it (only with ``overwrite``)."""
    existing = sorted(out.glob("part-*.parquet")) if out.is_dir() else []
    if existing and not overwrite:
        raise ParameterError(
            f"{out} already holds {len(existing)} partition file(s); pass overwrite=True to "
            "replace them or choose an empty folder"
        )
    out.mkdir(parents=True, exist_ok=True)
    for stale in existing:
        stale.unlink()


def _write_partitions(
    chunks: Iterator[tuple[pd.DataFrame, list[int]]],
    out: Path,
    source: Path,
    column_types: Mapping[str, pa.DataType],
    text_column: str | None,
    id_column: str | None,
) -> int:
    """Write each chunk as the next partition, with checked ids; the rows written."""
    seen: dict[str, int] = {}
    schema: pa.Schema | None = None
    id_source: str | None = None
    n_rows = 0
    for part, (chunk, lines) in enumerate(chunks):
        if schema is None:
            id_source = _id_source([str(c) for c in chunk.columns], text_column, id_column, source)
        frame, ids = _with_ids(chunk, id_source, n_rows)
        _check_new_ids(ids, lines, seen, id_source, source)
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
    return n_rows


def _id_source(
    columns: list[str], text_column: str | None, id_column: str | None, source: Path
) -> str | None:
    """The input's id column (None: rows are numbered), after checking the text column."""
    require_text_column(columns, text_column, source)
    id_source = pick_column(columns, id_column, "id", source)
    if id_source not in (None, ID_COLUMN) and ID_COLUMN in columns:
        raise ParameterError(
            f"{source} has a column {ID_COLUMN!r} and the id column is {id_source!r}; "
            f"rename one of them (the dataset's ids go in {ID_COLUMN!r})"
        )
    return id_source


def _with_ids(
    chunk: pd.DataFrame, id_source: str | None, n_rows: int
) -> tuple[pd.DataFrame, list[str]]:
    """The chunk with its ``id`` column (``row-<n>``, or the input's ids as text) and the ids."""
    frame = chunk.reset_index(drop=True)
    numbers = np.arange(n_rows + 1, n_rows + len(frame) + 1)
    if id_source is None:
        ids = [f"row-{n}" for n in numbers]
        frame.insert(0, ID_COLUMN, ids)
    else:
        # the loader's id rule: a string, or a whole number as its digits; blank is missing
        ids = [meta_value("id", value, id_source)[0] or "" for value in frame[id_source]]
        frame[id_source] = ids
        frame = frame.rename(columns={id_source: ID_COLUMN})
    return frame, ids


def _check_new_ids(
    ids: list[str], lines: list[int], seen: dict[str, int], id_source: str | None, source: Path
) -> None:
    """Raise for a missing id or one already ``seen``; add the others to ``seen``."""
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
class DatasetLayout:
    """What the client knows about a dataset before any task runs.

    Attributes:
        root: the dataset folder (or single file).
        files: the partitions, in reading order.
        n_rows: rows of each partition.
        text_column: the column holding article text.
        columns: the first partition's columns.
    """

    root: Path
    files: list[Path]
    n_rows: list[int]
    text_column: str
    columns: list[str]

    @property
    def offsets(self) -> list[int]:
        """Rows before each partition."""
        return [int(x) for x in np.concatenate([[0], np.cumsum(self.n_rows)[:-1]])]


def dataset_layout(
    parquet_dir: str | Path, text_column: str | None, *, need_id: bool
) -> DatasetLayout:
    """The dataset's partitions, their row counts and text column, read from file metadata.

    Raises:
        CorpusError: no partitions, an unreadable file, a partition without the text column (or
            without ``id`` when ``need_id``), or no rows at all.
    """
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
            text = require_text_column(names, text_column, root)
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
    return DatasetLayout(root, files, n_rows, text, columns)


def check_unique_ids(layout: DatasetLayout) -> None:
    """Ids must be present and unique over the dataset (the loader would otherwise rename them)."""
    seen: dict[str, str] = {}
    for file, offset in zip(layout.files, layout.offsets, strict=True):
        values = pq.read_table(file, columns=[ID_COLUMN]).column(0).to_pylist()
        name = display_name(file, layout.root)
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


def read_partition(file: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One partition as a DataFrame (``columns`` only, when given)."""
    try:
        return pq.read_table(file, columns=list(columns) if columns else None).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise CorpusError(f"not a readable Parquet file ({exc}).", path=file) from exc
