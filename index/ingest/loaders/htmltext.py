"""HTML fragments (feed summaries) to plain text with paragraph breaks kept."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_BLOCKS = (
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "section",
    "article",
    "figure",
    "figcaption",
)


def tidy_paragraphs(text: str) -> str:
    """One paragraph per non-empty line, inner whitespace folded, separated by a blank
    line: the canonical shape of every document's text, whatever its format."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment; scripts and styles dropped, blocks become paragraphs.
    A fragment without tags is plain text (entities decoded, newlines kept)."""
    if not _TAG.search(fragment):
        return tidy_paragraphs(html.unescape(fragment))
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return tidy_paragraphs(html.unescape(_TAG.sub(" ", fragment)))
    for element in list(root.iter("script", "style", "noscript", "template")):
        element.drop_tree()
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter(*_BLOCKS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    return tidy_paragraphs(root.text_content())
