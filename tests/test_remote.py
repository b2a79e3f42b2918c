"""Remote engines against a real Oxigraph server (`oxigraph serve`, the pip package `oxigraph`):
push, every stored query remotely, idempotent re-push, SPARQL Update fallback, clear errors."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from serving import free_port, running_oxigraph

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph.namespaces import PAPER_GRAPH
from kzgraph.graph.remote import RemoteGraph, push
from kzgraph.graph.sparql_text import bind_values


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """An Oxigraph server on a free loopback port, with its own store; stopped afterwards."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def pushed(server, graph) -> RemoteGraph:
    push(graph, f"{server}/store")
    return RemoteGraph(f"{server}/query")


def count(remote: RemoteGraph, graph_iri: str | None = None) -> int:
    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    return int(remote.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").column("n")[0])


def comparable(rows: list[tuple]) -> list[str]:
    """Rows as a sorted list: SPARQL leaves the order of ties and of GROUP_CONCAT parts open."""
    out = []
    for row in rows:
        terms = [
            " | ".join(sorted(t.value.split(" | ")))
            if isinstance(t, ox.Literal) and " | " in t.value
            else str(t)
            for t in row
        ]
        out.append(repr(terms))
    return sorted(out)


def unordered_lists(text: str) -> list[str]:
    """Lines with their "; "-separated parts sorted (labels come in the engine's order)."""
    return ["; ".join(sorted(re.split(r"; |: ", line))) for line in text.splitlines()]


def example_params(query: kzgraph.StoredQuery) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.required and p.example is not None}


def test_push_cli_reports_every_graph(server, graph, runner):
    result = runner.invoke(cli, ["push", "--endpoint", f"{server}/store"])
    assert result.exit_code == 0, result.output
    assert f"Pushed <{PAPER_GRAPH}>" in result.output and "(graph store)" in result.output
    remote = RemoteGraph(f"{server}/query")
    assert count(remote) == len(graph.store)


def test_every_stored_query_returns_the_same_rows_remotely(pushed, graph):
    checked = 0
    for query in graph.catalog:
        params = example_params(query)
        local, remote = graph.run(query, **params), pushed.run(query, **params)
        assert remote.columns == local.columns, query.name
        assert comparable(remote.rows) == comparable(local.rows), query.name
        checked += bool(local.rows)
    assert checked >= 15


def test_parameters_bind_with_two_values_remotely(pushed, graph):
    for year in ("1999", "2004"):
        assert pushed.run("election-results", year=year).rows == graph.run("election-results", year=year).rows
    assert pushed.run("successors", party="Otan").rows == graph.run("successors", party="Otan").rows


def test_push_again_replaces_and_does_not_duplicate(server, pushed, graph):
    before = count(pushed)
    report = push(graph, f"{server}/store")
    assert count(pushed) == before == sum(report.graphs.values())
    assert count(pushed, PAPER_GRAPH) == len(
        list(graph.store.quads_for_pattern(None, None, None, ox.NamedNode(PAPER_GRAPH)))
    )


def test_update_endpoint_fallback_replaces_one_target_graph(server, pushed, graph):
    target = "https://example.org/kzgraph-copy"
    expected = len({(q.subject, q.predicate, q.object) for q in graph.store})
    for _ in range(2):  # the second push replaces the first
        report = push(graph, None, update_endpoint=f"{server}/update", target=target, chunk_size=700)
        assert report.method == "update"
        assert count(pushed, target) == expected
    # a Graph Store endpoint that is not there (404) falls back to SPARQL Update
    report = push(graph, f"{server}/no-such-path", update_endpoint=f"{server}/update", target=target)
    assert report.method == "update" and count(pushed, target) == expected
    httpx.post(
        f"{server}/update",
        content=f"DROP GRAPH <{target}>",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert count(pushed, target) == 0


def test_blank_nodes_survive_chunked_update(server, tmp_path):
    data = tmp_path / "bnodes.ttl"
    data.write_text(
        '<http://e/a> <http://e/p> [ <http://e/q> [ <http://e/r> "deep" ] ] .\n'
        + "".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(20)),
        encoding="utf-8",
    )
    local = kzgraph.load([data], bundled=False)
    target = "https://example.org/bnodes"
    push(local, None, update_endpoint=f"{server}/update", target=target, chunk_size=2)
    remote = RemoteGraph(f"{server}/query", graphs=[target])
    assert remote.query('ASK { <http://e/a> <http://e/p>/<http://e/q>/<http://e/r> "deep" }').value is True
    httpx.post(
        f"{server}/update",
        content=f"DROP GRAPH <{target}>",
        headers={"Content-Type": "application/sparql-update"},
    )


