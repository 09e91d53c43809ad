"""Cases shared by the sentiment tests (``tests/test_sentiment_*.py``, ``test_narrate_*``)."""

from __future__ import annotations

#: The targets of the seed stories, as the sentiment notebook names them.
TARGETS = {
    "Russia": ["Russia", "Moscow", "Kremlin", "Putin"],
    "United States": ["United States", "U.S.", "Washington", "Trump"],
}
#: A phrase of the Russia story's condemnation sentence (TextBlob ~0, VADER clearly negative).
AGGRESSION = "armed aggression"
