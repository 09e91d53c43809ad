"""analysis: compare how news stories are told - tone, framing, topics and language.

Public entry points are re-exported here; each lives in the module named after its pipeline step.
"""

from analysis.corpus import Corpus, load_corpus, open_corpus, select_stories, stories_from_texts
from analysis.errors import AnalysisError, CodebookError, CorpusError, ParameterError
from analysis.pipeline import Analysis, analyze

__all__ = [
    "Analysis",
    "AnalysisError",
    "CodebookError",
    "Corpus",
    "CorpusError",
    "ParameterError",
    "analyze",
    "load_corpus",
    "open_corpus",
    "select_stories",
    "stories_from_texts",
]

__version__ = "0.1.0"
