"""The query page of kzgraph serve (/editor) in headless Chromium: YASGUI renders, runs a stored query on
this server's /sparql, and nothing leaves the machine."""

from __future__ import annotations

import pytest
from browser import launch_chromium
from serving import HOSTILE_LINKS, hostile_graph, running_server

from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings


@pytest.fixture(scope="module")
def base_url(graph):
    with running_server(make_app(graph, ServeSettings(timeout=10.0))) as url:
        yield url


def test_query_page_renders_the_catalog_and_runs_a_query_offline(base_url, graph, tmp_path):
    with launch_chromium(tmp_path / "profile", allow_hosts=("127.0.0.1",)) as browser:
        page = browser.open(base_url + "/editor")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
        titles = page.eval_on_selector_all(".tabsList .tab a > span", "tabs => tabs.map(t => t.textContent)")
        assert titles == [q.title for q in graph.catalog]
        assert page.evaluate("window.kzgraphYasgui.getTab().getEndpoint()") == base_url + "/sparql"

        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20_000)
        first = next(iter(graph.catalog))
        expected = len(graph.run(first.name)) if not first.params else None
        rows = page.locator(".yasr table.dataTable tbody tr").count()
        assert rows == min(expected, 50) if expected is not None else rows > 0
        # A result IRI of this graph opens this server's resource page, not the w3id.org IRI.
        hrefs = page.eval_on_selector_all(".yasr a.iri", "links => links.map(a => a.getAttribute('href'))")
        assert any(h.startswith("/id/party/") for h in hrefs)
        assert not any(h.startswith("https://w3id.org/kzgraph/id/") for h in hrefs)

    assert browser.external_requests == []
    assert browser.console_errors == []
    assert any(r.startswith(base_url + "/sparql") for r in browser.requests)


def test_a_parameterised_stored_query_tab_runs_with_its_example(base_url, graph, tmp_path):
    name = "predecessors"
    expected = graph.run(name, party=graph.catalog.get(name).param("party").example)
    with launch_chromium(tmp_path / "profile", allow_hosts=("127.0.0.1",)) as browser:
        page = browser.open(base_url + "/editor")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
        page.click(f"#tab-query-{name}")
        page.wait_for_function(
            f"() => window.kzgraphYasgui.getTab().getId() === 'query-{name}'", timeout=10_000
        )
        page.click(".tabPanel.active .yasqe_queryButton")
        page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr", timeout=20_000)
        info = page.locator(".tabPanel.active .yasr_response_chip").inner_text()
        assert info.startswith(f"{len(expected)} result")
    assert browser.external_requests == []


def test_no_page_breaks_the_content_security_policy(base_url, tmp_path):
    """The query editor (YASGUI, running a query), the home page, the lineage page, a stored-query
    page, reader pages and pyLODE's ontology page work under the CSP: Chromium reports no
    violation on any of them."""
    with launch_chromium(tmp_path / "profile", allow_hosts=("127.0.0.1",)) as browser:
        page = browser.open(base_url + "/editor")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20_000)
        for path in (
            "/",
            "/lineage",
            "/queries/parties",
            "/id/party/otan-1999",
            "/id/election/majilis-2004",
            "/id/stage/first",
            "/ontology",
        ):
            page = browser.open(base_url + path)
            assert page.locator("h1").count() >= 1, path
        assert page.locator("#classes").count() == 1  # the ontology page is pyLODE's, styled
        assert page.evaluate("getComputedStyle(document.querySelector('#pylode')).position") == "fixed"
    assert browser.console_errors == []
    assert browser.external_requests == []


def test_script_from_loaded_data_never_runs(tmp_path):
    """A script in an ontology comment, javascript:/data:/vbscript: IRIs in the data: nothing
    runs on /ontology, and no such IRI is a link on the resource page or in YASGUI's results."""
    graph = hostile_graph(tmp_path)
    dialogs = []
    with (
        running_server(make_app(graph, ServeSettings(timeout=10.0))) as url,
        launch_chromium(tmp_path / "profile", allow_hosts=("127.0.0.1",)) as browser,
    ):
        page = browser.open(url + "/ontology")
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned") is None
        page = browser.open(url + "/id/party/hostile")
        assert page.locator("a[href^='javascript'], a[href^='data'], a[href^='vbscript']").count() == 0
        page = browser.open(url + "/editor")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
        page.click("#tab-query-links")
        page.click(".tabPanel.active .yasqe_queryButton")
        page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr", timeout=20_000)
        cells = page.locator(".tabPanel.active .yasr table.dataTable tbody").inner_text()
        assert all(iri in cells for iri in HOSTILE_LINKS), cells
        assert (
            page.locator(
                ".yasr a[href^='javascript'], .yasr a[href^='data'], .yasr a[href^='vbscript']"
            ).count()
            == 0
        )
    assert dialogs == []
