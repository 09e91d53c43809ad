"""Text normalisation: pure ``str -> str`` functions making article text consistent for analysis.

The original text is always kept beside the normalised one (``raw_text`` in the stories table);
these functions only produce the *analysed* text. The steps, applied in this order by
:func:`normalize_text`:

0. :func:`fix_mojibake` - text that was UTF-8 but read in another encoding on its way into the
   file ("Ã¢â‚¬â„¢90s" -> "’90s", "SantamarÃ­a" -> "Santamaría"; 27 titles and 2 texts of the
   AllSides sample) is repaired with ftfy's ``fix_encoding`` (R. Speer, *ftfy*, Zenodo 2019,
   doi:10.5281/zenodo.2591652), which decodes it back only when the result is more plausible
   text. It runs only where a character that starts a UTF-8 sequence, as Latin-1 or
   Windows-1252 show it, is followed by one that continues one (a fast check; ftfy decides).
1. :func:`strip_html` - only when the text contains markup: tags removed (block tags become
   paragraph breaks), entities decoded (``&amp;`` -> ``&``).
2. :func:`normalize_unicode` - Unicode NFC composition (``e`` + combining acute -> ``é``).
3. :func:`remove_invisible` - zero-width characters, the soft hyphen, the BOM and control
   characters (except newline and tab) removed.
4. :func:`normalize_punctuation` - typographic apostrophes and quotes made ASCII (``Japan’s`` and
   ``Russia's`` then tokenise alike), every dash-like character between words made ``—`` and
   hyphen-like characters ``-``, the ellipsis character made ``...``.
5. :func:`collapse_whitespace` - runs of spaces, tabs and no-break spaces become one space inside a
   paragraph; paragraphs are kept one per line, blank lines removed, each line stripped.

:func:`tokenize` is the one word tokeniser of the package (word counts, term counts, lexicons).
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = [
    "collapse_whitespace",
    "fix_mojibake",
    "normalize_punctuation",
    "normalize_text",
    "normalize_unicode",
    "remove_invisible",
    "strip_html",
    "tokenize",
]

_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^<>]*|/[a-zA-Z][a-zA-Z0-9]*\s*|!--.*?--)>", re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|blockquote|tr|table|section|article|header|footer)\b[^>]*>",
    re.I,
)
_DROP_ELEMENT = re.compile(r"<\s*(script|style|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\x00-\x08\x0b-\x1f\x7f-\x9f]")

_PUNCT = tuple(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / typographic apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u02bc": "'",  # modifier letter apostrophe
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2012": "\u2014",  # figure dash
        "\u2013": "\u2014",  # en dash
        "\u2015": "\u2014",  # horizontal bar
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2212": "-",  # minus sign
        "\u2026": "...",
    }.items()
)
#: A character that starts a UTF-8 sequence, as Latin-1 or Windows-1252 show it, then one that
#: continues one: what UTF-8 read in either encoding looks like ("Ã©", "â€™", "Ã¢â‚¬").
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039"
    "\u203a\u20ac\u2122]"
)
_HSPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_TOKEN = re.compile(r"[^\W_]+(?:['.\-&][^\W_]+)*", re.UNICODE)


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded in another encoding (ftfy's ``fix_encoding``), where
    :data:`_MOJIBAKE_HINT` finds a sign of it; other text is returned as it is.

    >>> fix_mojibake("RomneyÃ¢â‚¬â„¢s path")
    'Romney\u2019s path'
    >>> fix_mojibake("Café, naïve, São Paulo")
    'Café, naïve, São Paulo'
    """
    if text.isascii() or _MOJIBAKE_HINT.search(text) is None:
        return text
    from ftfy import fix_encoding  # here: most texts never need it

    return fix_encoding(text)


def strip_html(text: str) -> str:
    """Remove HTML tags and decode entities, only if ``text`` contains markup.

    >>> strip_html("<p>Tom &amp; Jerry</p><p>Part two</p>")
    'Tom & Jerry\\nPart two'
    >>> strip_html("5 < 6 and AT&T")
    '5 < 6 and AT&T'
    """
    has_tags = _MARKUP.search(text) is not None
    if not has_tags and _ENTITY.search(text) is None:
        return text
    if has_tags:
        text = _DROP_ELEMENT.sub(" ", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _MARKUP.sub("", text)
    text = html.unescape(text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def normalize_unicode(text: str) -> str:
    """Compose to Unicode NFC.

    >>> normalize_unicode("Nicola\\u0301s") == "Nicolás"
    True
    """
    return unicodedata.normalize("NFC", text)


def remove_invisible(text: str) -> str:
    """Drop zero-width, soft-hyphen, BOM and control characters (newline and tab are kept).

    >>> remove_invisible("Mad\\u200buro\\u00ad")
    'Maduro'
    """
    return _INVISIBLE.sub("", _NEWLINES.sub("\n", text))


def normalize_punctuation(text: str) -> str:
    """Make typographic quotes, apostrophes, dashes and ellipses consistent.

    >>> normalize_punctuation("Japan\\u2019s \\u201cdeal\\u201d \\u2013 done\\u2026")
    'Japan\\'s "deal" \\u2014 done...'
    """
    for char, replacement in _PUNCT:  # str.replace is far faster than str.translate here
        if char in text:
            text = text.replace(char, replacement)
    return text


def collapse_whitespace(text: str) -> str:
    """One space between words, one paragraph per line, no blank or padded lines.

    >>> collapse_whitespace("  a \\t b\\n\\n\\n c  ")
    'a b\\nc'
    """
    lines = (_HSPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalize_text(text: str) -> str:
    """Apply every normalisation step in the documented order.

    >>> normalize_text("<b>Japan\\u2019s</b>  budget\\u200b")
    "Japan's budget"
    """
    text = fix_mojibake(text)
    text = strip_html(text)
    text = normalize_unicode(text)
    text = remove_invisible(text)
    text = normalize_punctuation(text)
    return collapse_whitespace(text)


def tokenize(text: str, *, lower: bool = True) -> list[str]:
    """Split normalised text into word tokens (letters/digits, inner ``' . - &`` kept).

    Possessive ``'s`` stays attached, so ``Japan's`` is one token; ``U.S.`` becomes ``u.s``.

    >>> tokenize("Japan's U.S.-made jets, 9 trillion yen")
    ["japan's", 'u.s', 'made', 'jets', '9', 'trillion', 'yen']
    """
    tokens = _TOKEN.findall(text)
    return [t.lower() for t in tokens] if lower else tokens
