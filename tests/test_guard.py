from __future__ import annotations

import pyoxigraph as ox
import pytest

from kzgraph.graph.namespaces import PAPER_GRAPH, PREFIXES
from kzgraph.web.guard import RefusedQuery, SyntaxRefused, UpdateRefused, check_query, normalise

GRAPHS = {PAPER_GRAPH, "https://w3id.org/kzgraph/graph/ontology"}
REMOTE = "<http://127.0.0.1:9/sparql>"


def check(text: str):
    return check_query(text, GRAPHS, PREFIXES)


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT * WHERE {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent {REMOTE} {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { VALUES ?e { <http://x/> } SERVICE ?e { ?s ?p ?o } }",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE {REMOTE} {{ ?s ?q ?r }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE {REMOTE} {{ ?s ?q ?r }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }}",
        # The keyword spelled with a code point escape: SPARQL replaces escapes before parsing.
        f"SELECT * WHERE {{ \\u0053ERVICE {REMOTE} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # a comment\n SERVICE {REMOTE} {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_wherever_it_is(text):
    with pytest.raises(RefusedQuery, match="SERVICE is not allowed"):
        check(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { BIND("SERVICE <http://x/> { ?s ?p ?o }" AS ?x) }',
        "SELECT * WHERE { BIND('''multi\nSERVICE <http://x/> {}''' AS ?x) }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
        "SELECT * WHERE { <http://example.org/SERVICE> ?p ?o }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ?o . ?s ex:service ?x }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        'SELECT * WHERE { ?s ?p "x"@service }',
        'SELECT * WHERE { BIND("say \\"SERVICE\\"" AS ?x) }',
    ],
)
def test_the_word_service_in_strings_comments_iris_and_names_is_no_service(text):
    assert check(text).form == "SELECT"


def test_escapes_are_replaced_once_so_both_parsers_read_the_same_query():
    # rdflib replaces \u escapes before parsing (as SPARQL says), Oxigraph does not. Given the raw
    # text, rdflib reads this SERVICE as part of a string and Oxigraph as a live clause.
    raw = 'SELECT * WHERE { BIND("abc\\u005C" AS ?x) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } #" AS ?y) }'
    plan = check(raw)
    assert plan.text == normalise(raw) and "\\u" not in plan.text
    # What runs is the replaced text, where SERVICE is inside the string for Oxigraph as well.
    rows = list(ox.Store().query(plan.text))
    assert [row["y"].value for row in rows] == ['abc" AS ?x) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } #']


def test_escapes_are_not_replaced_twice():
    # Replaced once, \u005Cu0022 is the text \u0022; a second pass would make it a quote.
    with pytest.raises(SyntaxRefused):
        check('SELECT * WHERE { BIND("a\\u005Cu0022 AS ?x) SERVICE <http://127.0.0.1:9/> {} } #" AS ?y) }')


def test_an_escape_that_is_no_code_point_is_a_syntax_error():
    with pytest.raises(SyntaxRefused, match="not a Unicode code point"):
        check('SELECT * WHERE { BIND("\\UFFFFFFFF" AS ?x) }')


@pytest.mark.parametrize(
    "text, outside",
    [
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "file:///etc/passwd"),
        (
            "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "http://example.org/g",
        ),
        ("PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }", "file:///etc/passwd"),
        ("BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }", "file:///etc/passwd"),
        (
            f"ASK FROM <{PAPER_GRAPH}> FROM <http://127.0.0.1:9/data.ttl> {{ ?s ?p ?o }}",
            "http://127.0.0.1:9/data.ttl",
        ),
    ],
)
def test_from_outside_the_dataset_is_refused(text, outside):
    with pytest.raises(RefusedQuery, match=f"<{outside}>"):
        check(text)


def test_from_and_from_named_within_the_dataset_are_kept():
    plan = check(
        "BASE <https://w3id.org/kzgraph/graph/> "
        "SELECT * FROM <paper> FROM NAMED <https://w3id.org/kzgraph/graph/ontology> WHERE { ?s ?p ?o }"
    )
    assert plan.default_graphs == (PAPER_GRAPH,)
    assert plan.named_graphs == ("https://w3id.org/kzgraph/graph/ontology",)


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "LOAD <file:///etc/passwd>",
        "LOAD SILENT <http://127.0.0.1:9/x.ttl> INTO GRAPH <http://g>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/kzgraph/graph/paper>",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://e/> INSERT { ?s ex:p 1 } WHERE { ?s ?p ?o } ; LOAD <http://x/>",
    ],
)
def test_updates_are_refused_as_updates(text):
    with pytest.raises(UpdateRefused, match="read-only"):
        check(text)


