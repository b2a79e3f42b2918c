from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from serving import VIRTUOSO_PASSWORD, VIRTUOSO_USER, running_virtuoso

import kzgraph
from kzgraph.resources import ROOT

# The paper is not redistributed here (its text states no licence that allows it): the tests
# that check the data against it read the project's reference copy beside the checkout
# (../shared/sources), or wherever KZGRAPH_PAPER points. Without it they are skipped, and the
# summary says so; with KZGRAPH_REQUIRE_PAPER=1 (as .ci/run sets) its absence fails them.
PAPER = Path(
    os.environ.get(
        "KZGRAPH_PAPER",
        ROOT.parent / "shared" / "sources" / "zhankuliyeva-2012-party-construction-kazakhstan.txt",
    )
)
REQUIRE_PAPER = os.environ.get("KZGRAPH_REQUIRE_PAPER") == "1"
NO_PAPER = f"the source paper is not at {PAPER} (set KZGRAPH_PAPER to its text file)"


@pytest.fixture(scope="session")
def graph() -> kzgraph.Graph:
    """The bundled ontology and data, loaded once."""
    return kzgraph.load()


@pytest.fixture(scope="session")
def paper_text() -> str:
    """The source paper, white space folded, as the data's quotes are checked against it."""
    if not PAPER.is_file():
        if REQUIRE_PAPER:
            pytest.fail(f"{NO_PAPER}; KZGRAPH_REQUIRE_PAPER=1 requires it")
        pytest.skip(NO_PAPER)
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


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """One throwaway Virtuoso for the whole run (a new database, loopback ports); its base URL.
    Its authenticated endpoints take the credentials of the `virtuoso_credentials` fixture."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture
def virtuoso_credentials(monkeypatch) -> None:
    """Virtuoso's administrator in the environment, where kzgraph reads HTTP credentials."""
    monkeypatch.setenv("KZGRAPH_USER", VIRTUOSO_USER)
    monkeypatch.setenv("KZGRAPH_PASSWORD", VIRTUOSO_PASSWORD)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly when the checks against the source paper did not run."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if NO_PAPER in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"kzgraph: {len(skipped)} test(s) checking the data against the source paper did NOT run:"
            f" {NO_PAPER}",
            yellow=True,
            bold=True,
        )
