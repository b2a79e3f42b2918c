"""The README and docs match the tool: every command is documented, every documented command and
stored query exists, and the README opens with the two command lines."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kzgraph.cli import cli
from kzgraph.graph.catalog import Catalog
from kzgraph.resources import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
COMMANDS = sorted(cli.list_commands(None))


def test_readme_opens_with_the_two_command_lines():
    fence = re.search(r"```bash\n(.*?)```", README, re.S)
    assert fence and README.index(fence.group(0)) < README.index("\n## ")
    lines = fence.group(1).strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("pip install . && kzgraph ")
    assert lines[1].endswith("pip install -e '.[test]' && python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in ci and "python3 -m pytest" in ci


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_documented(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3
    assert f"kzgraph {name}" in DOCS, f"`kzgraph {name}` appears nowhere in README.md or docs/"


def test_documented_commands_exist():
    """Commands written as code (in backticks, or a `$ ` line of an example) are real commands."""
    mentioned = set(re.findall(r"(?:`|^\$ |^)kzgraph ([a-z][a-z-]+)\b", DOCS, re.M))
    assert len(mentioned) > 10
    assert mentioned - set(COMMANDS) == set()


def test_documented_stored_queries_exist():
    names = set(Catalog().names())
    mentioned = set(re.findall(r"kzgraph run ([a-z][a-z-]+)", DOCS))
    assert mentioned and mentioned <= names


def test_doc_links_resolve():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            assert (path.parent / target).exists(), f"{path.name}: broken link {target}"
