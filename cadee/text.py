"""Text safety: one escaper per output context, one sanitiser, one shortener, one pluraliser.

Every string that cadee writes and that may hold user text (a blueprint, a
rule pack, a pull-request title, a git revision) goes through exactly one
function here for the context it lands in:

=================  ==========================================================
context            function
=================  ==========================================================
terminal, logs     :func:`terminal` (one line) or ``terminal(text, keep="\\n")``
documents          :func:`sanitise` (the one sanitiser, used by the escapers)
GitHub Markdown    :func:`markdown`, :func:`markdown_code`, :func:`markdown_url`
rule-pack Markdown :func:`markdown_untrusted` (no raw HTML, no images)
HTML               :func:`html`, :func:`safe_url`
typst              :func:`typst_string`, :func:`typst_text`
Structurizr DSL    :func:`structurizr_string`
DOT (Graphviz)     :func:`dot_string`, :func:`dot_html`
Mermaid            :func:`mermaid`
JSON               :func:`json_text`
JUnit XML          :func:`xml_text`
GitHub commands    :func:`github_data`, :func:`github_property`
=================  ==========================================================

JSON outputs (SARIF, GitLab, cadee's own) go through :func:`json_text`: every
value round-trips exactly, and the text is safe on a terminal.

Two kinds of characters are never let through as themselves:

* **controls**: C0 (``\\x00``-``\\x1f`` but the line breaks a context allows),
  DEL and C1 (``\\x80``-``\\x9f``, where ``\\x9b`` is a one-byte CSI): ESC
  sequences (CSI ``\\x1b[2J``, OSC ``\\x1b]0;title\\x07``, OSC 8 links) can
  rewrite a terminal, a log or a CI view;
* **bidirectional controls** (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
  U+061C): "Trojan Source" text that reads differently from what it is.

Terminals get them shown as Python escapes (``\\x1b``, ``\\u202e``), visible
and copyable; documents (Markdown, HTML, typst, DOT, Mermaid) get U+FFFD.

Pure functions, no state, nothing imported but :mod:`re` (:mod:`json` and
:mod:`cadee.report.jsonenc`, its fast indented encoder, when
first needed): this module is on the CLI start-up path.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "BIDI_CONTROLS",
    "dot_html",
    "dot_string",
    "github_data",
    "github_property",
    "html",
    "json_text",
    "markdown",
    "markdown_code",
    "markdown_untrusted",
    "markdown_url",
    "mermaid",
    "plural",
    "safe_url",
    "sanitise",
    "shorten",
    "structurizr_string",
    "terminal",
    "typst_string",
    "typst_text",
    "xml_text",
]

#: Bidirectional formatting controls: embeddings, overrides, isolates and marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

REPLACEMENT = "\ufffd"

# What no document may carry: C0 but TAB and LF (handled apart), DEL, C1, the
# bidi controls, the Unicode line and paragraph separators and lone surrogates
# (no UTF-8 file can hold them).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


# -- the one shortener, the one pluraliser -----------------------------------------------


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to at most ``limit`` characters, the last one ``…`` when cut.

    For messages that quote user input. It does not sanitise: escape the
    result for its context.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``"1 system"``, ``"2 systems"``; ``many`` for irregular plurals
    (``plural(2, "boundary", "boundaries")``)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


# -- the one sanitiser -------------------------------------------------------------------


def sanitise(text: object, *, one_line: bool = False) -> str:
    """``text`` with nothing a reader cannot see: the base of every document escaper.

    Guarantees: the result holds no C0 control but LF, no DEL, no C1 control,
    no bidi control, no U+2028/U+2029 and no lone surrogate; each of them becomes U+FFFD (shown,
    never interpreted). CRLF becomes LF, TAB a space. With ``one_line``
    every line break becomes a space, so the result is one line.
    """
    text = str(text)
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\t", " ")
    text = _UNSAFE.sub(REPLACEMENT, text)
    return text.replace("\n", " ") if one_line else text


# -- terminal ------------------------------------------------------------------------------


def terminal(text: object, keep: str = "") -> str:
    """``text`` safe to print on a terminal or in a CI log, on one line.

    Guarantees: every character that is not printable (``str.isprintable``:
    C0 and C1 controls, ESC, ``\\x9b``, DEL, bidi and other format controls,
    line separators, unassigned code points), other than a space and the
    characters in ``keep`` (a subset of ``"\\t\\n\\r"``), is shown as its
    Python escape (``\\x1b``, ``\\u202e``, ``\\n``), so no terminal sequence,
    line break or reordering can come from user text.
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " or ch in keep else repr(ch)[1:-1] for ch in text
    )


