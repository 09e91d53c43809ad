"""Loading a corpus: :func:`load_corpus` (files and folders), :func:`from_dataframe` (a table
in memory) and :func:`stories_from_texts` (strings), and the corpus cache.

Bad input raises :class:`~analysis.errors.CorpusError` naming the file, line or column. When a
folder holds a bad file among good ones, the good stories load, the bad file is listed in
``Corpus.skipped`` and a :class:`~analysis.corpus.CorpusWarning` is issued, unless
``strict=True``; a record that breaks a cell rule (see :mod:`analysis.corpus.readers`) is
skipped and listed the same way, or raised with ``strict=True``.

The corpus cache: a loaded corpus is stored in the analysis cache (:mod:`analysis.cache`) under
the SHA-256 of :data:`LOADER_VERSION`, the segmentation version, the versions of pysbd and
charset-normalizer, the load options (``furniture`` among them), the furniture rules file, and
every input file's name and bytes. Loading the same
bytes with the same options again reads the tables back and repeats the first load's warnings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import warnings
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from analysis import config
from analysis.cache import KEY_COLUMN, release_memory, resolve_cache
from analysis.corpus.decoding import codec_name
from analysis.corpus.furniture import FURNITURE_FILE
from analysis.corpus.readers import (
    TABLE_SUFFIXES,
    TEXT_SUFFIXES,
    Record,
    display_name,
    file_records,
    table_records,
)
from analysis.corpus.schema import (
    FURNITURE_COLUMNS,
    SKIPPED_COLUMNS,
    Corpus,
    CorpusWarning,
    empty_furniture,
)
from analysis.corpus.tables import build_corpus, set_optional_text_columns
from analysis.errors import CorpusError, ParameterError
from analysis.segment import SEGMENT_VERSION, Method, pysbd_version

__all__ = ["LOADER_VERSION", "from_dataframe", "input_files", "load_corpus", "stories_from_texts"]

#: Bump when loading or normalisation can change a loaded corpus (part of the corpus cache key).
LOADER_VERSION = "corpus-5"
#: Cached parts a corpus needs; ``skipped`` and ``notes`` are stored only when not empty (the
#: cache names packs by their bytes, and empty tables of different corpora have the same bytes).
_REQUIRED_PARTS = ("stories", "sentences")
_OPTIONAL_PARTS = ("skipped", "notes", "furniture")


#: File names (without suffix, any case) that document a folder rather than hold articles: a
#: corpus folder's README or licence is skipped and listed in ``Corpus.skipped``.
DOCUMENTATION_NAMES = frozenset(
    "readme license licence copying notice changelog changes citation contributing authors"
    " codebook datasheet".split()
)


def is_documentation(path: Path) -> bool:
    """Whether a file in a corpus folder is its documentation (``README.md``, ``LICENSE.txt``
    …), not an article."""
    return path.stem.lower().split(".")[0] in DOCUMENTATION_NAMES


def _iter_folder(path: Path) -> Iterator[Path]:
    for child in sorted(path.rglob("*")):
        hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
        if (
            child.is_file()
            and child.suffix.lower() in TEXT_SUFFIXES + TABLE_SUFFIXES
            and not hidden
        ):
            yield child


def load_corpus(
    path: str | Path | None = None,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    date_column: str | None = None,
    outlet_column: str | None = None,
    url_column: str | None = None,
    id_column: str | None = None,
    stories_per_file: Literal["auto", "one", "many"] = "auto",
    encoding: str = "utf-8",
    strict: bool = False,
    segmenter: Method = "hybrid",
    cache: Any = True,
    workers: int | None = None,
    progress: bool | None = None,
    furniture: bool = True,
    raw_text: bool = True,
    sentence_text: bool = True,
) -> Corpus:
    """Load articles from the seeds, a text file, a folder, a CSV or a JSON Lines file.

    Args:
        path: a ``.txt``/``.md``/``.csv``/``.jsonl`` file or a folder of them; ``None`` loads the
            project's ``seeds/`` folder.
        text_column, title_column, date_column, outlet_column, url_column, id_column: column
            names in tabular input. When ``None`` the usual names are tried (``text``/``body``;
            ``title``/``headline``; ``date``/``published``; ``outlet``/``source``; ``url``;
            ``id``); a column that is named but missing is an error.
        stories_per_file: how to read a text file: ``"auto"`` (blank lines separate stories when
            the file also has single-newline paragraphs, as in the seeds), ``"one"`` or ``"many"``.
        encoding: the encoding the input files are expected in (a Python codec name). A byte
            order mark overrides it; a file it cannot read is read in the encoding
            charset-normalizer detects, with a :class:`CorpusWarning` (see
            :mod:`analysis.corpus.decoding`). Part of the corpus cache key, like
            ``stories_per_file``.
        strict: raise on the first bad file or record instead of skipping it with a warning.
        segmenter: sentence segmentation method (see :mod:`analysis.segment`).
        cache: ``True`` (default) reads and writes sentence spans in the on-disk cache
            (:mod:`analysis.cache`), ``False`` computes everything, or an ``ArticleCache``.
        workers: worker processes for segmentation (``None``: all cores on large corpora).
        progress: show a progress bar (``None``: only on large corpora).
        furniture: remove page furniture (captions, share bars, copyright and tag footers,
            bylines, each outlet's repeated template lines) and take a plain-text headline line
            as the title (see :mod:`analysis.corpus.furniture`); what was removed is listed in
            ``Corpus.furniture`` and ``raw_text`` keeps the story as read. ``False`` analyses
            the whole normalised text. Part of the corpus cache key.
        raw_text: keep the stories' ``raw_text`` column (the text as read). ``False`` leaves it
            out (and does not read it from the cache): a report that never shows it saves
            about as much memory as the analysed text takes.
        sentence_text: give the sentences their ``text`` column. Every sentence's text is its
            story's ``text[start:end]``: the cache stores the offsets only, and the texts are
            cut when the corpus is loaded (:meth:`Corpus.with_sentence_text`). ``False`` leaves
            them out, for reports that show per-story figures only (less memory, and a
            first load that does not build them).

    Returns:
        A :class:`Corpus` (see its attributes for every column).

    Raises:
        CorpusError: missing path, empty or binary file, undecodable bytes, a NUL character in a
            text file, a table without the text column, malformed CSV quoting, a malformed JSON
            line, nothing loadable at all; with ``strict=True`` also the first bad record (a
            ragged CSV row, a NUL character, a cell of the wrong type, empty text).
        ParameterError: an unknown ``stories_per_file`` value or ``encoding``.

    Warns:
        CorpusWarning: for each skipped file or record, and for each file read in another
            encoding than ``encoding``.

    >>> corpus = load_corpus()
    >>> corpus.stories["dateline"].tolist()
    [None, 'TOKYO', 'WASHINGTON', 'LOS ANGELES, CA']
    """
    if stories_per_file not in ("auto", "one", "many"):
        raise ParameterError(
            f"stories_per_file must be 'auto', 'one' or 'many', got {stories_per_file!r}"
        )
    codec_name(encoding)
    source = "seeds" if path is None else str(path)
    root, files = input_files(path)
    columns = _column_map(
        text_column, title_column, date_column, outlet_column, url_column, id_column
    )
    options = {
        "columns": columns,
        "stories_per_file": stories_per_file,
        "encoding": encoding,
        "strict": strict,
        "segmenter": segmenter,
        "furniture": bool(furniture),
    }
    cached = _cached_corpus(
        files, root, options, cache, source, raw_text=raw_text, sentence_text=sentence_text
    )
    if cached is not None:
        release_memory()  # the Parquet pages read
        return cached
    records, skipped, notes = _read_files(files, root, options)
    corpus = build_corpus(
        records,
        skipped,
        segmenter,
        source,
        cache=cache,
        workers=workers,
        progress=progress,
        furniture=bool(furniture),
        sentence_text=sentence_text,
    )
    del records
    _store_corpus(corpus, files, root, options, cache, notes)
    if not raw_text:
        corpus = dataclasses.replace(corpus, stories=corpus.stories.drop(columns="raw_text"))
    release_memory()
    return corpus


def _column_map(
    text: str | None,
    title: str | None,
    date: str | None,
    outlet: str | None,
    url: str | None,
    id_: str | None,
) -> dict[str, str | None]:
    """The input column for each story field, keyed by field name."""
    return {"text": text, "title": title, "date": date, "outlet": outlet, "url": url, "id": id_}


def input_files(path: str | Path | None) -> tuple[Path, list[Path]]:
    """The corpus root (the seeds folder for ``None``) and the files :func:`load_corpus` reads,
    in order (in a folder: its text and table files, hidden ones left out).

    Raises:
        CorpusError: no such path, or a folder without corpus files.
    """
    root = config.SEEDS_DIR if path is None else Path(path).expanduser()
    if not root.exists():
        raise CorpusError(
            "no such file or folder; check the path (relative paths are taken from the "
            f"current folder, {Path.cwd()}).",
            path=root,
        )
    files = [root] if root.is_file() else list(_iter_folder(root))
    if not files:
        raise CorpusError("the folder holds no .txt, .md, .csv or .jsonl files.", path=root)
    return root, files


def _read_files(
    files: list[Path], root: Path, options: dict[str, Any]
) -> tuple[list[Record], list[dict[str, Any]], list[str]]:
    """Every file's records, the skipped files and records, and the decoding warnings.

    Warns (attributed to the caller of :func:`load_corpus`) for each skip and decoding note.
    """
    strict = options["strict"]
    records: list[Record] = []
    skipped: list[dict[str, Any]] = []
    notes: list[str] = []
    for file in files:
        if root.is_dir() and is_documentation(file):
            skip = {
                "source_file": display_name(file, root),
                "source_line": None,
                "reason": "documentation of the folder (README, licence …), not an article; "
                "rename the file to load it as one",
            }
            skipped.append(skip)
            warnings.warn(_skip_message(skip), CorpusWarning, stacklevel=3)
            continue
        try:
            read = file_records(
                file,
                root,
                options["encoding"],
                options["stories_per_file"],
                options["columns"],
                headlines=options["furniture"],
            )
        except CorpusError as exc:
            if strict or root.is_file():
                raise
            skip = {
                "source_file": display_name(file, root),
                "source_line": exc.line,
                "reason": _reason(exc),
            }
            skipped.append(skip)
            warnings.warn(_skip_message(skip), CorpusWarning, stacklevel=3)
            continue
        for note in read.notes:
            warnings.warn(note, CorpusWarning, stacklevel=3)
        if read.skipped and strict:
            first = read.skipped[0]
            raise CorpusError(first["reason"], path=file, line=first["source_line"])
        for skip in read.skipped:
            warnings.warn(_skip_message(skip), CorpusWarning, stacklevel=3)
        records.extend(read.records)
        skipped.extend(read.skipped)
        notes.extend(read.notes)
    if not records:
        reasons = "; ".join(s["reason"] for s in skipped[:3])
        raise CorpusError(f"no stories could be loaded ({reasons}).", path=root)
    return records, skipped, notes


def _reason(exc: CorpusError) -> str:
    """A CorpusError's message without the ``path:line: `` prefix (the skipped table has both
    columns, and a path in it would differ from machine to machine)."""
    text = str(exc)
    if exc.path is None:
        return text
    rest = text.removeprefix(exc.path + (f":{exc.line}" if exc.line is not None else ""))
    if rest.startswith(": "):
        return rest[2:]
    if exc.column is not None and rest.startswith(" (column "):
        return rest[2:].replace("): ", ": ", 1)
    return text


def _skip_message(skip: dict[str, Any]) -> str:
    """The warning for one ``skipped`` row: ``"skipped <file>:<line>: <reason>"``."""
    line = skip.get("source_line")
    where = skip["source_file"] + ("" if line is None or pd.isna(line) else f":{int(line)}")
    return f"skipped {where}: {skip['reason']}"


# --------------------------------------------------------------------------- the corpus cache


def _corpus_key(files: list[Path], root: Path, options: dict[str, Any]) -> str:
    """SHA-256 of every input file's name and bytes and of the load options."""

    detector = _package_version("charset-normalizer")  # it decides undeclared encodings
    digest = hashlib.sha256(
        json.dumps(
            [LOADER_VERSION, SEGMENT_VERSION, pysbd_version(), detector, options],
            sort_keys=True,
        ).encode()
    )
    if options.get("furniture"):
        digest.update(FURNITURE_FILE.read_bytes())
    for file in files:
        name = file.name if file == root else file.relative_to(root).as_posix()
        digest.update(name.encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _cached_corpus(
    files: list[Path],
    root: Path,
    options: dict[str, Any],
    cache: Any,
    source: str,
    *,
    raw_text: bool = True,
    sentence_text: bool = True,
) -> Corpus | None:
    """The corpus as loaded before from the same bytes with the same options, if cached
    (without the stories' ``raw_text`` unless ``raw_text``, and without the sentences'
    ``text`` unless ``sentence_text``)."""
    # the sentences' text is not stored (it is cut from the stories' text); a cache written
    # before that has it, and it is not read either
    left_out = {"stories": () if raw_text else ("raw_text",), "sentences": ("text",)}

    store = resolve_cache(cache)
    if not store.enabled:
        return None
    try:
        key = _corpus_key(files, root, options)
    except OSError:
        return None
    parts = {}
    for part in (*_REQUIRED_PARTS, *_OPTIONAL_PARTS):
        exclude = left_out.get(part, ())
        frame, missing = store.load(f"corpus-{part}", LOADER_VERSION, [key], exclude=exclude)
        if missing and part in _REQUIRED_PARTS:
            return None
        parts[part] = (
            frame.drop(columns=KEY_COLUMN) if frame is not None else pd.DataFrame()
        ).reset_index(drop=True)
    skipped = parts["skipped"]
    if skipped.empty:
        skipped = pd.DataFrame(columns=SKIPPED_COLUMNS)
    skipped = skipped.astype({"source_line": "Int64"})
    furniture = parts["furniture"]
    furniture = (
        empty_furniture()
        if furniture.empty
        else furniture[FURNITURE_COLUMNS].astype({"paragraph_index": "int64"})
    )
    for note in parts["notes"].get("message", []):  # the same warnings as the first load
        warnings.warn(str(note), CorpusWarning, stacklevel=3)
    for skip in skipped.to_dict("records"):
        warnings.warn(_skip_message(skip), CorpusWarning, stacklevel=3)
    corpus = Corpus(
        stories=set_optional_text_columns(parts["stories"]),
        sentences=parts["sentences"],
        skipped=skipped,
        source=source,
        furniture=furniture,
    )
    return corpus.with_sentence_text() if sentence_text else corpus


def _store_corpus(
    corpus: Corpus,
    files: list[Path],
    root: Path,
    options: dict[str, Any],
    cache: Any,
    notes: list[str],
) -> None:

    store = resolve_cache(cache)
    if not store.enabled:
        return
    key = _corpus_key(files, root, options)
    for part, frame in (  # stories last: once they are stored, every other part is too
        ("notes", pd.DataFrame({"message": pd.Series(notes, dtype=object)})),
        ("skipped", corpus.skipped),
        ("furniture", corpus.furniture),
        ("sentences", corpus.sentences.drop(columns="text", errors="ignore")),
        ("stories", corpus.stories),
    ):
        if frame.empty and part not in _REQUIRED_PARTS:
            continue  # an empty part is known from the stories being there
        store.store(
            f"corpus-{part}", LOADER_VERSION, frame.assign(**{KEY_COLUMN: key}), keys=[key]
        )


# --------------------------------------------------------------------------- in-memory input


def from_dataframe(
    frame: pd.DataFrame,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    date_column: str | None = None,
    outlet_column: str | None = None,
    url_column: str | None = None,
    id_column: str | None = None,
    name: str = "<dataframe>",
    segmenter: Method = "hybrid",
    cache: Any = True,
    workers: int | None = None,
    progress: bool | None = None,
    furniture: bool = False,
) -> Corpus:
    """Build a corpus from an in-memory table of articles (same columns rules as a CSV).

    Used by the Dask engine on each Parquet partition; ``name`` stands in for the file name in
    ``source_file`` and error messages, and ``source_line`` is the 1-based row number. Rows are
    checked by the loader's cell rules (see :func:`load_corpus`): a row without usable text, or
    with a title/date/outlet/url/id of the wrong type, is skipped and listed in ``skipped``
    (missing cells, ``None`` or NaN, are empty). Does not mutate ``frame``.

    ``furniture`` is off by default here, unlike :func:`load_corpus`: a table built in memory
    (coded samples, one Parquet partition of the Dask engine) is taken as the text to analyse,
    and repeated-line statistics of one partition are not those of the whole corpus.

    >>> frame = pd.DataFrame({"text": ["One. Two.", "Three."], "source": ["A", "B"]})
    >>> from_dataframe(frame, cache=False).stories["outlet"].tolist()
    ['A', 'B']
    """
    columns = _column_map(
        text_column, title_column, date_column, outlet_column, url_column, id_column
    )
    path = Path(name)
    records, skipped = table_records(
        frame.reset_index(drop=True), path, path, columns, list(range(1, len(frame) + 1))
    )
    if not records:
        raise CorpusError("no rows with text.", path=name)
    return build_corpus(
        records,
        skipped,
        segmenter,
        name,
        cache=cache,
        workers=workers,
        progress=progress,
        furniture=furniture,
    )


def stories_from_texts(
    texts: Iterable[str],
    *,
    segmenter: Method = "hybrid",
    cache: Any = False,
    furniture: bool = False,
) -> Corpus:
    """Build a corpus from in-memory strings, one story each (handy in tests and notebooks).

    The strings are analysed as given unless ``furniture=True`` (see :func:`load_corpus`).

    >>> stories_from_texts(["One sentence. Two sentences."]).stories["n_sentences"].tolist()
    [2]
    """
    records = [Record(t, "<memory>", i + 1) for i, t in enumerate(texts)]
    if not records:
        raise ParameterError("stories_from_texts needs at least one text")
    return build_corpus(records, [], segmenter, "<memory>", cache=cache, furniture=furniture)
