"""Numbers written with other scripts' digits (full-width, Arabic-Indic...) are refused wherever a
number is parsed, instead of matching nothing: stored-query parameters, CLI options, the web."""

from __future__ import annotations

import pytest

from kzgraph.cli import cli
from kzgraph.errors import ParameterError
from kzgraph.graph.catalog import Param
from kzgraph.graph.params import decimal_number, to_term

FULL_WIDTH_2004 = "\uff12\uff10\uff10\uff14"
ARABIC_INDIC_2004 = "\u0662\u0660\u0660\u0664"
DEVANAGARI_7 = "\u096d"


def no_organisations(value):
    raise AssertionError("not an organisation parameter")


@pytest.mark.parametrize("kind", ["year", "integer", "decimal"])
@pytest.mark.parametrize("value", [FULL_WIDTH_2004, ARABIC_INDIC_2004, "20" + DEVANAGARI_7 + "4"])
def test_parameters_refuse_non_ascii_digits(kind, value):
    assert int(value) == 2004 or int(value) == 2074  # what Python alone would take
    with pytest.raises(ParameterError, match="digits 0-9"):
        to_term(Param(name="p", type=kind), value, no_organisations)


@pytest.mark.parametrize(
    "kind, value, lexical", [("year", "2004", "2004"), ("integer", "+12", "12"), ("decimal", ".5", "0.5")]
)
def test_parameters_take_ascii_digits(kind, value, lexical):
    assert to_term(Param(name="p", type=kind), value, no_organisations).value == lexical


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e3", "7.", " 7 "])
def test_decimals_are_written_as_xsd_decimal(value):
    number = decimal_number(value)
    assert (number is None) == (value in ("NaN", "Infinity", "1e3"))


def test_the_stored_query_refuses_a_full_width_year(graph, runner):
    assert graph.run("election-results", year="2004").rows  # the year is there
    result = runner.invoke(cli, ["run", "election-results", "-p", f"year={FULL_WIDTH_2004}"])
    assert result.exit_code == 1
    assert "is not a year (YYYY) written in the digits 0-9" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["seats", "--year", FULL_WIDTH_2004],
        ["seats", "--year", "2004", "--seats", DEVANAGARI_7],
        ["viz", "--from", FULL_WIDTH_2004, "-o", "x.html"],
        ["viz", "--to", ARABIC_INDIC_2004, "-o", "x.html"],
        ["run", "parties", "--limit", DEVANAGARI_7],
        ["serve", "--port", "\uff18\uff10\uff10\uff10"],
        ["serve", "--timeout", "\uff15"],
    ],
)
def test_cli_options_refuse_non_ascii_digits(runner, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "digits 0-9" in result.output and "Traceback" not in result.output


def test_a_full_width_threshold_is_refused(runner):
    result = runner.invoke(cli, ["seats", "--year", "2004", "--threshold", "\uff17"])
    assert result.exit_code == 1
    assert "is not a number (per cent) written in the digits 0-9" in result.output
    assert runner.invoke(cli, ["seats", "--year", "2004", "--threshold", "7"]).exit_code == 0
