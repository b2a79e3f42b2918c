"""Say what is wrong with a SPARQL query that does not parse, and where: an update where only
queries run, a misspelt query form, a prefix that is not declared (with those that are), or
the engine's own complaint cut to what a reader can use, with the offending token and its
line and column. Used by Graph.query (the CLI) and by kzgraph serve's protocol."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .sparql_text import SKIP, blank

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_PROLOGUE = re.compile(r"(?:\s*(?:PREFIX\s+(?:[A-Za-z][\w.-]*)?:\s*<[^>]*>|BASE\s*<[^>]*>))*\s*", re.I)
_WORD = re.compile(r"[^\s{}()<>]+")
_DECLARATION = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
# A prefixed name (SPARQL PNAME_NS / PNAME_LN, ASCII part): not a variable, IRI or language tag.
_PREFIXED_NAME = re.compile(
    r"(?<![\w?$@.:-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?:[\w%:-](?:[\w.%:-]*[\w%:-])?)?"
)
_ENGINE_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def explain_syntax_error(sparql: str, engine_message: str, prefixes: Mapping[str, str]) -> str:
    """The one-paragraph message for `sparql`, which the engine refused with `engine_message`;
    `prefixes` are those declared for the query outside its text."""
    code = SKIP.sub(blank, sparql)  # comments, strings and IRIs blanked, same length
    start = _PROLOGUE.match(code).end()
    word = _WORD.match(code, start)
    first = word.group(0) if word else ""
    if first.upper() in UPDATE_FORMS:
        return (
            f"SPARQL Update ({first.upper()}) is not supported here: the graph is read-only;"
            " run a SELECT, ASK, CONSTRUCT or DESCRIBE query"
        )
    if first.upper() not in QUERY_FORMS:
        import difflib

        close = difflib.get_close_matches(first.upper(), QUERY_FORMS, n=1, cutoff=0.6)
        shown = repr(first) if first else "the end of the query"
        hint = f" (did you mean {close[0]}?)" if close else ""
        return _located(
            sparql,
            start,
            f"expected SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX and BASE), found {shown}{hint}",
        )
    declared = set(prefixes) | {p or "" for p in _DECLARATION.findall(code)}
    for name in _PREFIXED_NAME.finditer(code, start):
        prefix = name.group(1) or ""
        if prefix not in declared:
            known = ", ".join(f"{p}:" for p in sorted(declared)) or "none"
            return _located(
                sparql, name.start(), f"undefined prefix '{prefix}:' in {name.group(0)!r} (declared: {known})"
            )
    return _engine_message(sparql, engine_message)


def _engine_message(sparql: str, message: str) -> str:
    match = _ENGINE_POSITION.match(message)
    if not match:
        return f"SPARQL syntax error: {message}"
    line, column, what = int(match.group(1)), int(match.group(2)), match.group(3)
    offset = _offset(sparql, line, column)
    code = SKIP.sub(blank, sparql)
    while 0 < offset <= len(code) and re.match(r"\w", code[offset - 1]):
        offset -= 1  # the engine may stop inside a word: show the whole word
    token = _WORD.match(code, offset) if offset < len(code) else None
    found = f"found {sparql[offset : token.end()]!r}" if token else "found the end of the query"
    # The engine lists what it tried at the furthest point it reached; its character classes
    # ([...]) and internal notes say nothing to a reader.
    tried = re.findall(r'"[^"]*"|\[[^\]]*\]|[^,\s][^,]*', re.sub(r"^expected (one of )?", "", what))
    words = [
        a.strip() for a in tried if not a.startswith(("[", "]")) and "'" not in a and "not found" not in a
    ]
    words = words[:8]
    wanted = (
        f"expected {' or '.join(words) if len(words) < 3 else 'one of ' + ', '.join(words)}; "
        if words
        else ""
    )
    return _located(sparql, offset, wanted + found)


def explain_query(sparql: str, prefixes: Mapping[str, str], base_iri: str | None = None) -> str | None:
    """The message for `sparql` if the engine cannot parse it, else None (for callers that parse
    with another parser first: kzgraph serve's guard)."""
    import pyoxigraph as ox

    try:
        ox.Store().query(sparql, prefixes=dict(prefixes), base_iri=base_iri)  # empty: parsing is the work
    except SyntaxError as e:
        return explain_syntax_error(sparql, str(e), prefixes)
    except (OSError, ValueError, RuntimeError):
        return None
    return None


def _offset(sparql: str, line: int, column: int) -> int:
    lines = sparql.split("\n")
    before = sum(len(text) + 1 for text in lines[: max(line - 1, 0)])
    return min(before + max(column - 1, 0), len(sparql))


def _located(sparql: str, offset: int, what: str) -> str:
    """`what`, at the line and column of `offset`, with that line and a caret under it."""
    line = sparql.count("\n", 0, offset) + 1
    line_start = sparql.rfind("\n", 0, offset) + 1
    column = offset - line_start + 1
    shown = sparql[line_start:].split("\n", 1)[0]
    return f"SPARQL syntax error at line {line}, column {column}: {what}\n  {shown}\n  {' ' * (column - 1)}^"
