"""The same answers on every engine: each stored query, `lineage`, `stats`, `viz`, `seats` and
`indices` on the embedded store, `oxigraph serve`, Virtuoso 7 and rdflib's SPARQL engine over
the same quads; `derive` on a server for data loaded there without kzgraph; the error for a
server whose default graph holds no kzgraph data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from engines import compare, graph_runner, rdflib_runner
from serving import VIRTUOSO_PASSWORD, VIRTUOSO_USER, running_oxigraph

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph.remote import RemoteGraph, push
from kzgraph.graph.store import bundled_files

ENGINES = ["oxigraph", "virtuoso", "rdflib"]
RAW = "https://example.org/loaded-by-the-server"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> Iterator[str]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-interop")) as url:
        yield url


@pytest.fixture(scope="module")
def endpoints(oxigraph, virtuoso, graph) -> dict[str, str]:
    """Both servers with the graph pushed (Graph Store Protocol; Virtuoso's with digest auth);
    engine name -> query endpoint."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KZGRAPH_USER", VIRTUOSO_USER)
        env.setenv("KZGRAPH_PASSWORD", VIRTUOSO_PASSWORD)
        push(graph, f"{oxigraph}/store")
        push(graph, f"{virtuoso}/sparql-graph-crud-auth")
    return {"oxigraph": f"{oxigraph}/query", "virtuoso": f"{virtuoso}/sparql"}


@pytest.fixture(scope="module")
def quads(graph, tmp_path_factory) -> Path:
    """What was pushed, as N-Quads, for rdflib."""
    path = tmp_path_factory.mktemp("quads") / "kzgraph.nq"
    graph.entail().store.dump(path, format=ox.RdfFormat.N_QUADS)
    return path


def unordered_lists(text: str) -> list[str]:
    """Lines with their "; "-separated parts sorted (labels come in the engine's order)."""
    return ["; ".join(sorted(re.split(r"; |: ", line))) for line in text.splitlines()]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_stored_query_gives_the_same_rows_on_every_engine(engine, endpoints, quads, graph):
    other = (
        rdflib_runner(quads, graph)
        if engine == "rdflib"
        else graph_runner(RemoteGraph(endpoints[engine], timeout=60))
    )
    found = {query.name: compare(query, graph_runner(graph), other) for query in graph.catalog}
    assert len(found) >= 23
    differing = {name: verdict for name, verdict in found.items() if verdict != "same"}
    assert differing == {}


def test_every_query_that_rounds_declares_its_precision(graph):
    for query in graph.catalog:
        if re.search(r"\bROUND\s*\(", query.sparql):
            assert re.search(r"^#\+ precision: \d+$", query.sparql, re.M), query.name


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_cli_commands_through_the_endpoint_answer_as_embedded(engine, endpoints, runner, tmp_path):
    endpoint = ["--endpoint", endpoints[engine], "--timeout", "60"]
    for command in (
        ["run", "predecessors", "-p", "party=Nur Otan", "--format", "csv"],
        ["run", "organisations", "--format", "csv"],
        ["lineage", "Nur Otan"],
        ["stats"],
        ["seats", "--year", "2004"],
        ["indices"],
    ):
        here, there = runner.invoke(cli, command), runner.invoke(cli, [*command, *endpoint])
        assert here.exit_code == 0, here.output
        assert there.exit_code == 0, there.output
        assert sorted(unordered_lists(there.output)) == sorted(unordered_lists(here.output)), command
    page = tmp_path / "lineage.html"
    drawn = runner.invoke(cli, ["viz", "-o", str(page), *endpoint])
    assert drawn.exit_code == 0, drawn.output
    assert page.stat().st_size > 10_000 and "Nur Otan" in page.read_text(encoding="utf-8")


def _load_raw(query_base: str, graph_store: str, auth: httpx.Auth | None) -> None:
    """The bundled files into one graph with the server's own Graph Store endpoint: no kzgraph
    derivation, as a bulk loader would leave them."""
    for n, (path, _) in enumerate(bundled_files()):
        response = httpx.request(
            "PUT" if n == 0 else "POST",
            graph_store,
            params={"graph": RAW},
            content=path.read_bytes(),
            headers={"Content-Type": "text/turtle"},
            auth=auth,
            timeout=60,
        )
        assert response.status_code < 300, response.text


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_derive_on_the_server_makes_the_stored_queries_work(
    engine, endpoints, oxigraph, virtuoso, graph, runner, virtuoso_credentials
):
    if engine == "oxigraph":
        _load_raw(oxigraph, f"{oxigraph}/store", None)
        command = ["--update-endpoint", f"{oxigraph}/update", "--query-endpoint", f"{oxigraph}/query"]
    else:
        _load_raw(
            virtuoso, f"{virtuoso}/sparql-graph-crud-auth", httpx.DigestAuth(VIRTUOSO_USER, VIRTUOSO_PASSWORD)
        )
        command = ["--update-endpoint", f"{virtuoso}/sparql-auth"]
    loaded = RemoteGraph(endpoints[engine], graphs=[RAW], timeout=60)
    before = len(loaded)
    derived = "ASK { ?organisation kz:labelKey ?key }"
    assert loaded.query(derived).value is False  # nothing derived yet
    first = runner.invoke(cli, ["derive", *command, "--graph", RAW])
    assert first.exit_code == 0, first.output
    added = int(re.search(r"Derived ([\d,]+) triples", first.output).group(1).replace(",", ""))
    assert added > 100 and len(loaded) == before + added
    again = runner.invoke(cli, ["derive", *command, "--graph", RAW])
    assert again.exit_code == 0 and "Derived 0 triples" in again.output, again.output
    assert loaded.query(derived).value is True
    found = {q.name: compare(q, graph_runner(graph), graph_runner(loaded)) for q in graph.catalog}
    differing = {name: verdict for name, verdict in found.items() if verdict != "same"}
    assert differing == {}


def test_a_default_graph_without_kzgraph_data_says_how_to_fix_it(graph, runner, tmp_path):
    with running_oxigraph(tmp_path / "no-union", union_default_graph=False) as url:
        push(graph, f"{url}/store")
        endpoint = ["--endpoint", f"{url}/query"]
        failed = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otan", *endpoint])
        assert failed.exit_code == 1
        lines = failed.output.strip().splitlines()
        assert len(lines) == 1 and "holds no kzgraph data" in lines[0], failed.output
        assert "--union-default-graph" in lines[0] and "--graph IRI" in lines[0]
        named = [arg for g in sorted(graph.store.named_graphs(), key=str) for arg in ("--graph", g.value)]
        command = ["run", "predecessors", "-p", "party=Nur Otan", "--format", "csv"]
        worked = runner.invoke(cli, [*command, *endpoint, *named])
        assert worked.exit_code == 0, worked.output
        assert worked.output == runner.invoke(cli, command).output
    assert kzgraph.load().run("predecessors", party="Nur Otan").rows  # the look-up itself is fine
