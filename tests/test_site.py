"""`kzgraph site`: the served pages as static files. Built twice (the same bytes), every link
resolves to a written file, the files hold what the graph says, and the site works from a
loopback static server and from file:// in Chromium with nothing leaving the page."""

from __future__ import annotations

import asyncio
import filecmp
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from browser import launch_chromium
from serving import free_port, running_process

from kzgraph.cli import cli
from kzgraph.cli.site_command import SITE_SETTINGS
from kzgraph.graph.namespaces import ID
from kzgraph.output import render
from kzgraph.publish.site import write_site
from kzgraph.web.app import make_app
from kzgraph.web.resource_pages import resource_quads

BASE_URL = "https://example.org/kzgraph"
PARTY, ELECTION = "party/otan-1999", "election/majilis-2004"


@pytest.fixture(scope="module")
def site(graph, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("site") / "public"
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["site", "-o", str(directory), "--base-url", BASE_URL])
    assert result.exit_code == 0, result.output
    assert f"to {directory}" in result.output and "files" in result.output
    return directory


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(path: Path) -> list[str]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def test_two_runs_write_the_same_bytes(site, graph, tmp_path):
    again = tmp_path / "again"
    write_site(graph, make_app(graph, SITE_SETTINGS), again, BASE_URL)
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(site, again, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []


def test_every_internal_link_resolves_to_a_written_file(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 300
    broken = []
    for page in pages:
        for link in links_of(page):
            parts = urlsplit(link)
            if parts.scheme or link.startswith("#"):
                continue
            assert not link.startswith("/"), f"{page}: absolute path {link}"
            target = (page.parent / parts.path).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert broken == []


def test_every_resource_has_its_page_and_rdf(site, graph):
    rows = graph.store.query(
        f'SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?s), "{ID}") }}'
    )
    iris = [row["s"].value for row in rows]
    assert len(iris) > 200
    for iri in iris:
        stem = site / "id" / iri.removeprefix(ID)
        for ext in ("html", "ttl", "jsonld", "nt"):
            assert stem.with_name(f"{stem.name}.{ext}").is_file(), f"{iri}: no .{ext}"
    iri = ID + PARTY
    parsed = ox.parse(path=str(site / "id" / f"{PARTY}.nt"), format=ox.RdfFormat.N_TRIPLES)
    published = {ox.Triple(q.subject, q.predicate, q.object) for q in parsed}
    stored = {ox.Triple(q.subject, q.predicate, q.object) for q in resource_quads(graph.store, iri)}
    assert published == stored
    label = graph.query(f"SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l }}").column("l")[0]
    assert f"<h1>{label}</h1>" in (site / "id" / f"{PARTY}.html").read_text(encoding="utf-8")


def test_stored_queries_are_published_for_every_election_year(site, graph):
    years = graph.run("election-years").column("year")
    assert len(years) > 5
    for year in years:
        csv = site / "queries" / f"election-results.year-{year}.csv"
        assert csv.read_bytes().decode("utf-8") == render(graph.run("election-results", year=year), "csv")
        assert (site / "queries" / f"election-results.year-{year}.html").is_file()
        objects = json.loads((site / "queries" / f"election-results.objects.year-{year}.json").read_text())
        assert objects["ok"] is True and len(objects["rows"]) == len(graph.run("election-results", year=year))
    for query in graph.catalog:
        assert (site / "queries" / f"{query.name}.html").is_file()
        if not any(p.required for p in query.params):
            # compared as sorted lines of sorted " | " lists: some queries order rows only partly
            # (ties), and a GROUP_CONCAT follows the order the engine meets the values in
            published = (site / "queries" / f"{query.name}.csv").read_bytes().decode("utf-8")
            assert unordered(published) == unordered(render(graph.run(query.name), "csv"))


def unordered(csv: str) -> list[str]:
    return sorted(
        ",".join(" | ".join(sorted(cell.split(" | "))) for cell in line.split(","))
        for line in csv.splitlines()
    )


def test_search_index_redirects_and_canonical_links(site, graph):
    index = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    by_iri = {entry["iri"]: entry for entry in index}
    for party in graph.run("parties"):
        entry = by_iri[party["party"]]
        assert entry["label"] == party["label"] and (site / entry["page"]).is_file()
    rules = (site / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteCond %{HTTP_ACCEPT} text/turtle" in rules
    assert f"RewriteRule ^id/([^.]+)$ {BASE_URL}/id/$1.ttl [R=303,L]" in rules
    assert f"RewriteRule ^id/([^.]+)$ {BASE_URL}/id/$1.html [R=303,L]" in rules
    page = (site / "id" / f"{PARTY}.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE_URL}/id/{PARTY}.html">' in page
    description = (site / "dataset.ttl").read_text(encoding="utf-8")
    assert f"<{BASE_URL}/download/kzgraph.ttl>" in description and f"<{BASE_URL}/sparql" not in description
    assert (site / "download" / "kzgraph.ttl").is_file() and (site / "404.html").is_file()
    assert (site / "lineage.html").stat().st_size > 10_000


def test_a_directory_that_is_not_a_site_is_left_alone(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(cli, ["site", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "is not an earlier kzgraph site" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert runner.invoke(cli, ["site", "-o", str(tmp_path / "x"), "--base-url", "ftp://x"]).exit_code == 2


@pytest.fixture(scope="module")
def static_server(site):
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(site),
    ]
    url = f"http://127.0.0.1:{port}"
    with running_process(
        command,
        url + "/index.html",
        lambda _: "the static server did not start",
        20,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ):
        yield url


def test_the_site_walks_on_a_static_server(static_server, graph, tmp_path):
    label = graph.query(f"SELECT ?l WHERE {{ <{ID + PARTY}> skos:prefLabel ?l }}").column("l")[0]
    with launch_chromium(tmp_path / "profile", allow_hosts=("127.0.0.1",)) as browser:
        page = browser.open(static_server + "/queries.html")
        page.click("text=Party results of a parliamentary election")
        page.click("text=year = 1999")
        rows = page.locator("table.results tbody tr").count()
        assert rows == len(graph.run("election-results", year="1999")) > 0
        page.click("table.results th:nth-child(3) button.sort")  # the sorting script loads here too
        assert page.get_attribute("table.results th:nth-child(3)", "aria-sort") == "ascending"
        page.goto(static_server + f"/id/{PARTY}.html")
        assert page.locator("h1").inner_text() == label
        page.click("text=Dataset")
        assert page.url.endswith("/dataset.html") and "Named graphs" in page.content()
    assert browser.external_requests == []
    assert browser.console_errors == []


@pytest.mark.parametrize("path", [PARTY, ELECTION])
def test_document_pages_open_from_the_folder(site, graph, path, tmp_path):
    label = graph.query(f"SELECT ?l WHERE {{ <{ID + path}> skos:prefLabel ?l }}").column("l")[0]
    with launch_chromium(tmp_path / "profile") as browser:
        page = browser.open((site / "id" / f"{path}.html").as_uri())
        assert page.locator("h1").inner_text() == label
        assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
        page.click("header.site >> text=Stored queries")
        assert page.url.endswith("/queries.html") and page.locator("h1").inner_text() == "Stored queries"
    assert browser.external_requests == []
    assert browser.console_errors == []


@pytest.mark.parametrize(
    "url, name",
    [
        ("/", "index.html"),
        ("/id/party/otan-1999", "id/party/otan-1999.html"),
        ("/id/party/otan-1999?format=ttl", "id/party/otan-1999.ttl"),
        ("/id/party/otan-1999?format=rdfxml", "id/party/otan-1999.rdf"),
        ("/queries/predecessors?party=Nur+Otan", "queries/predecessors.party-nur-otan.html"),
        (
            "/queries/election-results.json?_shape=objects&year=2004",
            "queries/election-results.objects.year-2004.json",
        ),
        (
            "/queries/election-results.json?year=2004&_shape=objects",
            "queries/election-results.objects.year-2004.json",
        ),
        ("/static/yasgui/yasgui.min.js", "static/yasgui/yasgui.min.js"),
        ("/download/kzgraph.nq", "download/kzgraph.nq"),
    ],
)
def test_site_file_names(url, name):
    from kzgraph.publish.site_paths import SiteMode, site_file

    assert site_file(url) == name
    assert SiteMode().link("/id/party/otan-1999", url.split("?")[0] + "#x").endswith("#x")
    assert SiteMode().link("/id/party/otan-1999", "/queries") == "../../queries.html"


def test_a_page_that_fails_stops_the_build_with_its_url(tmp_path):
    from kzgraph.publish.site import SiteError, _write_pages

    class Answer:
        def __init__(self, status_code):
            self.status_code, self.headers, self.content, self.text = status_code, {}, b"x", "broken"

        def json(self):
            return {"message": "the worker failed"}

    async def get(url):
        return Answer(500 if url == "/broken" else 200)

    pages = [(f"p{n}.html", f"/p{n}") for n in range(20)] + [("broken.html", "/broken")]
    with pytest.raises(SiteError, match="/broken answered 500: the worker failed"):
        asyncio.run(_write_pages(get, tmp_path, pages))
    assert (tmp_path / "p0.html").read_bytes() == b"x"
