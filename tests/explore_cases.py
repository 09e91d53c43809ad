"""Constants of the explorer tests (the fixtures are in tests/explore_fixtures.py)."""

from __future__ import annotations

#: A string that runs script when put into HTML unescaped.
HOSTILE = '<img src=x onerror="alert(1)">'
#: HOSTILE as an article carries it through the loader: entity-encoded (the loader removes
#: tags but decodes entities, so the sentence text holds HOSTILE itself).
HOSTILE_ENCODED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
#: The Russian seed story's clearly negative sentence with conflict triggers.
CONDEMNED = (
    'The Russian Foreign Ministry vehemently condemned the U.S. action as "armed aggression" '
    'and an "unacceptable encroachment on the sovereignty of an independent state."'
)
