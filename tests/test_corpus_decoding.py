"""Tests of analysis.corpus.decoding: byte order marks, detected encodings, binary files and
undecodable bytes, in every file format the loader reads."""

from __future__ import annotations

import io
import json
import random
import warnings
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.corpus import CorpusWarning, load_corpus
from analysis.corpus import decoding as decoding_module
from analysis.errors import CorpusError, ParameterError
from analysis.normalize import normalize_text

# ----------------------------------------------------------------------------- bad bytes


def test_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n\n")
    with pytest.raises(CorpusError, match=r"empty\.txt: the file is empty"):
        load_corpus(tmp_path / "empty.txt")


def test_binary_file(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CorpusError, match="looks binary"):
        load_corpus(tmp_path / "image.txt")


def test_undecodable_bytes_name_the_line_and_byte(tmp_path, monkeypatch):
    """Bytes no encoding reads: the error names the file, line and byte."""
    path = tmp_path / "garbled.txt"
    path.write_bytes(b"Story text.\n" + bytes(range(0xA0, 0x100)))
    with pytest.raises(CorpusError, match=r"garbled\.txt:2: byte 12 is not valid utf-8") as info:
        load_corpus(path)
    assert info.value.line == 2
    # the same when charset-normalizer finds nothing for bytes it would otherwise read
    monkeypatch.setattr(decoding_module, "_detect_encoding", lambda data: None)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Line one.\nCaf\xe9 society.\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1\.txt:2: byte 13 is not valid utf-8"):
        load_corpus(latin)
    assert "Café" in load_corpus(latin, encoding="latin-1").stories["text"].iloc[0]


# ----------------------------------------------------------------------------- encodings


STORY = (
    "Caf\u00e9 owners na\u00efvely \u201cwelcomed\u201d the r\u00e9sum\u00e9 rules. Prices rose."
)


def _story_file(tmp_path, kind, text=STORY):
    """A one-story file of ``kind`` (txt, csv or jsonl) as text, and its path."""
    if kind == "txt":
        return tmp_path / "story.txt", text + "\n"
    if kind == "csv":
        return tmp_path / "story.csv", f'id,title,text\ns1,A title,"{text}"\n'
    return tmp_path / "story.jsonl", json.dumps({"id": "s1", "text": text}, ensure_ascii=False)


BOM_ENCODINGS = [
    ("utf-16 le", "utf-16-le", b"\xff\xfe"),
    ("utf-16 be", "utf-16-be", b"\xfe\xff"),
    ("utf-32 le", "utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32 be", "utf-32-be", b"\x00\x00\xfe\xff"),
    ("utf-8-sig", "utf-8", b"\xef\xbb\xbf"),
]


@pytest.mark.parametrize("kind", ["txt", "csv", "jsonl"])
@pytest.mark.parametrize(
    ("label", "codec", "bom"), BOM_ENCODINGS, ids=[e[0] for e in BOM_ENCODINGS]
)
def test_files_with_a_byte_order_mark_load_in_every_format(tmp_path, kind, label, codec, bom):
    path, text = _story_file(tmp_path, kind)
    path.write_bytes(bom + text.encode(codec))
    family = codec.rsplit("-", 1)[0] if codec != "utf-8" else "utf-8"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # the mark agrees with encoding=
        corpus = load_corpus(path, encoding=family, cache=False)
    assert corpus.stories["raw_text"].tolist() == [STORY]
    assert corpus.skipped.empty


def test_byte_order_mark_overrides_encoding_with_a_warning(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("text,title\nA story here.,One\n".encode("utf-16"))
    with pytest.warns(CorpusWarning, match=r"utf16\.csv: .*UTF-16 LE byte order mark.*not utf-8"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["title"].tolist() == ["One"]


@pytest.mark.parametrize("kind", ["txt", "csv", "jsonl"])
def test_undecodable_file_loads_in_the_detected_encoding_with_a_warning(tmp_path, kind):
    path, text = _story_file(tmp_path, kind)
    path.write_bytes(text.encode("cp1252"))
    with pytest.warns(CorpusWarning, match=rf"{path.name}: not readable as utf-8.*read as cp1252"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["raw_text"].tolist() == [STORY]
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # the right encoding= gives no warning
        assert load_corpus(path, encoding="cp1252", cache=False).stories["raw_text"].tolist() == [
            STORY
        ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(tmp_path, codec):
    path = tmp_path / "no_bom.csv"
    path.write_bytes(f'text,title\n"{STORY}",One\n'.encode(codec))
    with pytest.warns(CorpusWarning, match=r"no_bom\.csv: .*read as utf_16"):
        corpus = load_corpus(path, cache=False)
    assert corpus.stories["raw_text"].tolist() == [STORY]
    # encoding="utf-16" without a mark does not say the byte order: it is detected, silently
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        assert len(load_corpus(path, encoding="utf-16", cache=False)) == 1


def _zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("story.txt", STORY * 20)
    return buffer.getvalue()


BINARY_FILES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06",
    "zip": _zip_bytes(),
    "random": random.Random(7).randbytes(4096),
    "utf-16 mark, then binary": b"\xff\xfe\x00\x00binary",
    "nuls": b"\x00" * 64,
}


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".jsonl"])
@pytest.mark.parametrize("content", list(BINARY_FILES.values()), ids=list(BINARY_FILES))
def test_binary_files_are_refused_naming_the_file(tmp_path, suffix, content):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=rf"data\{suffix}: the file looks binary") as info:
        load_corpus(path, cache=False)
    assert info.value.path == str(path)


def test_damaged_utf8_is_not_read_as_another_encoding(tmp_path):
    """A stray byte in a UTF-8 file is damage: detection would garble every accented letter."""
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        ("Caf\u00e9 na\u00efve r\u00e9sum\u00e9.\n" * 3).encode() + b"Bad \xe9t\xe9.\n"
    )
    with pytest.raises(CorpusError, match=r"mixed\.txt:4: byte 73 is not valid UTF-8 .* damage"):
        load_corpus(path, cache=False)


def test_byte_order_mark_then_bytes_it_cannot_read(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes("A story.\nCut off".encode("utf-16") + b"A")
    with pytest.raises(CorpusError, match=r"cut\.txt:2: .*UTF-16 LE byte order mark, but byte 34"):
        load_corpus(path, cache=False)


def test_unknown_encoding_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown encoding 'utf-99'"):
        load_corpus(encoding="utf-99")


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=200,
    ).filter(lambda t: normalize_text(t)),
    encoding=st.sampled_from(BOM_ENCODINGS),
)
def test_any_text_written_with_a_byte_order_mark_reads_back(tmp_path_factory, text, encoding):
    _label, codec, bom = encoding
    path = tmp_path_factory.mktemp("bom") / "story.txt"
    path.write_bytes(bom + text.encode(codec))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        corpus = load_corpus(path, stories_per_file="one", cache=False)
    assert corpus.stories["raw_text"].tolist() == [text]
