"""A SPARQL query that does not parse gets a message that says what is wrong and where, the
same from the Python API, the CLI and kzgraph serve."""

from __future__ import annotations

import json

import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.web.protocol import answer_query

CASES = [
    ("SELEC ?p WHERE { ?p ?q ?r }", "line 1, column 1", "found 'SELEC' (did you mean SELECT?)"),
    ("PREFIX a: <http://a/>\n SELECT ?x WHERE { ?x b:c ?y }", "line 2, column 23", "undefined prefix 'b:'"),
    ("SELECT ?p WHERE { ?p foo:bar ?r }", "line 1, column 22", "undefined prefix 'foo:' in 'foo:bar'"),
    ('SELECT * WHERE { ?s ?p "no:prefix", <http://x/y:z> } LIMIT many', "line 1, column 60", "found 'many'"),
    ("SELECT ?p WHERE { ?p ?q ?r ", "line 1, column 28", "found the end of the query"),
]


@pytest.mark.parametrize(("sparql", "where", "what"), CASES)
def test_the_api_says_what_and_where(graph, sparql, where, what):
    with pytest.raises(kzgraph.QueryError) as error:
        graph.query(sparql)
    message = str(error.value)
    assert f"SPARQL syntax error at {where}: " in message and what in message
    assert "expected CONSTRUCT" not in message and "Prefix not found" not in message
    assert len(message) < 400, message


def test_an_undefined_prefix_lists_the_declared_ones(graph):
    with pytest.raises(kzgraph.QueryError, match=r"declared: .*kz:, .*party:.*skos:"):
        graph.query("SELECT ?p WHERE { ?p nope:x ?r }")


@pytest.mark.parametrize(
    "update", ["INSERT DATA { <a:b> <a:b> <a:b> }", "PREFIX x: <a:>\nDELETE WHERE { ?s ?p ?o }"]
)
def test_an_update_is_refused_as_one(runner, update):
    result = runner.invoke(cli, ["query", update])
    assert result.exit_code == 1
    assert "SPARQL Update" in result.stderr and "not supported here" in result.stderr
    assert "CONSTRUCT" in result.stderr.split("supported here")[1]  # what to run instead


def test_the_cli_shows_the_line_and_a_caret(runner):
    result = runner.invoke(cli, ["query", "SELECT ?p\nWHERE { ?p foo:bar ?r }"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: SPARQL syntax error at line 2, column 12: undefined prefix 'foo:'")
    assert lines[1] == "  WHERE { ?p foo:bar ?r }" and lines[2] == "  " + " " * 11 + "^"


@pytest.mark.parametrize(("sparql", "where", "what"), CASES)
def test_the_server_gives_the_same_message(graph, sparql, where, what):
    reply = answer_query(graph.store, sparql, None)
    message = json.loads(reply.body)["message"]
    assert reply.status == 400
    assert f"SPARQL syntax error at {where}: " in message and what in message
    assert len(message) < 400, message
