"""Text cleaning: page furniture out, the article in, offsets into the file, bad input refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from escalade.ingest.text import (
    IngestError,
    article_from_text,
    check_english,
    find_article_date,
    read_article,
)

PAGE = """Home | World | Middle East | Opinion
Sign in   Subscribe from $1/week
Share on Facebook   Share on X   Email this

Iran launched more than 300 drones and missiles at Israel overnight, the Israeli military said.
Jordan shot down drones that entered its airspace, officials in Amman said on Sunday morning.

ADVERTISEMENT
Related articles
What the attack means for oil
Israel's air defences explained

Comments (214)
© 2024 The Daily Reporter. All rights reserved.
"""


def test_plain_text_furniture_is_dropped_and_the_article_kept() -> None:
    art = article_from_text(PAGE, "page.txt")
    assert "Iran launched more than 300 drones" in art.text
    assert "Jordan shot down drones" in art.text
    furniture_lines = ["Subscribe", "Share on", "Related articles", "What the attack means"]
    furniture_lines += ["Comments", "All rights reserved", "Home | World", "ADVERTISEMENT"]
    for furniture in furniture_lines:
        assert furniture not in art.text, furniture
    assert art.dropped_lines >= 8


def test_offsets_point_into_the_file() -> None:
    art = article_from_text(PAGE, "page.txt")
    start = art.text.index("Jordan shot down")
    src = art.source_offset(start)
    assert PAGE[src : src + 16] == "Jordan shot down"


HTML_PAGE = (
    "<html><head><title>T</title>"
    '<meta property="article:published_time" content="2024-04-19T09:30:00Z"></head><body>'
    "<nav>Home | World | Markets</nav><article><h1>Israel strikes Iran</h1>"
    "<p>Israel carried out a limited strike on Iran early on Friday, U.S. officials said.</p>"
    "<p>Iranian officials said there was no need for a further response to the attack.</p>"
    "</article><div class='newsletter'>Sign up for our newsletter</div></body></html>"
)


def test_html_goes_through_the_boilerplate_remover() -> None:
    art = article_from_text(HTML_PAGE, "p.html")
    assert art.html
    assert "limited strike on Iran" in art.text
    assert "newsletter" not in art.text and "Markets" not in art.text
    assert art.date == dt.date(2024, 4, 19)


def test_a_page_reads_the_same_however_often_it_is_read() -> None:
    # trafilatura's removal of repeated paragraphs is kept within the page: its own cache,
    # shared by the process, dropped a paragraph from a page read a third time
    texts = {article_from_text(HTML_PAGE, "p.html").text for _ in range(4)}
    assert len(texts) == 1
    assert "limited strike on Iran" in texts.pop()


@pytest.mark.parametrize(
    ("head", "date"),
    [
        ("BAGHDAD, Jan. 8, 2020 (Wire) — Iran fired missiles", dt.date(2020, 1, 8)),
        ("Published: 14 April 2024 | Updated 2 hours ago", dt.date(2024, 4, 14)),
        ("THE GULF BRIEF — Saturday, 3 February 2024", dt.date(2024, 2, 3)),
        ("Filed 2024-08-06 by the desk", dt.date(2024, 8, 6)),
        ("No date in this head at all", None),
    ],
)
def test_article_date_from_its_head(head: str, date: dt.date | None) -> None:
    assert find_article_date(head) == date


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_text("  \n\n ")
    with pytest.raises(IngestError, match="empty"):
        read_article(f)


def test_binary_file(tmp_path: Path) -> None:
    f = tmp_path / "image.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(IngestError, match="binary"):
        read_article(f)


def test_huge_file(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    f.write_text("Iran fired missiles at Israel. " * 2000)
    with pytest.raises(IngestError, match="larger than the limit of 1,000 bytes"):
        read_article(f, max_bytes=1000)


def test_non_english_is_detected_and_named() -> None:
    french = (
        "L'Iran a lancé samedi soir plus de trois cents drones et missiles contre Israël, "
        "selon l'armée israélienne. La Jordanie a abattu plusieurs drones au-dessus de son "
        "territoire, ont indiqué des responsables à Amman dimanche matin."
    )
    with pytest.raises(IngestError, match=r"not look like English \(detected language: fr\)"):
        article_from_text(french, "fr.txt")


def test_a_page_of_furniture_only_says_so() -> None:
    with pytest.raises(IngestError, match="no article text left"):
        article_from_text("Subscribe to our newsletter\nShare on Facebook\n", "x.txt")


def test_a_short_english_sentence_of_nouns_is_read() -> None:
    """One sentence of names and nouns holds few function words; langdetect's English is enough
    for a text this short (it was refused as 'not English (detected language: en)')."""
    art = article_from_text(
        "Chinese coast guard vessels sailed into restricted waters around Taiwan's Kinmen.",
        "kinmen.txt",
    )
    assert "Kinmen" in art.text


def test_a_long_list_without_prose_is_refused_with_the_reason() -> None:
    names = " ".join(["Tehran Damascus Beirut Baghdad Sanaa Jerusalem Washington Moscow"] * 8)
    with pytest.raises(IngestError, match=r"not look like English \((only \d+%|detected)"):
        check_english(names, "list.txt")