def test_syntax_errors_say_where():
    with pytest.raises(SyntaxRefused, match=r"line 2, column \d+"):
        check("SELECT *\nWHERE { ?s ?p }")


@pytest.mark.parametrize(
    "form", ["SELECT * WHERE {}", "ASK {}", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <http://x>"]
)
def test_the_query_form_is_reported(form):
    assert check(form).form == form.split()[0]


def nest(kind: str, depth: int, inner: str = "?s ?p ?o") -> str:
    """A query nesting `depth` levels of one kind of bracket (plus the WHERE group)."""
    if kind == "parentheses":
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "?o" + ")" * depth + ") }"
    if kind == "groups":
        return "SELECT * WHERE " + "{ " * depth + inner + " }" * depth
    if kind == "sub-selects":
        return "SELECT * WHERE { " + "{ SELECT * WHERE { " * depth + inner + " } }" * depth + " }"
    if kind == "exists":
        return "SELECT * WHERE { ?s ?p ?o " + "FILTER EXISTS { ?s ?p ?o " * depth + " }" * depth + " }"
    if kind == "optional":
        return "SELECT * WHERE { " + "OPTIONAL { " * depth + inner + " }" * depth + " }"
    if kind == "blank nodes":
        return "SELECT * WHERE { ?s ?p " + "[ ?p " * depth + "?o" + " ]" * depth + " }"
    raise ValueError(kind)


KINDS = ["parentheses", "groups", "sub-selects", "exists", "optional", "blank nodes"]


@pytest.mark.parametrize("kind", KINDS)
def test_deeply_nested_queries_are_accepted(kind):
    # rdflib's recursive grammar used to give up from depth 25 (parentheses), 40 (groups) and
    # 30 (sub-selects) with "maximum recursion depth exceeded"
    assert check(nest(kind, 200)).form == "SELECT"


def test_nesting_up_to_the_limit_is_accepted_and_beyond_it_refused():
    from kzgraph.web.guard import MAX_NESTING

    assert check(nest("groups", MAX_NESTING)).form == "SELECT"
    with pytest.raises(RefusedQuery, match=f"deeper than {MAX_NESTING} levels"):
        check(nest("groups", MAX_NESTING + 1))
    with pytest.raises(RefusedQuery, match="deeper than"):
        check(nest("parentheses", 100_000))


def test_brackets_in_strings_iris_and_comments_do_not_count():
    text = 'SELECT * WHERE { BIND("' + "(" * 1000 + '" AS ?x) ?s <http://e/((([[[> ?o } # ' + "[" * 1000
    assert check(text).form == "SELECT"


def test_deep_nesting_does_not_weaken_any_refusal():
    with pytest.raises(RefusedQuery, match="SERVICE is not allowed"):
        check(nest("groups", 200, f"SERVICE {REMOTE} {{ ?s ?p ?o }}"))
    with pytest.raises(RefusedQuery, match="SERVICE is not allowed"):
        check(nest("sub-selects", 200, f"SERVICE {REMOTE} {{ ?s ?p ?o }}"))
    with pytest.raises(UpdateRefused):
        check("DELETE { ?s ?p ?o } WHERE " + "{ " * 200 + "?s ?p ?o" + " }" * 200)
    with pytest.raises(RefusedQuery, match="file:///etc/passwd"):
        check(nest("groups", 200).replace("SELECT * WHERE", "SELECT * FROM <file:///etc/passwd> WHERE"))
    with pytest.raises(SyntaxRefused):
        check(nest("groups", 200, "?s ?p"))


def test_the_engine_runs_what_the_guard_accepts_at_the_limit():
    from kzgraph.web.guard import MAX_NESTING

    # a sub-select is two levels: { SELECT * WHERE { ... } }
    for kind, depth in (
        ("groups", MAX_NESTING),
        ("sub-selects", MAX_NESTING // 2 - 1),
        ("parentheses", MAX_NESTING - 2),
    ):
        plan = check(nest(kind, depth))
        assert list(ox.Store().query(plan.text)) == []
