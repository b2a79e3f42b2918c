"""Election charts: self-contained SVG (checked as XML and rendered in headless Chromium) and PNG,
through the API and the CLI."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from browser import launch_chromium

from kzgraph.cli import cli
from kzgraph.elections.charts import ChartError, election_charts, indices_chart, inline_svg, seats_votes_chart
from kzgraph.elections.model import party_list_elections
from kzgraph.elections.seats import compare_seats

SVG = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def texts(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_seats_chart_names_every_list_and_the_counterfactual(graph):
    comparison = compare_seats(graph, 2004, method="dhondt", threshold=10)
    svg = seats_votes_chart(comparison)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text.endswith("10 list seats (counterfactual)")
    labels = texts(svg)
    assert "Republican Party Asar" in labels and "threshold 10%" in labels
    assert "seat share, D'Hondt (highest averages)" in labels
    # bar labels: Otan's vote 60.6, its 8 of 10 D'Hondt seats 80.0, the 7 reported 70.0
    assert {"60.6", "80.0", "70.0"} <= set(labels)
    assert b"http://" not in svg.replace(b"http://www.w3.org", b"").replace(b"http://purl.org", b"").replace(
        b"http://creativecommons.org", b""
    )  # nothing to fetch


def test_indices_chart_spans_the_elections(graph):
    svg = indices_chart(party_list_elections(graph))
    labels = texts(svg)
    assert {"1999", "2004", "2007", "2012"} <= set(labels)
    assert "100.0%" in labels and "40.0%" in labels  # Nur Otan 2007, Otan 1999
    assert indices_chart(party_list_elections(graph)) == svg  # same data, same file
    assert seats_votes_chart(compare_seats(graph, 2012), "png").startswith(PNG_MAGIC)
    with pytest.raises(ChartError, match="no election"):
        indices_chart([])


def test_charts_for_a_page(graph):
    charts = election_charts(graph)
    titles = [title for title, _ in charts]
    assert titles[0] == "Party system over time"
    assert {"Votes and seats, 1999", "Votes and seats, 2012"} <= set(titles)
    for _, svg in charts:
        assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
    with pytest.raises(ChartError):
        inline_svg("<html></html>")


def test_cli_writes_charts(runner, tmp_path):
    svg_path, png_path = tmp_path / "seats.svg", tmp_path / "indices.png"
    result = runner.invoke(cli, ["seats", "--year", "2012", "-f", "csv", "--chart", str(svg_path)])
    assert result.exit_code == 0, result.output
    assert f"Chart written to {svg_path}" in result.output
    assert "People's Democratic Party Nur Otan" in texts(svg_path.read_bytes())
    result = runner.invoke(cli, ["indices", "--chart", str(png_path)])
    assert result.exit_code == 0, result.output
    assert png_path.read_bytes().startswith(PNG_MAGIC)


def test_svg_renders_offline_in_chromium(graph, tmp_path):
    path = tmp_path / "seats-1999.svg"
    path.write_bytes(seats_votes_chart(compare_seats(graph, 1999, method="dhondt")))
    with launch_chromium(tmp_path / "profile") as browser:
        page = browser.open(path.as_uri())
        drawn = page.evaluate(
            """() => {
                const svg = document.documentElement;
                const box = svg.getBoundingClientRect();
                const labels = [...document.querySelectorAll('text')].map(t => t.textContent);
                const bars = [...document.querySelectorAll('path')].filter(p => p.getBBox().width > 5);
                return {width: box.width, height: box.height, labels, bars: bars.length};
            }"""
        )
        assert browser.external_requests == [] and browser.console_errors == []
    assert drawn["width"] > 400 and drawn["height"] > 200
    assert "Republican Political Party Otan" in drawn["labels"]
    assert drawn["bars"] >= 12  # vote, reported and allocated bars of four lists
