"""Frame detection with codebooks kept as data: which frames a story uses, where, and how much.

Method: a dictionary (lexical) content analysis. A codebook (YAML in ``data/codebooks/``, or
the researcher's own file, see ``data/codebooks/README.md``) lists frames; each frame has a
description, the coding questions it operationalises and *detectors*: word and phrase patterns
(``condemn*``, ``White House``), regular expressions (``re:``) and co-occurrence rules (a word
that counts only *near* a context, e.g. ``cost`` near a money amount). The shipped codebooks
(Semetko & Valkenburg 2000's generic frames; the Policy Frames Codebook of Boydstun et al. 2014)
are described in :mod:`~analysis.framing.codebook`. The rules are stated where they are
applied: matching, co-occurrence, one count per stretch of text and the sentence score (rules
1-4) in :mod:`~analysis.framing.matcher`; the story decision and groups (rules 5-6) in
:mod:`~analysis.framing.summary`; decisions calibrated on hand-coded stories in
:mod:`~analysis.framing.calibration`.

Limits: dictionary methods miss frames carried without their keywords (irony, quotation,
structure, images) and count keywords used in another sense; a lexical trigger is not a coder's
judgement. Evidence tables (:func:`frame_evidence`) show every trigger so a reader can check.

Layout, one module per part of the method: :mod:`~analysis.framing.codebook` (the codebook
files), :mod:`~analysis.framing.patterns` (pattern syntax, the regex time limit),
:mod:`~analysis.framing.matcher` (rules 1-4: :func:`frame_hits`, :func:`sentence_frames`, the
timeout reports), :mod:`~analysis.framing.summary` (rules 5-6: :func:`frame_summary`,
:func:`frame_matrix`, :func:`export_frame_matrix`) and :mod:`~analysis.framing.evidence`
(:func:`frame_evidence`, the codebook tables). Every public name is re-exported here; the
time limits read by the matcher are those of :mod:`analysis.framing.patterns` (set
``analysis.framing.patterns.REGEX_TIMEOUT`` to change one). The step's prose and HTML
(``describe``, ``codebook_header``, ``evidence_html``, ``mark_html``) are in
:mod:`analysis.narrate.framing`.
"""

from analysis.framing.codebook import (
    CODEBOOK_DIR,
    Codebook,
    Detector,
    Frame,
    Question,
    list_codebooks,
    load_codebook,
)
from analysis.framing.evidence import (
    EVIDENCE_COLUMNS,
    check_examples,
    codebook_table,
    frame_evidence,
    question_table,
)
from analysis.framing.matcher import (
    HIT_COLUMNS,
    MAX_WARNING_DETECTORS,
    SENTENCE_FRAME_COLUMNS,
    TIMEOUT_COLUMNS,
    frame_hits,
    match_timeouts,
    sentence_frames,
    warn_match_timeouts,
)
from analysis.framing.patterns import (
    MAX_REGEX_TIMEOUTS,
    MIN_WILDCARD_PREFIX,
    REGEX_TIMEOUT,
    MatchTimeoutWarning,
)
from analysis.framing.summary import (
    DEFAULT_THRESHOLD,
    MATRIX_VALUES,
    MISSING_GROUP,
    SUMMARY_COLUMNS,
    export_frame_matrix,
    frame_matrix,
    frame_summary,
    presence_rates,
)

__all__ = [
    "CODEBOOK_DIR",
    "DEFAULT_THRESHOLD",
    "EVIDENCE_COLUMNS",
    "HIT_COLUMNS",
    "MATRIX_VALUES",
    "MAX_REGEX_TIMEOUTS",
    "MAX_WARNING_DETECTORS",
    "MIN_WILDCARD_PREFIX",
    "MISSING_GROUP",
    "REGEX_TIMEOUT",
    "SENTENCE_FRAME_COLUMNS",
    "SUMMARY_COLUMNS",
    "TIMEOUT_COLUMNS",
    "Codebook",
    "Detector",
    "Frame",
    "MatchTimeoutWarning",
    "Question",
    "check_examples",
    "codebook_table",
    "export_frame_matrix",
    "frame_evidence",
    "frame_hits",
    "frame_matrix",
    "frame_summary",
    "list_codebooks",
    "load_codebook",
    "match_timeouts",
    "presence_rates",
    "question_table",
    "sentence_frames",
    "warn_match_timeouts",
]
