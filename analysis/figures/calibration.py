"""Figures of frame calibration: agreement with human coders per frame, with intervals."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis._checks import require_columns
from analysis.safe import plot_text

__all__ = ["agreement_chart"]

_CODER_COLOURS = {"calibrated": "#1f77b4", "blind": "#ff7f0e", "always present": "#7f7f7f"}


def agreement_chart(agreement: pd.DataFrame, *, statistic: str = "f1") -> go.Figure:
    """Dots with 95 % bootstrap intervals: one row per frame, one colour per coder.

    Args:
        agreement: :func:`analysis.agreement.agreement_table` output.
        statistic: the statistic drawn (``f1``, ``kappa``, ``alpha`` …).
    """
    require_columns(
        agreement, ["category", "coder", "statistic", "value", "low", "high"], "agreement"
    )
    rows = agreement[agreement["statistic"] == statistic]
    categories = list(dict.fromkeys(rows["category"]))
    fig = go.Figure()
    for coder in dict.fromkeys(rows["coder"]):
        part = rows[rows["coder"] == coder].set_index("category").reindex(categories)
        fig.add_trace(
            go.Scatter(
                x=part["value"],
                y=categories,
                mode="markers",
                name=coder,
                marker={"size": 10, "color": _CODER_COLOURS.get(coder, "#2ca02c")},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["high"] - part["value"]).fillna(0),
                    "arrayminus": (part["value"] - part["low"]).fillna(0),
                    "thickness": 1.2,
                },
                hovertemplate="%{y}: %{x:.2f}<extra>" + plot_text(coder) + "</extra>",
            )
        )
    low = -1.0 if statistic in ("kappa", "alpha") else 0.0
    fig.update_layout(
        template="plotly_white",
        title=f"Agreement with human coders: {plot_text(statistic)} per frame (95 % intervals)",
        xaxis={"title": statistic, "range": [low, 1.0], "zeroline": True},
        yaxis={"autorange": "reversed", "automargin": True},
        height=max(300, 120 + 36 * len(categories)),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 60},
    )
    return fig
