"""Every command, with each of its choices and with wrong values, ends in output or a one-line
error: never a Python traceback. The command tree is read from click, so new commands and
options are covered without editing this file (a command that needs arguments to run at all
gets them from RUN_ARGS)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kzgraph.cli import COMMANDS, cli
from kzgraph.graph.sparql_text import MAX_NESTING

# What each command needs to do its work; {tmp} is a fresh directory.
RUN_ARGS = {
    "run": ["parties"],
    "lineage": ["Nur Otan"],
    "query": ["SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
    "seats": ["--year", "2004"],
    "docs": ["-o", "{tmp}/docs"],
    "viz": ["-o", "{tmp}/page.html", "--no-charts"],
    "load": ["--store", "{tmp}/store"],
    "drop": ["--store", "{tmp}", "--graph", "https://example.org/none"],
}
# Commands whose every choice must succeed with RUN_ARGS (the others may refuse a combination,
# e.g. query's RDF formats for a SELECT, push without an endpoint).
MUST_SUCCEED = {"run", "lineage", "seats", "indices", "stats", "export", "describe", "quickstatements", "viz"}
WRONG_VALUES = ["x", "-1", ""]


def commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    return [(name, cli.get_command(ctx, name)) for name in cli.list_commands(ctx)]


def choice_runs() -> list[tuple[str, list[str]]]:
    runs = []
    for name, command in commands():
        for param in command.params:
            if isinstance(param.type, click.Choice) and isinstance(param, click.Option):
                for choice in param.type.choices:
                    runs.append((name, [*RUN_ARGS.get(name, []), param.opts[-1], choice]))
    return runs


def wrong_runs() -> list[tuple[str, list[str]]]:
    runs = []
    for name, command in commands():
        base = RUN_ARGS.get(name, [])
        for param in command.params:
            if isinstance(param, click.Option) and (param.is_flag or param.count):
                continue
            for value in WRONG_VALUES:
                if isinstance(param, click.Option):
                    runs.append((name, [*base, param.opts[-1], value]))
                elif isinstance(param, click.Argument) and param.nargs == 1:
                    runs.append((name, [value, *base[1:]] if base else [value]))
    return runs


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch):
    """Run the CLI in a scratch directory; `kzgraph serve` returns where it would start serving
    (the server itself is tested in test_serve.py), and no browser is opened."""
    import webbrowser

    import kzgraph.web.server as web_server

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(web_server, "run_serve", lambda *args, **kwargs: None)
    monkeypatch.setattr(webbrowser, "open", lambda *args, **kwargs: False)
    monkeypatch.delenv("COLUMNS", raising=False)

    def run(name: str, args: list[str]):
        args = [a.replace("{tmp}", str(tmp_path)) for a in args]
        result = CliRunner().invoke(cli, [name, *args], catch_exceptions=True)
        shown = f"kzgraph {name} {' '.join(args)!r}:\n{result.output}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{shown}\nraised {result.exception!r}"
        )
        assert "Traceback" not in result.output, shown
        assert result.exit_code in (0, 1, 2), shown
        if result.exit_code:
            errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
            assert len(errors) == 1, f"{shown}\nwants one 'Error: ...' line"
        return result

    return run


def test_every_command_is_covered():
    assert {name for name, _ in commands()} >= set(COMMANDS)
    assert {name for name, _ in choice_runs()} >= {"run", "query", "seats", "export", "describe"}


@pytest.mark.parametrize(
    ("name", "args"), choice_runs(), ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_each_choice_runs_without_a_traceback(invoke, name, args):
    result = invoke(name, args)
    if name in MUST_SUCCEED:
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("name", "args"), wrong_runs(), ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_wrong_values_give_a_one_line_error(invoke, name, args):
    invoke(name, args)


def test_run_offers_only_result_formats(invoke):
    result = invoke("run", ["parties", "--format", "ttl"])
    assert result.exit_code == 2 and "'ttl' is not one of" in result.stderr


def test_describe_refuses_a_base_url_that_is_not_a_url(invoke):
    result = invoke("describe", ["--base-url", "notaurl"])
    assert result.exit_code == 2 and "is not an http(s) URL" in result.stderr
    assert invoke("describe", ["--base-url", "https://kz.example.org/"]).exit_code == 0


def test_a_query_nested_past_the_limit_is_refused_not_run():
    """pyoxigraph's parser crashes the process from about 5,000 levels of nesting: kzgraph query
    (in a process of its own here, so a crash cannot take pytest down) refuses the text instead,
    and a query at the limit runs."""

    def nested(levels: int) -> str:
        return "ASK WHERE " + "{ " * levels + "?s ?p ?o" + " }" * levels

    refused = subprocess.run(["kzgraph", "query", nested(6000)], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1, refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"Error: The query nests brackets, groups or sub-queries deeper than {MAX_NESTING} levels,"
        " the most kzgraph runs"
    ]
    at_limit = subprocess.run(
        ["kzgraph", "query", nested(MAX_NESTING)], capture_output=True, text=True, timeout=120
    )
    assert at_limit.returncode == 0, at_limit.stderr
    assert at_limit.stdout.strip().lower() in ("true", "yes")
