"""The on-disk store: kzgraph load/drop --store, --store on the query commands, atomic changes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph import persistent
from kzgraph.graph.namespaces import GRAPH, ONTOLOGY_GRAPH, PAPER_GRAPH

USER_MERGER = """@prefix kz: <https://w3id.org/kzgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/party/tiny> a kz:PoliticalParty ; skos:prefLabel "Tiny Test Party"@en .
<https://example.org/event/tiny-joins-nur-otan> a kz:Accession ;
    org:originalOrganization <https://example.org/party/tiny> ;
    org:resultingOrganization <https://w3id.org/kzgraph/id/party/nur-otan-2006> ;
    dct:date "2010"^^xsd:gYear .
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(directory: Path) -> set[tuple]:
    """Every quad of the store, read in a fresh process-like way (read-only open)."""
    graph = persistent.open_store(directory)
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in graph.store}


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("store") / "kz.db"
    persistent.load(directory)
    return directory


def test_store_answers_like_the_in_memory_graph(loaded_store, graph, runner):
    stored = persistent.open_store(loaded_store)
    for name, params in [
        ("predecessors", {"party": "Nur Otan"}),
        ("mergers", {}),
        ("election-results", {"year": 2004}),
    ]:
        assert stored.run(name, **params).rows == graph.run(name, **params).rows, name
    memory = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otan", "--format", "csv"])
    disk = runner.invoke(
        cli, ["run", "predecessors", "-p", "party=Nur Otan", "--format", "csv", "--store", str(loaded_store)]
    )
    assert disk.exit_code == 0, disk.output
    assert disk.output == memory.output and "Otan" in disk.output


def test_bundled_and_user_files_go_into_separate_graphs(tmp_path, runner):
    directory = tmp_path / "kz.db"
    user = write(tmp_path / "tiny.ttl", USER_MERGER)
    result = runner.invoke(cli, ["load", "--store", str(directory), str(user)])
    assert result.exit_code == 0, result.output
    assert f"Loaded 6 triples from {user} into <{GRAPH}user/tiny.ttl>" in result.output
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith(f"{directory}: ") and " derived in " in summary and " s in all)" in summary
    names = {g.value for g in persistent.open_store(directory).store.named_graphs()}
    assert {ONTOLOGY_GRAPH, PAPER_GRAPH, f"{GRAPH}user/tiny.ttl", f"{GRAPH}derived/user/tiny.ttl"} <= names
    # the user file's event is derived into a link, so the stored query follows it
    ancestors = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otan", "--store", str(directory)])
    assert "Tiny Test Party" in ancestors.output and "joined" in ancestors.output


def test_a_load_tells_each_step_after_parsing(tmp_path):
    stages: list[str] = []
    report = persistent.load(
        tmp_path / "kz.db", [write(tmp_path / "tiny.ttl", USER_MERGER)], stage=stages.append
    )
    assert stages == ["deriving", "writing the store"]
    assert report.derived > 1000 and report.derive_seconds > 0


def test_loading_a_file_again_replaces_its_graph(tmp_path):
    directory = tmp_path / "kz.db"
    user = write(tmp_path / "tiny.ttl", USER_MERGER)
    persistent.load(directory, [user])
    first = snapshot(directory)
    report = persistent.load(directory, [user])
    assert snapshot(directory) == first
    assert report.total == len(first)


