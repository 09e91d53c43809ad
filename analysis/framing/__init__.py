"""Frame detection with codebooks kept as data: which frames a story uses, where, and how much.

Method: a dictionary (lexical) content analysis. A codebook (YAML in ``data/codebooks/``, or
the researcher's own file, see ``data/codebooks/README.md``) lists frames; each frame has a
description, the coding questions it operationalises and *detectors*: word and phrase patterns
(``condemn*``, ``White House``), regular expressions (``re:``) and co-occurrence rules (a word
that counts only *near* a context, e.g. ``cost`` near a money amount). Two codebooks ship:

- ``generic``: the five generic news frames of Semetko & Valkenburg (2000), *Framing European
  politics: A content analysis of press and television news*, Journal of Communication 50(2),
  93-109: conflict, human interest, economic consequences, morality, responsibility, with the
  20 yes/no questions of their instrument, each turned into detectors.
- ``policy``: the 15 frames of the Policy Frames Codebook, Boydstun, Card, Gross, Resnik & Smith
  (2014), *Tracking the development of media frames within and across policy issues*, as used by
  the Media Frames Corpus (Card et al. 2015, ACL).

Rules, in the order they are applied:

1. **Matching** (:func:`frame_hits`, per sentence). Sentences are split into word tokens
   (letters/digits with inner ``' . &``; hyphens separate words, so ``first-degree`` matches the
   pattern ``first degree``). A word pattern matches a whole token; ``word*`` matches any token
   starting with ``word``; a possessive ``'s`` is ignored (``Japan's`` matches ``japan``). A
   pattern word is case-insensitive unless it contains a capital letter (``Fed``, ``White
   House``: matched with that case). A phrase matches consecutive tokens separated only by
   spaces or hyphens. ``re:`` patterns are Python regular expressions, case-sensitive unless
   they start with ``(?i)``, matched with the ``regex`` package (the ``re`` syntax) under a time
   limit of :data:`REGEX_TIMEOUT` seconds per pattern and sentence. A pattern that runs out of
   time (one that can match a text in exponentially many ways, such as ``(a|a)+$`` on a long
   run of ``a``) has its detectors skipped for that sentence, reported by a
   :class:`MatchTimeoutWarning` and in ``hits.attrs["match_timeouts"]``
   (:func:`match_timeouts`); after :data:`MAX_REGEX_TIMEOUTS` timeouts in one
   :func:`frame_hits` call it is switched off for the rest of the call. Matching is linear in
   the sentence's length up to a log factor.
2. **Co-occurrence.** A detector with ``near`` fires on a trigger only when one of the ``near``
   patterns matches elsewhere in the same sentence, within ``window`` words of the trigger when a
   window is given (adjacent words are 1 apart); ``not_near`` vetoes a trigger the same way. A
   context never overlaps its trigger; the nearest context (then the earliest) is reported.
3. **One count per stretch of text.** Within a detector and within a frame, a hit inside a
   longer (or equal, earlier-listed) hit of the same frame in the same sentence is dropped, so a
   word counts once per frame.
4. **Sentence score** of a frame = the sum of the weights of the *distinct* detectors that fire
   in the sentence (a detector that fires three times in a sentence counts once).
5. **Story decision** (:func:`frame_summary`): a frame is *present* in a story when its score
   summed over the story's sentences reaches ``threshold`` (default 2: two detector-sentence
   pieces of evidence) in at least ``min_sentences`` sentences (default 1, so a two-sentence lead
   can carry a frame). A codebook's *fallback* frame (the policy codebook's ``other``) has no
   detectors and is present exactly when no other frame is.
6. **Groups** (``group=`` any column of the stories table): counts are summed over the group's
   stories; *intensity* = hits per 1,000 words, *share* = share of sentences carrying the frame,
   ``share_present`` = share of the group's stories where the frame is present, and the frame is
   present in the group when ``share_present >= min_story_share`` (default 0.5; for one story
   this is the story decision). The *dominant* frame(s) of a group are the present frames with
   the highest intensity (ties all dominant); with none present, the fallback frame if present.

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
