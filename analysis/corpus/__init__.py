"""Loading articles into tidy tables: the seed file, folders of text files, CSV and JSON Lines.

:func:`load_corpus` is the entry point. It returns a :class:`Corpus` whose ``stories`` table has
one row per story and whose ``sentences`` table has one row per sentence, with character
offsets into the story's analysed ``text``; :func:`open_corpus` loads and selects stories, as
every notebook does.

One module per step of loading:

- :mod:`~analysis.corpus.decoding` - bytes to text: byte order marks, encoding detection,
  binary files, NUL characters (the one decoding rule for every file kind).
- :mod:`~analysis.corpus.readers` - text, CSV and JSON Lines files to records, and the cell
  rules (usable text, metadata types) every record must pass.
- :mod:`~analysis.corpus.furniture` - page furniture (captions, share bars, footers, bylines,
  each outlet's repeated lines) removed from the text, headline lines, shared wire copy.
- :mod:`~analysis.corpus.tables` - records to the stories and sentences tables: normalisation,
  furniture removal, datelines, ids and titles, the truncation flag, duplicate marking.
- :mod:`~analysis.corpus.load` - :func:`load_corpus`, :func:`from_dataframe`,
  :func:`stories_from_texts`, and the corpus cache.
- :mod:`~analysis.corpus.select` - :func:`select_stories` (filters, dates, period columns) and
  :func:`open_corpus`.
- :mod:`~analysis.corpus.overview` - overview tables (:func:`story_overview`,
  :func:`sentence_length_summary`, :func:`furniture_summary`); the prose summary is
  :func:`analysis.narrate.corpus.describe_corpus`.
- :mod:`~analysis.corpus.schema` - :class:`Corpus`, its columns, :class:`CorpusWarning`.
"""

from analysis.corpus.decoding import MAX_CONTROL_SHARE
from analysis.corpus.furniture import FURNITURE_FILE, furniture_patterns
from analysis.corpus.load import LOADER_VERSION, from_dataframe, load_corpus, stories_from_texts
from analysis.corpus.overview import (
    FURNITURE_SUMMARY_COLUMNS,
    OVERVIEW_COLUMNS,
    furniture_summary,
    sentence_length_summary,
    story_overview,
)
from analysis.corpus.readers import DEFAULT_COLUMNS, TABLE_SUFFIXES, TEXT_SUFFIXES
from analysis.corpus.schema import (
    FURNITURE_COLUMNS,
    SENTENCE_COLUMNS,
    SKIPPED_COLUMNS,
    STORY_COLUMNS,
    Corpus,
    CorpusWarning,
)
from analysis.corpus.select import PERIODS, open_corpus, select_stories
from analysis.corpus.tables import NO_TEXT_REASON

__all__ = [
    "DEFAULT_COLUMNS",
    "FURNITURE_COLUMNS",
    "FURNITURE_FILE",
    "FURNITURE_SUMMARY_COLUMNS",
    "LOADER_VERSION",
    "MAX_CONTROL_SHARE",
    "NO_TEXT_REASON",
    "OVERVIEW_COLUMNS",
    "PERIODS",
    "SENTENCE_COLUMNS",
    "SKIPPED_COLUMNS",
    "STORY_COLUMNS",
    "TABLE_SUFFIXES",
    "TEXT_SUFFIXES",
    "Corpus",
    "CorpusWarning",
    "from_dataframe",
    "furniture_patterns",
    "furniture_summary",
    "load_corpus",
    "open_corpus",
    "select_stories",
    "sentence_length_summary",
    "stories_from_texts",
    "story_overview",
]
