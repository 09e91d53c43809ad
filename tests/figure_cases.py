"""Tables with many groups, shared by the figure tests (``tests/test_figures_*.py``,
``test_sentiment_figures.py``).

Every table has :data:`N_GROUPS` groups ``g00`` … ``g29`` in that order, with story counts
shuffled (so the groups with most stories are not the first ones) and the last-ranked groups
small. Deterministic: a fixed seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Groups in every synthetic table.
N_GROUPS = 30
#: Group names in table order.
GROUPS = [f"g{i:02d}" for i in range(N_GROUPS)]
#: Stories per group (a permutation of 1..30: g?? with 30 stories is not the first group).
_SHUFFLED = np.random.default_rng(0).permutation(np.arange(1, N_GROUPS + 1))
STORIES = dict(zip(GROUPS, _SHUFFLED.tolist(), strict=True))
#: The 12 groups with most stories (what every figure keeps by default).
LARGEST = sorted(GROUPS, key=lambda g: -STORIES[g])[:12]
#: A group with one story and two sentences (drawn muted).
SMALLEST = min(GROUPS, key=lambda g: STORIES[g])


def sentences_of(group: str) -> int:
    """Sentences of a group: 20 per story, 2 for the one-story group."""
    return 2 if STORIES[group] == 1 else 20 * int(STORIES[group])


def story_sentiment_table() -> pd.DataFrame:
    """A :func:`analysis.sentiment.story_sentiment` table by ``outlet``."""
    rng = np.random.default_rng(1)
    n = np.array([sentences_of(g) for g in GROUPS])
    negative = rng.uniform(0.1, 0.4, N_GROUPS)
    positive = rng.uniform(0.1, 0.4, N_GROUPS)
    std = rng.uniform(0.2, 0.3, N_GROUPS)
    return pd.DataFrame(
        {
            "outlet": GROUPS,
            "n_stories": [int(STORIES[g]) for g in GROUPS],
            "n_truncated": 0,
            "is_truncated": False,
            "n_words": n * 25,
            "n_sentences": n,
            "mean_score": rng.uniform(-0.03, 0.03, N_GROUPS),
            "std_score": std,
            "sem_score": std / np.sqrt(n),
            "share_positive": positive,
            "share_neutral": 1 - positive - negative,
            "share_negative": negative,
        }
    )


def cards_table() -> pd.DataFrame:
    """A :attr:`analysis.compare.Comparison.cards` table of outlets (tone and frames close)."""
    table = story_sentiment_table().rename(columns={"outlet": "group", "sem_score": "se_score"})
    rng = np.random.default_rng(2)
    table["label"] = [f"Outlet {g}" for g in GROUPS]
    table["mostly_truncated"] = False
    table["frame_intensity"] = rng.uniform(14.2, 15.8, N_GROUPS)
    table["dominant_frame"] = ["Conflict", "Economic consequences", ""] * (N_GROUPS // 3)
    return table


def comparison_frames_table() -> pd.DataFrame:
    """A :attr:`analysis.compare.Comparison.frames` table: 3 frames per outlet."""
    rows = []
    for g in GROUPS:
        words = sentences_of(g) * 25
        for k, (frame, label) in enumerate([("conflict", "Conflict"), ("economic", "Economic")]):
            hits = (k + 1) * words // 100
            rows.append(
                {
                    "group": g,
                    "frame": frame,
                    "label": label,
                    "n_stories": int(STORIES[g]),
                    "n_words": words,
                    "n_hits": hits,
                    "intensity": 1000 * hits / words,
                    "share": 0.1 * (k + 1),
                    "share_present": 0.5,
                    "present": k == 1,
                    "dominant": k == 1,
                }
            )
    return pd.DataFrame(rows)


def topics_table(*, counted: bool) -> pd.DataFrame:
    """Topic shares per outlet (``TopicModel.shares_by`` shape), with ``n_stories`` when
    ``counted``; each group's shares sum to 1."""
    rng = np.random.default_rng(3)
    rows = []
    for g in GROUPS:
        shares = rng.dirichlet(np.ones(3))
        for topic, share in enumerate(shares, start=1):
            row = {"group": g, "topic": topic, "label": f"topic {topic}", "share": share}
            if counted:
                row["n_stories"] = int(STORIES[g])
            rows.append(row)
    return pd.DataFrame(rows)


def tone_over_time_table() -> pd.DataFrame:
    """A :func:`analysis.trends.tone_over_time` table: 4 months x 30 groups, each group with
    ``STORIES[g]`` stories a month."""
    rng = np.random.default_rng(4)
    rows = []
    for period in ["2024-01", "2024-02", "2024-03", "2024-04"]:
        for g in GROUPS:
            stories = int(STORIES[g])
            rows.append(
                {
                    "period": period,
                    "group": g,
                    "mean_score": rng.uniform(-0.02, 0.02),
                    "n_sentences": 20 * stories,
                    "n_stories": stories,
                    "thin": stories < 3,
                }
            )
    return pd.DataFrame(rows)


def frames_over_time_table() -> pd.DataFrame:
    """A :func:`analysis.trends.frames_over_time` table: 2 months x 30 groups x 2 frames."""
    rows = []
    for period in ["2024-01", "2024-02"]:
        for g in GROUPS:
            stories = int(STORIES[g])
            for k, frame in enumerate(["conflict", "economic"]):
                words, hits = 500 * stories, (k + 1) * stories
                rows.append(
                    {
                        "period": period,
                        "group": g,
                        "frame": frame,
                        "n_hits": hits,
                        "n_words": words,
                        "n_stories": stories,
                        "intensity": 1000 * hits / words,
                        "thin": stories < 3,
                    }
                )
    return pd.DataFrame(rows)


def sentences_table() -> pd.DataFrame:
    """Sentences with an ``outlet`` column: ``sentences_of(g)`` sentences in ``STORIES[g]``
    stories per group."""
    rows = []
    for g in GROUPS:
        for i in range(sentences_of(g)):
            rows.append({"story_id": f"{g}-{i % STORIES[g]}", "outlet": g, "n_words": 5 + i % 30})
    return pd.DataFrame(rows)
