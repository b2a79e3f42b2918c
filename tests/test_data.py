"""The data is the paper's: every quote is in the paper, every fact is sourced, SHACL holds."""

from __future__ import annotations

import re
import shutil

import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph.namespaces import PAPER_GRAPH
from kzgraph.graph.validate import validate
from kzgraph.resources import DATA_DIR, ONTOLOGY_DIR

FACTS_IN_PAPER_GRAPH = f"""
SELECT DISTINCT ?fact WHERE {{
  GRAPH <{PAPER_GRAPH}> {{ ?fact a ?class }}
  FILTER NOT EXISTS {{ ?fact a kz:Reference }}
  FILTER NOT EXISTS {{ ?fact a kz:SourceWork }}
  %s
}}"""


def test_every_quote_is_in_the_paper(graph, paper_text):
    # the paper's graphs only: facts beyond the paper quote web pages (tests/test_post2012.py)
    quotes = graph.restrict("paper").query("SELECT ?fact ?quote WHERE { ?fact kz:quote ?quote }")
    assert len(quotes) > 100
    missing = [(r["fact"], r["quote"]) for r in quotes if " ".join(r["quote"].split()) not in paper_text]
    assert missing == []


def test_every_fact_has_the_paper_and_a_quote(graph):
    assert len(graph.query(FACTS_IN_PAPER_GRAPH % "")) > 150
    unsourced = graph.query(
        FACTS_IN_PAPER_GRAPH
        % "FILTER NOT EXISTS { ?fact prov:hadPrimarySource src:zhankuliyeva-2012 ; kz:quote ?q }"
    )
    assert unsourced.column("fact") == []


def test_numbered_references_match_the_quotes(graph):
    """A fact cites reference N exactly when one of its quotes carries the paper's marker [N]."""
    rows = graph.query(
        """SELECT ?fact (GROUP_CONCAT(?quote; separator=" | ") AS ?quotes)
                  (GROUP_CONCAT(DISTINCT STR(?n); separator=" ") AS ?cited)
           WHERE { ?fact kz:quote ?quote .
                   OPTIONAL { ?fact dct:source/kz:referenceNumber ?n } }
           GROUP BY ?fact"""
    )
    mismatched = []
    for row in rows:
        quoted = set(re.findall(r"\[(\d+)\]", row["quotes"]))
        cited = set((row["cited"] or "").split())
        if quoted != cited:
            mismatched.append((row["fact"], sorted(quoted), sorted(cited)))
    assert mismatched == []


def test_references_are_the_papers_eighteen(graph):
    numbers = graph.query(
        "SELECT ?n WHERE { ?r a kz:Reference ; kz:referenceNumber ?n ; dct:bibliographicCitation ?c }"
    ).column("n")
    assert sorted(int(n) for n in numbers) == list(range(1, 19))


def test_data_conforms_to_the_shapes(graph, runner):
    report = validate(graph)
    assert report.conforms, "\n".join(map(str, report.violations[:20]))
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0 and result.output.startswith("Conforms")


def test_a_broken_copy_does_not_conform(tmp_path, runner):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        """@prefix kz: <https://w3id.org/kzgraph/ontology#> .
           @prefix prov: <http://www.w3.org/ns/prov#> .
           <https://w3id.org/kzgraph/id/result/bogus> a kz:ElectionResult ;
               kz:voteShare 130.5 ;
               prov:hadPrimarySource <https://w3id.org/kzgraph/id/source/zhankuliyeva-2012> ;
               kz:quote "invented" .""",
        encoding="utf-8",
    )
    report = validate(kzgraph.load([broken]))
    assert not report.conforms
    paths = {v.path for v in report.violations if "bogus" in v.focus}
    assert {"kz:party", "kz:election", "kz:voteShare"} <= paths
    result = runner.invoke(cli, ["validate", "--load", str(broken)])
    assert result.exit_code == 1
    assert "result:bogus" in result.output or "bogus" in result.output


def test_a_data_file_with_a_typo_fails_with_its_line(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    target = copy / "elections.ttl"
    lines = target.read_text(encoding="utf-8").splitlines()
    lines[20] = lines[20] + " ;;; <broken"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(kzgraph.DataLoadError) as info:
        kzgraph.load([target], bundled=False)
    assert info.value.path == str(target) and info.value.line == 21


def test_ontology_parses_and_declares_every_kz_term_used(graph):
    undeclared = graph.query(
        """SELECT DISTINCT ?term WHERE {
             { ?s ?term ?o } UNION { ?s a ?term }
             FILTER (STRSTARTS(STR(?term), STR(kz:)))
             FILTER NOT EXISTS { GRAPH <https://w3id.org/kzgraph/graph/ontology> { ?term a ?kind } }
           }"""
    ).column("term")
    assert undeclared == []
    assert (ONTOLOGY_DIR / "shapes.ttl").is_file()
