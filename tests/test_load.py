"""Loading: bundled files, user files, named graphs, clear errors, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph.namespaces import DERIVED_GRAPH, GRAPH, ONTOLOGY_GRAPH, PAPER_GRAPH
from kzgraph.graph.store import bundled_files


def graphs_of(graph: kzgraph.Graph) -> set[str]:
    return {g.value for g in graph.store.named_graphs()}


def test_bundled_files_go_into_their_named_graphs(graph):
    assert {ONTOLOGY_GRAPH, PAPER_GRAPH, DERIVED_GRAPH} <= graphs_of(graph)
    names = {p.name for p, _ in bundled_files()}
    assert "kzgraph.ttl" in names and "shapes.ttl" not in names


def test_user_file_goes_into_its_own_graph(tiny_ttl):
    graph = kzgraph.load([tiny_ttl])
    assert f"{GRAPH}user/tiny.ttl" in graphs_of(graph)
    assert graph.resolve_organisation("tiny party").value == "https://example.org/p"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_turtle_names_file_line_and_column(tmp_path):
    bad = write(tmp_path / "bad.ttl", '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n')
    with pytest.raises(kzgraph.DataLoadError) as info:
        kzgraph.load([bad])
    error = info.value
    assert error.path == str(bad)
    assert error.line == 3 and error.column is not None and error.column > 0
    assert str(error).startswith(f"{bad}:3:")
    assert "Turtle syntax error: Unexpected end of file" in str(error)


def test_load_is_all_or_nothing(tmp_path, tiny_ttl):
    store = ox.Store()
    first = kzgraph.load([tiny_ttl], bundled=False, store=store)
    before = len(first)
    good = write(tmp_path / "good.ttl", "<http://e/a> <http://e/b> <http://e/c> .\n")
    bad = write(tmp_path / "bad.ttl", "<http://e/a> <http://e/b> .\n")
    with pytest.raises(kzgraph.DataLoadError):
        kzgraph.load([good, bad], bundled=False, store=store)
    assert len(store) == before
    assert not any(q.subject.value == "http://e/a" for q in store)


def test_unknown_file_type_is_refused(tmp_path):
    odd = write(tmp_path / "data.csv", "a,b\n")
    with pytest.raises(kzgraph.DataLoadError, match=r"unknown RDF file type '\.csv'"):
        kzgraph.load([odd])


def test_gzipped_ntriples_load(tmp_path):
    import gzip

    path = tmp_path / "extra.nt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write('<http://e/x> <http://www.w3.org/2004/02/skos/core#prefLabel> "gz" .\n')
    graph = kzgraph.load([path])
    assert graph.query('ASK { <http://e/x> skos:prefLabel "gz" }').value is True


def test_cli_broken_file_is_one_line_exit_1(runner, tmp_path):
    bad = write(tmp_path / "bad.ttl", "<http://e/a> <http://e/b> .\n")
    result = runner.invoke(cli, ["query", "--load", str(bad), "ASK {}"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {bad}:1:"), result.output


def test_cli_missing_file_is_one_line_exit_2(runner, tmp_path):
    result = runner.invoke(cli, ["query", "--load", str(tmp_path / "nope.ttl"), "ASK {}"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0], result.output


def test_cli_unknown_option_is_one_line_exit_2(runner):
    result = runner.invoke(cli, ["run", "parties", "--bogus-option"], prog_name="kzgraph")
    assert result.exit_code == 2
    expected = "Error: No such option '--bogus-option'. (see: kzgraph run --help)"
    assert result.output.strip().splitlines() == [expected]
