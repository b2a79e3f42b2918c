from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import kzgraph
from kzgraph.resources import ROOT

# The paper is not redistributed here: tests read the project's reference copy beside the
# checkout (../shared/sources), or wherever KZGRAPH_PAPER points.
PAPER = Path(
    os.environ.get(
        "KZGRAPH_PAPER",
        ROOT.parent / "shared" / "sources" / "zhankuliyeva-2012-party-construction-kazakhstan.txt",
    )
)


@pytest.fixture(scope="session")
def graph() -> kzgraph.Graph:
    """The bundled ontology and data, loaded once."""
    return kzgraph.load()


@pytest.fixture(scope="session")
def paper_text() -> str:
    """The source paper, white space folded, as the data's quotes are checked against it."""
    if not PAPER.is_file():
        pytest.fail(f"source paper not found at {PAPER}; set KZGRAPH_PAPER to its text file")
    return " ".join(PAPER.read_text(encoding="utf-8").split())


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny_ttl(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.ttl"
    path.write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/p> a kz:PoliticalParty ; skos:prefLabel "Tiny Party"@en .\n',
        encoding="utf-8",
    )
    return path
