"""The stored-query pages and the query editor of kzgraph serve in headless Chromium: forms,
sorting, the editor's picker and graph view, and nothing leaves the machine."""

from __future__ import annotations

import pytest
from browser import launch_chromium
from serving import running_server

from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

LOOPBACK = ("127.0.0.1",)
PARTY_GRAPH = (
    "CONSTRUCT { ?party a kz:PoliticalParty ; skos:prefLabel ?label ; kz:successorOf ?before }"
    " WHERE { ?party a kz:PoliticalParty ; skos:prefLabel ?label OPTIONAL { ?party kz:successorOf ?before } }"
)


@pytest.fixture(scope="module")
def base_url(graph):
    with running_server(make_app(graph, ServeSettings(timeout=10.0))) as url:
        yield url


def wait_for_editor(page) -> None:
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)


def test_editor_has_a_picker_of_the_stored_queries_and_runs_offline(base_url, graph, tmp_path):
    with launch_chromium(tmp_path / "profile", allow_hosts=LOOPBACK) as browser:
        page = browser.open(base_url + "/editor")
        wait_for_editor(page)
        titles = page.eval_on_selector_all(
            "#stored-query option", "options => options.map(o => o.textContent)"
        )
        assert titles == [q.title for q in graph.catalog]
        assert page.evaluate("window.kzgraphYasgui.getTab().getEndpoint()") == base_url + "/sparql"
        assert page.locator(".yasqe .CodeMirror").is_visible()  # the editor is on the first screen
        assert page.locator(".yasqe .CodeMirror").bounding_box()["y"] < 720

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


def test_picking_a_stored_query_in_the_editor_runs_it_with_its_example(base_url, graph, tmp_path):
    name = "predecessors"
    expected = graph.run(name, party=graph.catalog.get(name).param("party").example)
    with launch_chromium(tmp_path / "profile", allow_hosts=LOOPBACK) as browser:
        page = browser.open(base_url + "/editor")
        wait_for_editor(page)
        page.select_option("#stored-query", name)
        assert f"(/queries/{name})" in page.evaluate("window.kzgraphYasgui.getTab().getQuery()")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20_000)
        info = page.locator(".yasr_response_chip").inner_text()
        assert info.startswith(f"{len(expected)} result")
    assert browser.external_requests == []
    assert browser.console_errors == []


def test_a_construct_result_is_drawn_as_a_graph(base_url, graph, tmp_path):
    triples = len(graph.query(PARTY_GRAPH))
    with launch_chromium(tmp_path / "profile", allow_hosts=LOOPBACK) as browser:
        page = browser.open(base_url + "/editor")
        wait_for_editor(page)
        page.evaluate(f"void window.kzgraphYasgui.getTab().setQuery({PARTY_GRAPH!r})")
        page.click(".yasqe_queryButton")
        page.wait_for_selector("#graph-view:not([hidden]) canvas", timeout=30_000)
        assert page.locator("#graph-view-summary").inner_text().startswith(f"{triples} triples")
        drawn = page.evaluate("window.kzgraphGraphView")
        parties = len(graph.query("SELECT DISTINCT ?p WHERE { ?p a kz:PoliticalParty ; skos:prefLabel ?l }"))
        assert drawn["nodes"] >= parties > 10 and drawn["edges"] > 0
    assert browser.external_requests == []
    assert browser.console_errors == []


def test_run_a_stored_query_from_its_form_sort_it_and_open_it_in_the_editor(base_url, graph, tmp_path):
    year = "1999"
    expected = graph.query(
        "SELECT ?label ?share WHERE { ?r a kz:ElectionResult ; kz:election ?e ;"
        " kz:party/skos:prefLabel ?label ; kz:voteShare ?share ."
        f' ?e kz:isoDate ?d FILTER STRSTARTS(?d, "{year}") }}'
    )
    labels = expected.column("label")
    with launch_chromium(tmp_path / "profile", allow_hosts=LOOPBACK) as browser:
        page = browser.open(base_url + "/queries/election-results")
        page.select_option("select[name=year]", year)
        page.click("form.params button[type=submit]")
        page.wait_for_selector("table.results tbody tr")
        assert page.url.endswith(f"/queries/election-results?year={year}")
        shown = page.eval_on_selector_all(
            "table.results tbody tr td:nth-child(2)", "cells => cells.map(c => c.textContent)"
        )
        assert sorted(shown) == sorted(labels) and len(labels) > 2

        # sort by vote share: ascending, then descending
        share_column = "table.results tbody tr td:nth-child(3)"
        page.click("table.results th:nth-child(3) button.sort")
        ascending = [
            float(x)
            for x in page.eval_on_selector_all(share_column, "cells => cells.map(c => c.textContent)")
        ]
        assert ascending == sorted(float(s) for s in expected.column("share"))
        assert page.get_attribute("table.results th:nth-child(3)", "aria-sort") == "ascending"
        page.click("table.results th:nth-child(3) button.sort")
        descending = [
            float(x)
            for x in page.eval_on_selector_all(share_column, "cells => cells.map(c => c.textContent)")
        ]
        assert descending == sorted(ascending, reverse=True)
        page.click("table.results th:nth-child(2) button.sort")
        by_label = page.eval_on_selector_all(
            "table.results tbody tr td:nth-child(2)", "cells => cells.map(c => c.textContent)"
        )
        assert by_label == sorted(labels, key=lambda s: s.lower()) or by_label == sorted(labels)

        page.click("text=Open in the query editor")
        wait_for_editor(page)
        assert page.input_value("#stored-query") == "election-results"
        assert year in page.evaluate("window.kzgraphYasgui.getTab().getQuery()")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20_000)
        assert page.locator(".yasr_response_chip").inner_text().startswith(f"{len(labels)} result")
    assert browser.external_requests == []
    assert browser.console_errors == []
