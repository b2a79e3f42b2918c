"""A reader's walk through kzgraph serve in headless Chromium: home, search "Nur Otan", the
party page, its lineage graph, a click on Asar, Asar's page, the 2004 election and its seats
chart. Expected names and figures are read from the graph; nothing may leave the machine."""

from __future__ import annotations

import pytest
from browser import DRAWN, SCREEN_POSITION, launch_chromium
from serving import running_server

from kzgraph.graph.namespaces import ID
from kzgraph.web.app import make_app
from kzgraph.web.display import human_date
from kzgraph.web.settings import ServeSettings

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def base_url(graph):
    with running_server(make_app(graph, ServeSettings(timeout=60.0))) as url:
        yield url


def label_of(graph, iri: str) -> str:
    return next(r["label"] for r in graph.run("organisations") if r["organisation"] == iri)


def test_a_reader_goes_from_search_to_the_seats_chart(base_url, graph, tmp_path):
    nur_otan = graph.resolve_organisation("Nur Otan").value
    asar = graph.resolve_organisation("Asar").value
    result = next(
        r
        for r in graph.run("organisation-results")
        if r["organisation"] == asar and r["date"].startswith("2004")
    )
    lists = graph.run("election-lists", election=result["election"]).dicts()
    with launch_chromium(tmp_path / "profile", allow_hosts=("127.0.0.1",)) as browser:
        page = browser.open(base_url + "/", viewport=(1280, 720))
        page.fill("#search-box", "Nur Otan")
        first = page.locator("#search-results li a").first
        first.wait_for(timeout=10_000)
        assert first.inner_text() == label_of(graph, nur_otan)
        first.click()
        page.wait_for_url(base_url + "/id/" + nur_otan.removeprefix(ID))
        assert page.locator("h1").inner_text() == label_of(graph, nur_otan)

        page.click("a.button")  # the party's lineage graph
        page.wait_for_function(DRAWN, timeout=30_000)
        assert page.evaluate("window.kzgraph.nodes.get().map(n => n.id)").count(asar) == 1
        x, y = page.evaluate(SCREEN_POSITION, asar)
        page.mouse.click(x, y)
        page.wait_for_function("() => window.kzgraph.selected !== null", timeout=5_000)
        assert page.evaluate("window.kzgraph.selected") == asar
        page.click("#details a.page-link")
        page.wait_for_url(base_url + "/id/" + asar.removeprefix(ID))
        assert page.locator("h1").inner_text() == label_of(graph, asar)
        founded = next(r["founded"] for r in graph.run("organisations") if r["organisation"] == asar)
        assert founded and human_date(founded) in page.locator("dl.facts").inner_text()
        row = page.locator("section.results tr", has_text=result["election_label"])
        assert f"{result['vote_share']}%" in row.inner_text()

        row.locator("a").first.click()  # the 2004 election
        page.wait_for_url(base_url + "/id/" + result["election"].removeprefix(ID))
        chart = page.locator("#seats-chart svg")
        chart.wait_for(timeout=10_000)
        assert chart.bounding_box()["width"] > 300
        results = page.locator("section.results tbody tr")
        assert results.count() == len(lists)
        assert f"{lists[0]['vote_share']}%" in results.first.inner_text()
        assert page.evaluate(OVERFLOW) <= 0
    assert browser.external_requests == []
    assert browser.console_errors == []


@pytest.mark.parametrize("path", ["/", "/id/party/otan-1999", "/id/election/majilis-2004", "/id/stage/third"])
def test_pages_fit_a_phone_screen(base_url, tmp_path, path):
    with launch_chromium(tmp_path / "profile", allow_hosts=("127.0.0.1",)) as browser:
        page = browser.open(base_url + path, viewport=(390, 844))
        assert page.evaluate(OVERFLOW) <= 0, path
        assert page.locator("h1").is_visible()
    assert browser.external_requests == []
    assert browser.console_errors == []
