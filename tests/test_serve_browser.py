"""The stored-query pages and the query editor of kzgraph serve in headless Chromium: forms,
sorting, the editor's picker and graph view, and nothing leaves the machine."""

from __future__ import annotations

import pytest
from browser import launch_chromium
from serving import HOSTILE_LINKS, hostile_graph, running_server

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
        page.select_option("#stored-query", "links")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20_000)
        cells = page.locator(".yasr table.dataTable tbody").inner_text()
        assert all(iri in cells for iri in HOSTILE_LINKS), cells
        assert (
            page.locator(
                ".yasr a[href^='javascript'], .yasr a[href^='data'], .yasr a[href^='vbscript']"
            ).count()
            == 0
        )
    assert dialogs == []
