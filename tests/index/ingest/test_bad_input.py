"""Bad input: one clear line naming the file and reason; the batch goes on; the store keeps
what it had."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.batch import ingest
from index.ingest.pipeline import load_source
from index.ingest.reading import MAX_FILE_BYTES

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>x</title><item><title>&lol2;</title>
<description>boom</description></item></channel></rss>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title>
<description>leak</description></item></channel></rss>"""


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
        (
            "broken.xml",
            b"<?xml version='1.0'?><rss><channel><item><title>x</item>",
            "malformed XML",
        ),
        ("bomb.xml", BILLION_LAUGHS.encode(), "unsafe XML refused"),
        ("xxe.xml", XXE.encode(), "unsafe XML refused"),
        ("mixed.txt", "Café über — ".encode() * 20 + b"\xe9t\xe9 " * 5, "mixed encodings"),
        ("other.xml", b"<?xml version='1.0'?><catalog><book/></catalog>", "neither an RSS"),
    ],
)
def test_bad_file_gives_one_line_error_naming_it(tmp_path: Path, name, data, reason):
    target = _write(tmp_path, name, data)
    result = load_source(target)
    assert result.documents == ()
    assert result.error.startswith(str(tmp_path / name) + ": ")
    assert reason in result.error
    assert "\n" not in result.error


def test_latin1_text_is_decoded_not_rejected(tmp_path: Path):
    text = (
        "Élections à Montréal\n\nLes électeurs de Montréal ont voté dimanche pour élire "
        "un nouveau maire, après une campagne très disputée sur le logement."
    )
    result = load_source(_write(tmp_path, "fr.txt", text.encode("latin-1")))
    assert result.error is None
    assert result.documents[0].title == "Élections à Montréal"


def test_huge_file_is_refused_without_reading_it(tmp_path: Path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(1024**3)
    result = load_source(str(path))
    assert "over the" in result.error and f"{MAX_FILE_BYTES:,}" in result.error


def test_missing_file_is_reported(tmp_path: Path):
    result = load_source(str(tmp_path / "nope.txt"))
    assert result.error == f"{tmp_path / 'nope.txt'}: no such file"


def test_batch_with_bad_files_still_ingests_the_good_ones(tmp_path, demo_dir, store, chunker):
    bad = _write(tmp_path, "empty.txt", b"")
    good = str(demo_dir / "004_1ae60b7a2546b04f.txt")
    report = ingest([bad, good], store, chunker)
    assert len(report.failed) == 1
    assert store.count() == 1


def test_failure_while_storing_leaves_the_store_as_it_was(demo_dir, store, chunker):
    ingest([str(demo_dir / "004_1ae60b7a2546b04f.txt")], store, chunker)
    before = [(doc.doc_id, doc.text) for doc in store.documents()]
    chunks_before = store.chunks()

    class FailingChunker:
        tokenizer, config = chunker.tokenizer, chunker.config
        calls = 0

        def chunk(self, document):
            FailingChunker.calls += 1
            if FailingChunker.calls == 5:
                raise KeyboardInterrupt  # Ctrl-C in the middle of a batch
            return chunker.chunk(document)

    with pytest.raises(KeyboardInterrupt):
        ingest([str(demo_dir)], store, FailingChunker())
    assert [(doc.doc_id, doc.text) for doc in store.documents()] == before
    assert store.chunks() == chunks_before
