"""The derivation rules run in the engine (rules.py) reach the same fixpoint as the plain method:
every rule over every layer, again and again, until nothing new follows; the rules derived at load
(ontology/rules) then the entailments (ontology/rules/entailment) reach that of all the rules
together; and no stored query needs the entailments."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

import kzgraph
from kzgraph.graph.namespaces import (
    DERIVED_PREFIX,
    GRAPH,
    ONTOLOGY_GRAPH,
    PAPER_GRAPH,
    PREFIXES,
    derived_graph,
)
from kzgraph.graph.rules import load_rules, parse_rule
from kzgraph.graph.store import bundled_files, derive
from kzgraph.resources import ENTAILMENT_RULES_DIR, ROOT, RULES_DIR


def naive_derive(store: ox.Store) -> None:
    """The reference: each layer's rules rerun in full until a round adds nothing new."""
    rules = [p.read_text(encoding="utf-8") for p in sorted(RULES_DIR.rglob("*.rq"))]
    names = {g.value for g in store.named_graphs()}
    sources = sorted(
        (g for g in names if g != ONTOLOGY_GRAPH and not g.startswith(DERIVED_PREFIX)),
        key=lambda g: (g != PAPER_GRAPH, g),
    )
    scope = [ox.NamedNode(ONTOLOGY_GRAPH)]
    for source in sources:
        target = ox.NamedNode(derived_graph(source))
        scope += [ox.NamedNode(source), target]
        while True:
            new = {
                ox.Quad(t.subject, t.predicate, t.object, target)
                for rule in rules
                for t in store.query(rule, default_graph=scope, prefixes=PREFIXES)
                if not any(ox.Quad(t.subject, t.predicate, t.object, g) in store for g in scope)
            }
            if not new:
                break
            store.extend(new)


def synthetic_file(tmp_path: Path, n: int) -> Path:
    spec = importlib.util.spec_from_file_location("gen_synthetic", ROOT / "bench" / "gen_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / "synthetic.nt"
    path.write_text("\n".join(module.triples(n)) + "\n", encoding="utf-8")
    return path


def stores(files: list[tuple[Path, str]]) -> tuple[ox.Store, ox.Store]:
    pair = ox.Store(), ox.Store()
    for store in pair:
        for path, graph in files:
            store.load(path=path, to_graph=ox.NamedNode(graph))
    return pair


@pytest.mark.parametrize("with_synthetic", [False, True])
def test_engine_rules_reach_the_naive_fixpoint(tmp_path, with_synthetic):
    files = bundled_files()
    if with_synthetic:
        files.append((synthetic_file(tmp_path, 3000), f"{GRAPH}user/synthetic.nt"))
    fast, reference = stores(files)
    added = derive(fast) + derive(fast, ENTAILMENT_RULES_DIR)
    naive_derive(reference)
    assert set(fast) == set(reference)
    assert added == sum(1 for q in fast if q.graph_name.value.startswith(DERIVED_PREFIX))
    assert added > 500


def test_stored_queries_answer_the_same_without_the_entailments(tmp_path):
    graph = kzgraph.load([synthetic_file(tmp_path, 3000)])
    assert graph.unentailed == [GRAPH + "user/synthetic.nt"]
    answers = {stored.name: _answers(graph, stored) for stored in graph.catalog}
    size = len(graph.store)
    graph.entail()
    assert graph.unentailed == [] and len(graph.store) > size + 1000
    assert {stored.name: _answers(graph, stored) for stored in graph.catalog} == answers
    assert sum(len(rows) for rows in answers.values()) > 500


def _answers(graph: kzgraph.Graph, stored) -> list[str]:
    params = {p.name: p.example for p in stored.params if p.example is not None}
    if "party" in params:
        params["party"] = "Synthetic Party 0.9"
    return sorted(map(str, graph.run(stored, **params).rows))


def test_deriving_again_adds_nothing():
    graph = kzgraph.load()
    before = set(graph.store)
    assert derive(graph.store) == 0
    assert derive(graph.store, ENTAILMENT_RULES_DIR) == 0
    assert set(graph.store) == before


def test_rule_analysis_finds_reads_and_writes():
    rules = {rule.name: rule for rule in load_rules(ENTAILMENT_RULES_DIR)}
    rdf_type = PREFIXES["rdf"] + "type"
    types = rules["20-rdfs-types"]
    assert types.writes == {rdf_type} and not types.reads_any
    assert {rdf_type, PREFIXES["rdfs"] + "subClassOf"} <= types.reads
    assert rules["30-rdfs-properties"].reads_any and rules["30-rdfs-properties"].writes is None
    iso = load_rules(RULES_DIR)[1]
    assert iso.writes == {PREFIXES["kz"] + "isoDate"} and PREFIXES["dct"] + "date" in iso.reads


def test_a_rule_that_is_not_construct_where_is_refused():
    with pytest.raises(kzgraph.KzgraphError, match="rule bad: expected CONSTRUCT"):
        parse_rule("bad", "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(kzgraph.KzgraphError, match="rule limit: expected WHERE"):
        parse_rule("limit", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