# -- GitHub-flavoured Markdown ----------------------------------------------------------------

# Backslash-escaped wherever they are: emphasis, code, links, images, footnotes,
# tables, HTML, entities, math, strikethrough, headings and block quotes.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$@~&])")
# Markers that start a block only at the start of a line: lists, setext headings.
_MD_BLOCK_START = re.compile(r"^( {0,3})([-=+]|\d+[.)])")
_MD_INDENT = re.compile(r"^ {4,}")
# GitHub links these after rendering, on the text it shows (a backslash or an
# entity is gone by then): a zero-width space after the trigger breaks them.
#   @octocat @org/team (mentions), foo@bar.com (e-mail), #1 owner/repo#1 GH-1
#   (references), https:// // www. (autolinks), :emoji: (shortcodes).
_ZWSP = "&#8203;"
_MD_LINKED = re.compile(
    r"(?<=\\@)(?=[A-Za-z0-9])"
    r"|(?<=\\#)(?=[A-Za-z0-9])"
    r"|(?<=\bGH-)(?=[0-9])"
    r"|(?<=/)(?=/)"
    r"|(?<=\bwww)(?=\.)"
    r"|(?<=:)(?=[A-Za-z0-9_+-]+:)",
    re.IGNORECASE,
)
_MD_IMAGE = re.compile(r"!(?=\\\[)")


def markdown(text: object, line_start: bool = True) -> str:
    """Plain text as GitHub-flavoured Markdown that renders literally, on one line.

    Guarantees, for any ``text``: the rendered output shows the text (controls
    and bidi controls as U+FFFD, line breaks as ``<br>``) and nothing comes
    of it: no emphasis, strikethrough, code, link, autolink (``https://``,
    ``www.``, ``<...>``, e-mail), image, footnote, raw HTML, entity, math
    (``$...$``, ``$$``, ``$`...`$``), table cell break, heading, block quote,
    list or code block; and GitHub's post-processing finds no mention
    (``@user``, ``@org/team``), issue reference (``#1``, ``GH-1``,
    ``owner/repo#1``) or emoji shortcode (``:smile:``) in it, because a
    zero-width space (``&#8203;``) follows each trigger.

    A zero-width space is invisible but copied with the text; it is the
    smallest change that breaks the pattern (Renovate and Dependabot use it
    for the same reason), where ``&#64;`` or ``\\@`` would not: GitHub links
    the decoded text.

    ``line_start``: the text may begin a line, where list, heading and
    code-block markers would otherwise start a block.
    """
    out = []
    for index, line in enumerate(sanitise(text).split("\n")):
        line = _MD_SPECIAL.sub(r"\\\1", line)
        line = _MD_IMAGE.sub(r"\\!", line)
        line = _MD_LINKED.sub(_ZWSP, line)
        if line_start or index:
            line = _MD_INDENT.sub(lambda m: "&#32;" * len(m.group()), line)
            line = _MD_BLOCK_START.sub(
                lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], line
            )
        out.append(line)
    # Line breaks inside a value would end a paragraph or a table row.
    return "<br>".join(out)