def test_cli_run_query_lineage_stats_viz_on_the_endpoint(server, pushed, runner, tmp_path):
    endpoint = ["--endpoint", f"{server}/query"]
    local = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otan", "--format", "csv"])
    remote = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otan", "--format", "csv", *endpoint])
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    asked = runner.invoke(
        cli, ["query", "ASK { party:otan-1999 kz:mergedInto ?x }", "--format", "json", *endpoint]
    )
    assert asked.exit_code == 0 and '"boolean": true' in asked.output
    for command in (["lineage", "Nur Otan"], ["stats"]):
        here, there = runner.invoke(cli, command), runner.invoke(cli, [*command, *endpoint])
        assert there.exit_code == 0, there.output
        assert unordered_lists(there.output) == unordered_lists(here.output)
    page = tmp_path / "lineage.html"
    drawn = runner.invoke(cli, ["viz", "-o", str(page), *endpoint])
    assert drawn.exit_code == 0, drawn.output
    assert page.stat().st_size > 10_000 and "Nur Otan" in page.read_text(encoding="utf-8")


def test_source_paper_restricts_the_remote_dataset(pushed, graph):
    paper_only = pushed.restrict("paper")
    assert count(paper_only) == count(graph.restrict("paper"))  # type: ignore[arg-type]
    assert count(paper_only) < count(pushed)


def test_injection_attempts_are_bound_as_terms(pushed):
    nasty = '"} ; DROP ALL ; SELECT * { ?s ?p ?o } #'
    sparql = bind_values("SELECT ?v WHERE { }", {ox.Variable("v"): ox.Literal(nasty)})
    result = pushed.query(sparql)
    assert result.rows == [(ox.Literal(nasty),)]
    with pytest.raises(kzgraph.ParameterError):
        pushed.run("predecessors", party="> UNION { ?s ?p ?o }")
    assert count(pushed) > 1000  # nothing was dropped


def test_unreachable_endpoint_is_a_one_line_error(runner):
    result = runner.invoke(cli, ["run", "parties", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Cannot reach http://127.0.0.1:"), result.output


def test_timeout_is_a_clear_error(runner):
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        result = runner.invoke(
            cli, ["run", "parties", "--endpoint", f"http://127.0.0.1:{port}/q", "--timeout", "0.5"]
        )
    assert result.exit_code == 1
    assert "did not answer within 0.5 s" in result.output


def test_remote_syntax_error_and_http_errors_are_reported(server, pushed, runner):
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE { ?x }", "--endpoint", f"{server}/query"])
    assert result.exit_code == 1 and "refused the query" in result.output
    missing = runner.invoke(cli, ["run", "parties", "--endpoint", f"{server}/nothing-here"])
    assert missing.exit_code == 1 and "answered HTTP 404" in missing.output


def test_push_without_a_graph_store_endpoint_fails_clearly(server, runner):
    result = runner.invoke(cli, ["push", "--endpoint", f"{server}/no-such-path"])
    assert result.exit_code == 1 and "answered HTTP 404" in result.output
    usage = runner.invoke(cli, ["push"])
    assert usage.exit_code == 2 and "--update-endpoint" in usage.output


def test_push_from_an_on_disk_store(server, tmp_path, runner):
    directory: Path = tmp_path / "kz.db"
    assert runner.invoke(cli, ["load", "--store", str(directory)]).exit_code == 0
    target = "https://example.org/from-store"
    result = runner.invoke(
        cli, ["push", "--store", str(directory), "--endpoint", f"{server}/store", "--graph", target]
    )
    assert result.exit_code == 0, result.output
    remote = RemoteGraph(f"{server}/query", graphs=[target])
    assert (
        remote.run("predecessors", party="Nur Otan").rows
        == kzgraph.load().run("predecessors", party="Nur Otan").rows
    )
    httpx.post(
        f"{server}/update",
        content=f"DROP GRAPH <{target}>",
        headers={"Content-Type": "application/sparql-update"},
    )
