"""The query page of kzgraph serve (/editor) in headless Chromium: YASGUI renders, runs a stored query on
this server's /sparql, and nothing leaves the machine."""

from __future__ import annotations

import pytest
from browser import launch_chromium
from serving import running_server

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
        page.wait_for_function(f"window.kzgraphYasgui.getTab().getId() === 'query-{name}'", timeout=10_000)
        page.click(".tabPanel.active .yasqe_queryButton")
        page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr", timeout=20_000)
        info = page.locator(".tabPanel.active .yasr_response_chip").inner_text()
        assert info.startswith(f"{len(expected)} result")
    assert browser.external_requests == []
