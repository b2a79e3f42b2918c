"""Push never leaves a server without the graph: SPARQL Update writes a temporary graph and moves
it onto the target in one request; a refused chunk is split and sent again; a push that fails
midway leaves the old graph. HTTP credentials come from the environment or netrc."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from serving import VIRTUOSO_PASSWORD, VIRTUOSO_USER, running_oxigraph, running_server, running_virtuoso
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import kzgraph
from kzgraph.cli import cli
from kzgraph.errors import EndpointError
from kzgraph.graph.remote import RemoteGraph, push

TARGET = "https://example.org/pushed"
POISON = "<http://e/poison>"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> Iterator[str]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-push")) as url:
        yield url


def triples(query_endpoint: str, graph: str) -> set[tuple[str, str, str]]:
    rows = RemoteGraph(query_endpoint).query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {tuple(str(t) for t in row) for row in rows.rows}


def graph_names(query_endpoint: str) -> set[str]:
    rows = RemoteGraph(query_endpoint).query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {row[0].value for row in rows.rows}


def small_graph(tmp_path: Path, name: str, count: int, poison: bool = False) -> kzgraph.Graph:
    path = tmp_path / f"{name}.nt"
    lines = [f'<http://e/{name}{i}> <http://e/p> "{i}" .' for i in range(count)]
    if poison:
        lines.insert(count // 2, f'{POISON} <http://e/p> "refused" .')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return kzgraph.load([path], bundled=False)


@pytest.fixture
def refusing_proxy(oxigraph) -> Iterator[tuple[str, list[int]]]:
    """A SPARQL Update endpoint that forwards to Oxigraph's but answers 500 to any request with
    the poison triple in it, as a server refuses a request it cannot take; yields its URL and
    the sizes (in lines) of the requests it saw."""
    seen: list[int] = []

    async def update(request: Request) -> Response:
        body = await request.body()
        seen.append(body.count(b"\n"))
        if POISON.encode() in body:
            return Response("refused", status_code=500)
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"{oxigraph}/update", content=body, headers={"Content-Type": "application/sparql-update"}
            )
        return Response(answer.content, status_code=answer.status_code)

    with running_server(Starlette(routes=[Route("/update", update, methods=["POST"])])) as url:
        yield f"{url}/update", seen


def test_update_push_moves_a_temporary_graph_onto_the_target(oxigraph, tmp_path):
    first = small_graph(tmp_path, "first", 30)
    report = push(first, None, update_endpoint=f"{oxigraph}/update", target=TARGET, chunk_size=7)
    assert report.method == "update" and report.graphs == {TARGET: 30}
    assert report.requests == 1 + 5 + 1  # drop the temporary graph, 5 chunks, move
    assert len(triples(f"{oxigraph}/query", TARGET)) == 30
    second = small_graph(tmp_path, "second", 12)
    push(second, None, update_endpoint=f"{oxigraph}/update", target=TARGET, chunk_size=7)
    assert {s for s, _, _ in triples(f"{oxigraph}/query", TARGET)} == {
        f"<http://e/second{i}>" for i in range(12)
    }
    assert not [g for g in graph_names(f"{oxigraph}/query") if "kzgraph-push" in g]


def test_a_push_that_fails_midway_leaves_the_old_graph(oxigraph, refusing_proxy, tmp_path):
    url, seen = refusing_proxy
    push(small_graph(tmp_path, "old", 20), None, update_endpoint=url, target=TARGET, chunk_size=8)
    before = triples(f"{oxigraph}/query", TARGET)
    assert len(before) == 20
    seen.clear()
    with pytest.raises(EndpointError, match="answered HTTP 500"):
        push(
            small_graph(tmp_path, "new", 40, poison=True),
            None,
            update_endpoint=url,
            target=TARGET,
            chunk_size=8,
        )
    assert triples(f"{oxigraph}/query", TARGET) == before  # untouched
    assert not [g for g in graph_names(f"{oxigraph}/query") if "kzgraph-push" in g]  # dropped
    # the refused chunk was split in halves down to the poison triple alone
    assert 2 in seen and max(seen) > 8  # 2 newlines: an INSERT DATA of one line


def test_virtuoso_refuses_big_chunks_and_the_push_splits_them(virtuoso, graph, runner, virtuoso_credentials):
    result = runner.invoke(
        cli,
        ["push", "--update-endpoint", f"{virtuoso}/sparql-auth", "--graph", TARGET, "--chunk-size", "5000"],
    )
    assert result.exit_code == 0, result.output
    expected = len({(q.subject, q.predicate, q.object) for q in graph.entail().store})
    assert len(triples(f"{virtuoso}/sparql", TARGET)) == expected
    chunks = -(-expected // 5000)
    requests = int(result.output.rsplit(", ", 1)[1].split()[0].replace(",", ""))
    assert requests > 1 + chunks + 1  # Virtuoso refused a 5,000-triple INSERT DATA: it was split
    small = runner.invoke(
        cli,
        ["push", "--update-endpoint", f"{virtuoso}/sparql-auth", "--graph", TARGET, "--chunk-size", "1000"],
    )
    assert small.exit_code == 0 and f"{1 + -(-expected // 1000) + 1} requests" in small.output, small.output
    assert len(triples(f"{virtuoso}/sparql", TARGET)) == expected


def test_a_move_over_virtuosos_transaction_limit_says_what_to_do_and_keeps_the_graph(
    graph, runner, virtuoso_credentials, tmp_path
):
    # at 1M triples the MOVE of a push exceeds Virtuoso's default 50 MB after-image limit; a
    # server with a 20 kB limit shows the same on the bundled data
    with running_virtuoso(tmp_path / "small-transactions", after_image_limit=20_000) as url:
        small = ["push", "--update-endpoint", f"{url}/sparql-auth", "--graph", TARGET, "--chunk-size", "100"]
        seed = kzgraph.load()
        seed.store.clear()
        seed.store.add(
            ox.Quad(
                ox.NamedNode("https://example.org/a"),
                ox.NamedNode("https://example.org/p"),
                ox.Literal("kept"),
                ox.NamedNode("https://example.org/g"),
            )
        )
        push(seed, None, update_endpoint=f"{url}/sparql-auth", target=TARGET)
        before = triples(f"{url}/sparql", TARGET)
        assert len(before) >= 1
        result = runner.invoke(cli, small)
        assert result.exit_code == 1
        message = result.output.strip()
        assert "TransactionAfterImageLimit" in message and "/sparql-graph-crud-auth" in message, message
        assert len(message.splitlines()) == 1 and "Traceback" not in message
        assert triples(f"{url}/sparql", TARGET) == before  # the graph there is unchanged
        assert not [g for g in graph_names(f"{url}/sparql") if "kzgraph-push" in g]  # dropped


def test_credentials_from_netrc_and_a_clear_error_without(virtuoso, runner, tmp_path, monkeypatch):
    monkeypatch.delenv("KZGRAPH_USER", raising=False)
    monkeypatch.delenv("KZGRAPH_PASSWORD", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    command = ["push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--source", "paper"]
    refused = runner.invoke(cli, command)
    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1 and "answered HTTP 401" in refused.output
    netrc.write_text(
        f"machine 127.0.0.1 login {VIRTUOSO_USER} password {VIRTUOSO_PASSWORD}\n", encoding="utf-8"
    )
    accepted = runner.invoke(cli, command)
    assert accepted.exit_code == 0, accepted.output
    assert "(graph store)" in accepted.output
    push_help = runner.invoke(cli, ["push", "--help"]).output
    assert "--password" not in push_help and "KZGRAPH_PASSWORD" in push_help