def test_a_parse_error_changes_nothing_and_names_file_line_column(loaded_store, tmp_path, runner):
    before = snapshot(loaded_store)
    good = write(tmp_path / "good.nt", "<http://e/a> <http://e/b> <http://e/c> .\n")
    bad = write(tmp_path / "bad.ttl", '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n')
    result = runner.invoke(cli, ["load", "--store", str(loaded_store), str(good), str(bad)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {bad}:3:")
    assert "Turtle syntax error" in result.output
    assert snapshot(loaded_store) == before
    leftovers = [p.name for p in loaded_store.parent.iterdir() if "staging" in p.name or "old" in p.name]
    assert leftovers == []


def test_a_parse_error_deep_in_a_large_gzipped_file_changes_nothing(loaded_store, tmp_path):
    before = snapshot(loaded_store)
    big = tmp_path / "big.nt.gz"
    with gzip.open(big, "wt", encoding="utf-8") as f:
        for i in range(60_000):
            f.write(f'<http://e/s{i}> <http://e/p> "{i}" .\n')
        f.write("<http://e/broken> <http://e/p> .\n")
    with pytest.raises(kzgraph.DataLoadError) as info:
        persistent.load(loaded_store, [big])
    assert info.value.path == str(big) and info.value.line == 60_001
    assert snapshot(loaded_store) == before


def test_gzipped_ntriples_and_nquads_load_with_their_graphs(tmp_path):
    directory = tmp_path / "kz.db"
    nt = tmp_path / "extra.nt.gz"
    with gzip.open(nt, "wt", encoding="utf-8") as f:
        f.write('<http://e/x> <http://www.w3.org/2004/02/skos/core#prefLabel> "gz" .\n')
    nq = write(
        tmp_path / "quads.nq",
        '<http://e/y> <http://e/p> "q" <http://e/own-graph> .\n<http://e/z> <http://e/p> "d" .\n',
    )
    report = persistent.load(directory, [nt, nq], bundled=False)
    assert [(f.name, g, n) for f, g, n, _ in report.files] == [
        ("extra.nt.gz", f"{GRAPH}user/extra.nt.gz", 1),
        ("quads.nq", f"{GRAPH}user/quads.nq", 2),
    ]
    graphs = persistent.open_store(directory).store
    assert (
        ox.Quad(
            ox.NamedNode("http://e/y"),
            ox.NamedNode("http://e/p"),
            ox.Literal("q"),
            ox.NamedNode("http://e/own-graph"),
        )
        in graphs
    )
    assert (
        ox.Quad(
            ox.NamedNode("http://e/z"),
            ox.NamedNode("http://e/p"),
            ox.Literal("d"),
            ox.NamedNode(f"{GRAPH}user/quads.nq"),
        )
        in graphs
    )


def test_drop_removes_a_graph_and_what_was_derived_from_it(tmp_path, runner):
    directory = tmp_path / "kz.db"
    user = write(tmp_path / "tiny.ttl", USER_MERGER)
    persistent.load(directory, [user])
    result = runner.invoke(cli, ["drop", "--graph", f"{GRAPH}user/tiny.ttl", "--store", str(directory)])
    assert result.exit_code == 0, result.output
    assert f"Dropped <{GRAPH}user/tiny.ttl> (6 triples)" in result.output
    graph = persistent.open_store(directory)
    names = {g.value for g in graph.store.named_graphs()}
    assert f"{GRAPH}user/tiny.ttl" not in names and f"{GRAPH}derived/user/tiny.ttl" not in names
    assert "Tiny Test Party" not in {row["label"] for row in graph.run("predecessors", party="Nur Otan")}
    joined = graph.query("ASK { <https://example.org/party/tiny> kz:joined party:nur-otan-2006 }")
    assert joined.value is False


def test_drop_of_an_unknown_graph_lists_the_graphs(loaded_store, runner):
    result = runner.invoke(cli, ["drop", "--graph", "http://e/none", "--store", str(loaded_store)])
    assert result.exit_code == 1
    assert "has no graph <http://e/none>" in result.output and f"<{PAPER_GRAPH}>" in result.output


def test_store_option_on_a_missing_store_is_a_clear_error(tmp_path, runner):
    result = runner.invoke(cli, ["run", "parties", "--store", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "no store here (create one with: kzgraph load --store" in result.output


def test_load_refuses_a_directory_that_is_not_a_store(tmp_path, runner):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(cli, ["load", "--store", str(tmp_path)])
    assert result.exit_code == 1 and "not an Oxigraph store" in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_load_and_store_options_exclude_each_other(loaded_store, tiny_ttl, runner):
    result = runner.invoke(cli, ["run", "parties", "--store", str(loaded_store), "--load", str(tiny_ttl)])
    assert result.exit_code == 2 and "give only one" in result.output


def _store_and_staging_copy(tmp_path) -> tuple[Path, Path]:
    """A store of one triple (http://e/v1) and the staging copy a `load --store` makes of it, with no
    commit marker: what a writer killed before it committed leaves."""
    directory = tmp_path / "kz.db"
    persistent.load(
        directory,
        bundled=False,
        files=[write(tmp_path / "a.nt", "<http://e/a> <http://e/p> <http://e/v1> .\n")],
    )
    staging = persistent._sibling(directory, "staging")
    ox.Store.read_only(str(directory)).backup(str(staging))
    return directory, staging


def test_an_interrupted_swap_is_finished_by_the_next_reader(tmp_path):
    """A crash after the commit marker was written: the complete staging copy wins."""
    directory, staging = _store_and_staging_copy(tmp_path)
    writer = ox.Store(str(staging))
    writer.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/v2")))
    writer.flush()
    del writer
    persistent._sibling(directory, "commit").touch()
    directory.rename(persistent._sibling(directory, "old"))  # the crash came between the two renames
    objects = {q.object.value for q in persistent.open_store(directory).store}
    assert objects == {"http://e/v1", "http://e/v2"}
    assert not any(persistent._sibling(directory, r).exists() for r in ("staging", "old", "commit"))


def test_an_unfinished_staging_copy_is_thrown_away(tmp_path):
    directory, staging = _store_and_staging_copy(tmp_path)  # no commit marker: the writer died
    persistent.load(
        directory,
        bundled=False,
        files=[write(tmp_path / "b.nt", "<http://e/b> <http://e/p> <http://e/v3> .\n")],
    )
    assert {q.object.value for q in persistent.open_store(directory).store} == {"http://e/v1", "http://e/v3"}
    assert not staging.exists()


def test_a_killed_writers_staging_copy_is_removed_by_the_next_reader(tmp_path, runner):
    directory, staging = _store_and_staging_copy(tmp_path)
    result = runner.invoke(cli, ["run", "parties", "--store", str(directory), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert not staging.exists()
    assert {q.object.value for q in persistent.open_store(directory).store} == {"http://e/v1"}


def test_a_running_writers_staging_copy_is_left_alone(tmp_path):
    import fcntl

    directory, staging = _store_and_staging_copy(tmp_path)
    with open(persistent._sibling(directory, "write"), "a") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)  # a writer at work: its staging copy is in progress
        persistent.open_store(directory)
        assert staging.exists()
