"""Every path the package uses, rooted at the project root (one place to change them).

Environment variables override the defaults so that tests, CI and users can redirect output:

- ``ANALYSIS_REPORTS_DIR``: where reports are written (default ``<root>/reports``).
- ``ANALYSIS_CACHE_DIR``: the on-disk analysis cache (default ``<root>/.cache/analysis``).
- ``ANALYSIS_SHARED_DIR``: the shared data folder beside the checkout
  (default ``<root>/../shared``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"
SEEDS_DIR = PROJECT_ROOT / "seeds"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def reports_dir() -> Path:
    """Folder that receives executed notebooks, HTML reports and the index page."""
    return Path(os.environ.get("ANALYSIS_REPORTS_DIR", PROJECT_ROOT / "reports"))


def cache_dir() -> Path:
    """Folder of the content-keyed analysis cache."""
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", PROJECT_ROOT / ".cache" / "analysis"))


def shared_dir() -> Path:
    """The read-only shared data folder (corpora, validation sets); may not exist."""
    return Path(os.environ.get("ANALYSIS_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


def allsides_csv() -> Path:
    """The 2,505-article AllSides sample (absent on a user's fresh clone)."""
    return shared_dir() / "corpora" / "allsides" / "articles.csv"


def sentiment_validation_dir() -> Path:
    """Human sentiment ratings published with VADER (absent on a user's fresh clone)."""
    return shared_dir() / "validation" / "sentiment"


def seeds_coded_sample() -> Path:
    """The four seed stories hand-coded for the generic frames (the calibration example)."""
    return DATA_DIR / "coded" / "seeds_generic.csv"
