"""Output formats parse back with standard parsers; ad-hoc queries; query errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
import rdflib
from rdflib.plugins.sparql.results.csvresults import CSVResultParser
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.tsvresults import TSVResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser

from kzgraph.cli import cli
from kzgraph.output import render

QUERY = "laws"


def invoke(runner, *args: str):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_json_is_w3c_sparql_results(graph, runner):
    expected = graph.run(QUERY)
    document = json.loads(invoke(runner, "run", QUERY, "--format", "json"))
    assert document["head"]["vars"] == expected.columns
    assert len(document["results"]["bindings"]) == len(expected)
    parsed = JSONResultParser().parse(io.StringIO(json.dumps(document)))
    assert [str(v) for v in parsed.vars] == expected.columns
    assert {str(row[rdflib.Variable("law")]) for row in parsed.bindings} == set(expected.column("law"))


def test_csv_parses_with_the_csv_module(graph, runner):
    expected = graph.run(QUERY)
    rows = list(csv.reader(io.StringIO(invoke(runner, "run", QUERY, "--format", "csv"))))
    assert rows[0] == expected.columns
    assert [r[expected.columns.index("title")] for r in rows[1:]] == expected.column("title")
    parsed = CSVResultParser().parse(io.StringIO(invoke(runner, "run", QUERY, "--format", "csv")))
    assert len(parsed.bindings) == len(expected)


def test_tsv_and_xml_parse_with_rdflib(graph, runner):
    expected = graph.run(QUERY)
    tsv = TSVResultParser().parse(io.StringIO(invoke(runner, "run", QUERY, "--format", "tsv")))
    assert len(tsv.bindings) == len(expected)
    assert {str(r[rdflib.Variable("law")]) for r in tsv.bindings} == set(expected.column("law"))
    xml = XMLResultParser().parse(io.BytesIO(invoke(runner, "run", QUERY, "--format", "xml").encode()))
    assert {str(r[rdflib.Variable("title")]) for r in xml.bindings} == set(expected.column("title"))


def test_table_is_aligned_and_counts_rows(graph, runner):
    expected = graph.run(QUERY)
    lines = invoke(runner, "run", QUERY).splitlines()
    assert lines[0].split() == expected.columns
    assert set(lines[1]) <= {"-", " "}
    assert lines[-1] == f"({len(expected)} rows)"


def test_limit_truncates_and_says_so(runner):
    out = invoke(runner, "run", "parties", "--limit", "2")
    assert out.splitlines()[-1] == "(2 rows, truncated by --limit)"
    assert len(out.splitlines()) == 2 + 2 + 1


def test_ask_and_construct(runner):
    assert invoke(runner, "query", "ASK { ?p a kz:PoliticalParty }").strip() == "true"
    ask = json.loads(invoke(runner, "query", "--format", "json", "ASK { ?p a kz:Nothing }"))
    assert ask == {"head": {}, "boolean": False}
    turtle = invoke(runner, "query", "CONSTRUCT { ?p a kz:PoliticalParty } WHERE { ?p a kz:PoliticalParty }")
    parsed = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(parsed) == len(list(parsed.subjects())) > 5
    nt = invoke(runner, "query", "--format", "nt", "DESCRIBE party:otan-1999")
    assert len(rdflib.Graph().parse(data=nt, format="nt")) > 5


def test_query_from_file_and_stdin(runner, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?p a kz:PoliticalParty }", encoding="utf-8")
    from_file = invoke(runner, "query", "-f", str(path), "--format", "csv")
    result = runner.invoke(cli, ["query", "-"], input=path.read_text())
    assert result.exit_code == 0
    count = int(from_file.splitlines()[1])
    assert count > 20 and str(count) in result.output


def test_syntax_error_shows_line_column_and_query(runner):
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE {\n  ?x kz:nope\n}"])
    assert result.exit_code == 1
    assert "SPARQL syntax error at line 3, column" in result.output
    assert "^" in result.output


def test_rdf_format_for_select_is_a_usage_error(runner):
    result = runner.invoke(cli, ["query", "--format", "ttl", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"])
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_render_handles_unbound_values(graph, fmt):
    result = graph.query("SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 UNDEF) } }")
    assert render(result, fmt)