def markdown_code(text: object, in_table: bool = False) -> str:
    """``text`` as one inline code span, whatever backticks it holds.

    Guarantees: the span shows the text literally on one line (controls and
    bidi controls as U+FFFD); nothing inside a code span is a link, mention,
    reference, math or markup on GitHub. ``in_table``: the span is in a table
    cell, where ``|`` must be written ``\\|`` even inside code.
    """
    text = sanitise(text, one_line=True)
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end when both ends have one: pad to keep them.
    pad = " " if text.startswith("`") or text.endswith("`") or text[:1] == text[-1:] == " " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_url(url: str) -> str:
    """A link destination in angle brackets: ``<``, ``>``, ``\\`` and white space
    percent-encoded, so the URL cannot end the link. Check it first with
    :func:`safe_url`."""
    return "<" + re.sub(r"[<>\s\\]", lambda m: f"%{ord(m.group()):02X}", sanitise(url)) + ">"


_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<[!?][^<>]*>")
# An autolink (kept) or any other ``<`` that could start HTML (written ``&lt;``).
_HTML_START = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<(?=[A-Za-z/!?])")
_IMAGE_START = re.compile(r"(?<!\\)!\[")


def markdown_untrusted(text: object) -> str:
    """Markdown written by someone else (a rule pack's rationale, fix and
    references) as Markdown that GitHub can show without fetching anything.

    Guarantees: no raw HTML (tags and comments are removed; any other ``<``
    that could start HTML is written ``&lt;``; ``<scheme:...>`` autolinks
    stay), no image (``![alt](url)`` becomes a link ``[alt](url)``, so a
    remote image, a tracking pixel, is never loaded), no control or bidi
    control. Other Markdown (emphasis, lists, code, links) is kept.
    """
    text = _HTML_TAG.sub("", _HTML_COMMENT.sub("", sanitise(text)))
    text = _HTML_START.sub(lambda m: m.group() if len(m.group()) > 1 else "&lt;", text)
    return _IMAGE_START.sub("[", text)


# -- HTML ---------------------------------------------------------------------------------------

_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_HTML_SPECIAL = re.compile("[&<>\"']")


def html(text: object, br: bool = False) -> str:
    """Text for HTML element content or a quoted attribute value.

    Guarantees: ``& < > " '`` are character references, so no element,
    attribute or entity comes from ``text``; controls and bidi controls are
    U+FFFD. Line breaks become ``<br>`` with ``br``, else spaces.
    """
    text = _HTML_SPECIAL.sub(lambda m: _HTML_ESCAPES[m.group()], sanitise(text))
    return text.replace("\n", "<br>" if br else " ")


def safe_url(url: str) -> bool:
    """Whether ``url`` may become a link: ``https:``, ``http:`` or ``mailto:`` only
    (never ``javascript:`` or ``data:``)."""
    return url.startswith(("https://", "http://", "mailto:"))


# -- typst ----------------------------------------------------------------------------------------

_TYPST_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n"}


def typst_string(text: object) -> str:
    """A typst string literal (code mode).

    Guarantees: the literal ends where it should (``\\`` and ``"`` escaped, a
    line break is ``\\n``), and holds no control or bidi control (U+FFFD).
    """
    text = sanitise(text)
    if "\\" not in text and '"' not in text and "\n" not in text:
        return '"' + text + '"'
    return '"' + "".join(_TYPST_ESCAPES.get(ch, ch) for ch in text) + '"'


def typst_text(text: object) -> str:
    """Plain text in typst markup: an embedded string, displayed literally.

    The ``;`` ends the embedded expression, so a following ``.x`` or ``(``
    in the template stays text.
    """
    return f"#{typst_string(text)};"


# -- DOT (Graphviz) -------------------------------------------------------------------------------

_DOT_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\n": " "}
_DOT_HTML_SPECIAL = re.compile("[&<>\"'\n]")


