"""Method data of the language step: the word lists and tables in ``analysis/data/language``.

Each file names its source in its header comments (lines starting with ``#``):

- ``stop_words.txt``: scikit-learn's English stop-word list (``ENGLISH_STOP_WORDS``, itself from
  the Glasgow Information Retrieval Group) less four content words of news (``bill``, ``fire``,
  ``interest``, ``system``; such entries are discussed by Nothman, Qin & Yurchak 2018, *Stop Word
  Lists in Free Open-source Software Packages*, NLP-OSS), plus English contractions.
- ``not_names.txt``: months, weekdays and sentence openers, never an actor on their own.
- ``pronouns.txt``: pronouns, never a named speaker of a quotation.
- ``person_descriptors.txt``: words that describe a person (``Republican``, ``Officials``).
- ``party_codes.txt`` and ``state_abbreviations.txt``: the parts of U.S. party/state tags
  (``R-Texas``, ``D-N.Y.``).
- ``places.csv`` and ``organisations.csv``: gazetteers with aliases (ISO 3166-1 short names, the
  CIA World Factbook's demonyms, U.S. Census Bureau states, official names of organisations).
- ``designators.csv``: person titles and organisation, place and event words.
- ``speech_verbs.csv``: verbs that attribute a quotation (``speech``) or name it (``naming``),
  after the reporting-verb lists of Krestel, Bergler & Witte (2008).

:func:`language_data` loads and validates one file (word lists: one word per line, no
duplicates; tables: the expected header, one value per column, a unique non-empty key, values of
a closed set where there is one) and raises :class:`~analysis.errors.CodebookError` naming the
file and line of the first problem. :func:`actor_gazetteer` compiles the files the actor rules
read into lookups (:class:`ActorGazetteer`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.errors import CodebookError, ParameterError

__all__ = ["LANGUAGE_DATA_DIR", "ActorGazetteer", "actor_gazetteer", "language_data", "stop_words"]

LANGUAGE_DATA_DIR = config.DATA_DIR / "language"

#: Data name -> (file name, CSV columns; ``None`` for a word list).
_DATA_FILES = {
    "stop_words": ("stop_words.txt", None),
    "not_names": ("not_names.txt", None),
    "pronouns": ("pronouns.txt", None),
    "person_descriptors": ("person_descriptors.txt", None),
    "party_codes": ("party_codes.txt", None),
    "state_abbreviations": ("state_abbreviations.txt", None),
    "places": ("places.csv", ("name", "kind", "aliases", "demonyms")),
    "organisations": ("organisations.csv", ("name", "aliases")),
    "designators": ("designators.csv", ("phrase", "role")),
    "speech_verbs": ("speech_verbs.csv", ("verb", "kind")),
}
#: Abbreviations whose final period does not end a sentence, besides those of the designators.
_EXTRA_ABBREVIATIONS = frozenset({"St.", "Jr.", "Sr.", "Mt.", "Ft.", "No.", "Sen.", "Rep."})
#: (data name, column) -> the values allowed in that column.
_ALLOWED = {
    ("places", "kind"): {"country", "territory", "region", "state", "city"},
    ("designators", "role"): {"person_title", "org", "place", "event"},
    ("speech_verbs", "kind"): {"speech", "naming"},
}


def _data_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of every line of ``path`` that is neither blank nor a comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodebookError(
            f"{path}: cannot read the method data file ({exc.strerror}); reinstall the package."
        ) from exc
    return [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _word_list(path: Path, lines: list[tuple[int, str]]) -> frozenset[str]:
    """The words of a word list: one word per line, each listed once."""
    words: set[str] = set()
    for n, line in lines:
        word = line.strip()
        if " " in word or word in words:
            problem = "contains a space" if " " in word else "is listed twice"
            raise CodebookError(f"{path}:{n}: {word!r} {problem}; one word per line.")
        words.add(word)
    return frozenset(words)


def _table_record(
    name: str, path: Path, n: int, row: list[str], columns: tuple[str, ...]
) -> dict[str, str]:
    """One CSV row as a record, checked for its number of fields and its allowed values."""
    if len(row) != len(columns):
        raise CodebookError(
            f"{path}:{n}: {len(row)} fields, expected {len(columns)} ({list(columns)}); "
            "quote a field that contains a comma."
        )
    record = dict(zip(columns, (v.strip() for v in row), strict=True))
    if not record[columns[0]]:
        raise CodebookError(f"{path}:{n}: empty {columns[0]!r}.")
    for col in columns[1:]:
        allowed = _ALLOWED.get((name, col))
        if allowed is not None and record[col] not in allowed:
            raise CodebookError(
                f"{path}:{n}: {col} {record[col]!r} is not one of {sorted(allowed)}."
            )
    return record


def _table(
    name: str, path: Path, lines: list[tuple[int, str]], columns: tuple[str, ...]
) -> pd.DataFrame:
    """The rows of a CSV table under its expected header, with a unique key in the first column."""
    if not lines:
        raise CodebookError(f"{path}: no header line; expected columns {list(columns)}.")
    rows = list(csv.reader(line for _, line in lines))
    header = [h.strip() for h in rows[0]]
    if tuple(header) != columns:
        raise CodebookError(f"{path}:{lines[0][0]}: header is {header}, expected {list(columns)}.")
    records = []
    seen: set[str] = set()
    for (n, _), row in zip(lines[1:], rows[1:], strict=True):
        record = _table_record(name, path, n, row, columns)
        key = record[columns[0]]
        if key in seen:
            raise CodebookError(f"{path}:{n}: {key!r} is listed twice.")
        seen.add(key)
        records.append(record)
    return pd.DataFrame(records, columns=list(columns))


@cache
def _load_data(name: str, path: Path) -> pd.DataFrame | frozenset[str]:
    _, columns = _DATA_FILES[name]
    lines = _data_lines(path)
    if columns is None:
        return _word_list(path, lines)
    return _table(name, path, lines, columns)


def language_data(name: str, *, path: str | Path | None = None) -> pd.DataFrame | frozenset[str]:
    """Load and validate one method data file of ``analysis/data/language``.

    Args:
        name: ``"stop_words"``, ``"not_names"``, ``"pronouns"``, ``"person_descriptors"``,
            ``"party_codes"`` or ``"state_abbreviations"`` (word lists, a frozenset), or
            ``"places"``, ``"organisations"``, ``"designators"``, ``"speech_verbs"`` (CSV tables
            returned as DataFrames). Lines starting with ``#`` are comments (the source).
        path: read this file instead of the packaged one (same format).

    Returns:
        The word set or the table (a cached object: do not mutate it).

    Raises:
        ParameterError: unknown ``name``.
        CodebookError: unreadable file, wrong header, wrong number of fields, empty or
            duplicated key, or a value outside the allowed set; the message names file and line.

    >>> sorted(language_data("stop_words"))[:3]
    ['a', 'about', 'above']
    """
    if name not in _DATA_FILES:
        raise ParameterError(
            f"unknown language data {name!r}; choose one of {sorted(_DATA_FILES)}"
        )
    file_path = LANGUAGE_DATA_DIR / _DATA_FILES[name][0] if path is None else Path(path)
    return _load_data(name, file_path.resolve())


def stop_words() -> frozenset[str]:
    """The packaged stop words (scikit-learn's English list, see ``stop_words.txt``)."""
    words = language_data("stop_words")
    assert isinstance(words, frozenset)
    return words


@dataclass(frozen=True)
class ActorGazetteer:
    """The method data of the actor rules (:mod:`~analysis.language.actor_extraction`)."""

    aliases: dict[str, tuple[str, str]]  # surface -> (canonical, type)
    demonyms: frozenset[str]
    places: frozenset[str]  # every place surface, for the hyphen rule
    designators: dict[tuple[str, ...], str]  # phrase tokens -> role
    max_designator: int
    not_names: frozenset[str]
    abbreviations: frozenset[str]
    stop: frozenset[str]
    descriptors: frozenset[str]  # words describing a person, not a name
    party_codes: frozenset[str]
    state_abbreviations: frozenset[str]  # without their final period


def _words(name: str) -> frozenset[str]:
    """A packaged word list (``not_names``, ``person_descriptors`` ...)."""
    words = language_data(name)
    assert isinstance(words, frozenset)
    return words


@cache
def actor_gazetteer() -> ActorGazetteer:
    """The gazetteers, designators and word lists of the actor rules, compiled once (cached)."""
    places = language_data("places")
    orgs = language_data("organisations")
    designators = language_data("designators")
    assert isinstance(places, pd.DataFrame) and isinstance(orgs, pd.DataFrame)
    assert isinstance(designators, pd.DataFrame)
    aliases: dict[str, tuple[str, str]] = {}
    demonyms: set[str] = set()
    place_names: set[str] = set()
    for row in places.itertuples(index=False):
        for surface in [row.name, *[a for a in row.aliases.split("|") if a]]:
            aliases.setdefault(surface, (row.name, "place"))
            place_names.add(surface)
        demonyms.update(d for d in row.demonyms.split("|") if d)
    for row in orgs.itertuples(index=False):
        for surface in [row.name, *[a for a in row.aliases.split("|") if a]]:
            aliases[surface] = (row.name, "org")
    phrases = {
        tuple(p.split()): r for p, r in zip(designators.phrase, designators.role, strict=True)
    }
    abbreviations = {p for p in designators.phrase if p.endswith(".") and " " not in p}
    return ActorGazetteer(
        aliases=aliases,
        demonyms=frozenset(demonyms),
        places=frozenset(place_names | demonyms),
        designators=phrases,
        max_designator=max(len(p) for p in phrases),
        not_names=_words("not_names"),
        abbreviations=frozenset(abbreviations | _EXTRA_ABBREVIATIONS),
        stop=stop_words(),
        descriptors=_words("person_descriptors"),
        party_codes=_words("party_codes"),
        state_abbreviations=frozenset(w.rstrip(".") for w in _words("state_abbreviations")),
    )