def dot_string(text: object) -> str:
    """A DOT double-quoted string (ids, labels and other attributes).

    Guarantees: the string ends where it should (``\\`` and ``"`` escaped, a
    line break is ``\\n``); ``&`` is ``&amp;``, as Graphviz reads entities
    such as ``&lt;`` in labels; controls and bidi controls are U+FFFD.
    """
    text = sanitise(text).replace("&", "&amp;")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_html(text: object) -> str:
    """Text for a Graphviz HTML-like label (``label=<...>``), on one line.

    Guarantees: no element or entity comes from ``text`` (``& < > " '`` are
    references); controls, which SVG cannot hold, and bidi controls are
    U+FFFD; line breaks are spaces.
    """
    return _DOT_HTML_SPECIAL.sub(lambda m: _DOT_HTML_ESCAPES[m.group()], sanitise(text))


# -- Mermaid --------------------------------------------------------------------------------------

_MERMAID_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:/()+-=?!%'_"
)


def mermaid(text: object) -> str:
    """Text for a double-quoted Mermaid label (``["..."]``, ``|"..."|``).

    Guarantees: every character but ASCII letters, digits and `` .,:/()+-=?!%'_``
    is a Mermaid entity (``#35;``), so no quote, bracket, markup or comment
    comes from ``text``; line breaks become ``<br>``; controls and bidi
    controls are U+FFFD (``#65533;``).
    """
    return "<br>".join(
        "".join(ch if ch in _MERMAID_SAFE else f"#{ord(ch)};" for ch in line)
        for line in sanitise(text).split("\n")
    )


# -- Structurizr DSL -----------------------------------------------------------------------------


def structurizr_string(text: object) -> str:
    """A Structurizr DSL string literal, on one line.

    Guarantees: the literal ends where it should (``"`` is ``\\"``, the DSL's
    only escape; a trailing backslash is kept off the closing quote by a
    space); line breaks are spaces, controls and bidi controls U+FFFD; no
    leading or trailing white space.
    """
    text = sanitise(text, one_line=True).strip().replace('"', '\\"')
    return f'"{text} "' if text.endswith("\\") else f'"{text}"'


# -- JSON --------------------------------------------------------------------------------------

# json.dumps escapes C0 controls; with ensure_ascii=False it writes the rest as they are.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(value: Any, indent: int | None = 2) -> str:
    """``value`` as JSON text (UTF-8 characters as they are), ending in a line break.

    Guarantees: parsing the text gives ``value`` back exactly; the text holds
    no control, C1 control (``\\x9b``), bidi control or line separator as
    itself, only as a JSON ``\\uXXXX`` escape, so printing it on a terminal
    sends no escape sequence and reorders nothing.
    """
    import json

    if indent is None:
        text = json.dumps(value, ensure_ascii=False)
    else:  # the same text, without json's pure-Python indenting encoder
        from cadee.report.jsonenc import dumps_indented

        text = dumps_indented(value, indent)
    if text.isascii() and "\x7f" not in text:  # DEL is the one ASCII character to escape
        return text + "\n"
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# -- CI formats -----------------------------------------------------------------------------------


def xml_text(text: object) -> str:
    """Text for an XML 1.0 element or attribute (JUnit), before ElementTree
    escapes ``& < > "``.

    Guarantees: every character XML 1.0 cannot hold (C0 but TAB, LF, CR;
    surrogates; U+FFFE, U+FFFF) and every other non-printable one (C1, bidi
    controls) is shown as its Python escape, as on a terminal.
    """
    return terminal(text, keep="\t\n\r")


def github_data(text: object) -> str:
    """A GitHub Actions workflow command's message (``::error ...::message``).

    Guarantees: as :func:`terminal`, then ``%``, CR and LF escaped exactly as
    GitHub's toolkit does (``@actions/core`` ``escapeData``), so a line break
    can never start a command of its own.
    """
    return terminal(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: object) -> str:
    """A workflow command's property value: as :func:`github_data`, plus ``:``
    and ``,`` (the toolkit's ``escapeProperty``)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")
