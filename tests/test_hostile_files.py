"""Hostile RDF files: entity expansion, deep nesting, huge terms, relative IRIs. Each is refused
in a moment with a one-line error naming file:line:col, and nothing is stored.

The worst of them run `kzgraph load --store` in a child process under a time and address-space
limit, so that a regression fails the test instead of eating the machine; the child's own peak
RSS is checked too."""

from __future__ import annotations

import gzip
import http.server
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph import persistent
from kzgraph.graph.input_limits import ENTITY_ALLOWANCE, MAX_XML_DEPTH, TOKEN_LIMIT
from kzgraph.graph.namespaces import GRAPH

RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
)
MIB = 1024 * 1024


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def laughs(levels: int = 9) -> str:
    """A billion laughs: each entity is ten of the one before; 965 bytes, 10**9 'lol's."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(entities)
        + "\n]>\n"
        + RDF_OPEN
        + f'  <rdf:Description rdf:about="http://example.org/a"><ex:p>&lol{levels};</ex:p></rdf:Description>\n'
        + "</rdf:RDF>\n"
    )


def nested(depth: int) -> str:
    """Node and property elements nested `depth` deep (a pair per two levels)."""
    pairs = depth // 2
    return (
        '<?xml version="1.0"?>\n'
        + RDF_OPEN
        + "<rdf:Description><ex:p>" * pairs
        + "x"
        + "</ex:p></rdf:Description>" * pairs
        + "</rdf:RDF>\n"
    )


# Runs the CLI and writes the child's own peak RSS (VmHWM: of its image after exec; getrusage
# would count the forking pytest process's pages too) to the file named first.
_CHILD = """
import atexit, sys
def peak():
    with open("/proc/self/status") as status, open(sys.argv[1], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
from kzgraph.cli import cli
cli(sys.argv[2:], prog_name="kzgraph")
"""


def bounded_load(tmp_path: Path, *files: Path, seconds: float = 60, address_space: int = 4 << 30):
    """`kzgraph load --store` in a child process with a deadline and an address-space limit;
    return its exit code, stderr, peak RSS in MB and the store directory."""
    store, peak = tmp_path / "kz.db", tmp_path / "peak-rss-kb"

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [sys.executable, "-c", _CHILD, str(peak), "load", "--store", str(store), *map(str, files)]
    child = subprocess.run(args, capture_output=True, text=True, timeout=seconds, preexec_fn=limit, env=env)
    return child.returncode, child.stderr, int(peak.read_text()) / 1024, store


def assert_refused(code: int, output: str, where: str, what: str) -> None:
    """Exit code 1 and one line, `Error: WHERE...` saying `what`, with no traceback."""
    lines = output.strip().splitlines()
    assert code == 1, output
    assert len(lines) == 1 and "Traceback" not in output, output
    assert output.startswith(f"Error: {where}") and what in lines[0], output


def test_billion_laughs_is_refused_at_once_with_little_memory(tmp_path):
    hostile = write(tmp_path / "laughs.rdf", laughs())
    assert hostile.stat().st_size < 1000
    code, stderr, peak_mb, store = bounded_load(tmp_path, hostile)
    assert_refused(code, stderr, f"{hostile}:4:", "holds markup or other entities")
    assert peak_mb < 200, f"peak RSS {peak_mb:.0f} MB"
    assert not persistent.is_store(store)


def test_an_existing_store_is_left_as_it_was(tmp_path):
    store = tmp_path / "kz.db"
    persistent.load(
        store, [write(tmp_path / "a.nt", "<http://e/a> <http://e/p> <http://e/v> .\n")], bundled=False
    )
    before = {(q.subject, q.object) for q in persistent.open_store(store).store}
    code, _, _, _ = bounded_load(tmp_path, write(tmp_path / "laughs.rdf", laughs()))
    assert code == 1
    assert {(q.subject, q.object) for q in persistent.open_store(store).store} == before


@pytest.mark.parametrize("command", [["viz", "-o", "x.html"], ["export"], ["validate"], ["run", "parties"]])
def test_every_command_that_loads_refuses_it(tmp_path, runner, command):
    hostile = write(tmp_path / "laughs.rdf", laughs())
    result = runner.invoke(cli, [*command, "--load", str(hostile)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {hostile}:4:") and "Traceback" not in result.output


@pytest.mark.parametrize(
    "declaration, what",
    [
        ('<!ENTITY % p "x">', "parameter entity %p;"),
        ('<!ENTITY secret SYSTEM "file:///etc/passwd">', "external entity &secret;"),
        ('<!ENTITY tag "<ex:q>x</ex:q>">', "holds markup"),
        ('<!ENTITY ref "&#38;lol;">', "holds markup or other entities"),
    ],
)
def test_entities_that_could_multiply_or_read_files_are_refused(tmp_path, declaration, what):
    hostile = write(
        tmp_path / "e.rdf",
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{declaration}\n]>\n{RDF_OPEN}</rdf:RDF>\n',
    )
    with pytest.raises(kzgraph.DataLoadError, match=what) as info:
        kzgraph.load([hostile])
    assert info.value.line == 3


def test_flat_text_entities_still_load(tmp_path):
    ontology = write(
        tmp_path / "o.owl",
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY ex "http://example.org/">\n]>\n'
        + RDF_OPEN
        + '<rdf:Description rdf:about="&ex;a"><ex:p>&ex;</ex:p></rdf:Description></rdf:RDF>\n',
    )
    graph = kzgraph.load([ontology], bundled=False)
    rows = graph.query("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }").dicts()
    assert rows == [{"s": "http://example.org/a", "o": "http://example.org/"}]


def test_flat_entities_may_not_grow_the_text_beyond_the_bound(tmp_path):
    value = "x" * 1000
    references = "&big;" * (2 * ENTITY_ALLOWANCE // 1000)  # 1 kB of text per 5 bytes
    hostile = write(
        tmp_path / "flat.rdf",
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY big "{value}">]>\n{RDF_OPEN}'
        f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{references}</ex:p></rdf:Description>'
        "</rdf:RDF>\n",
    )
    with pytest.raises(kzgraph.DataLoadError, match="entity references expand the text") as info:
        kzgraph.load([hostile], bundled=False)
    assert info.value.line == 4


def test_deep_nesting_is_refused_at_once(tmp_path):
    hostile = write(tmp_path / "deep.rdf", nested(200_000))
    assert hostile.stat().st_size > 4 * MIB
    code, stderr, peak_mb, store = bounded_load(tmp_path, hostile)
    assert_refused(code, stderr, f"{hostile}:3:", f"elements nested deeper than {MAX_XML_DEPTH}")
    assert peak_mb < 200 and not persistent.is_store(store)


def test_nesting_up_to_the_limit_loads(tmp_path):
    # the root rdf:RDF is one level: the limit leaves MAX_XML_DEPTH - 1 below it
    deepest = kzgraph.load([write(tmp_path / "ok.rdf", nested(MAX_XML_DEPTH - 1))], bundled=False)
    assert len(deepest) >= (MAX_XML_DEPTH - 2) // 2
    with pytest.raises(kzgraph.DataLoadError, match="nested deeper"):
        kzgraph.load([write(tmp_path / "deep.rdf", nested(MAX_XML_DEPTH + 1))], bundled=False)


def test_xml_the_checker_cannot_read_is_refused_with_its_position(tmp_path):
    bad = write(
        tmp_path / "bad.rdf", f'<?xml version="1.0"?>\n{RDF_OPEN}<ex:a>\n  <ex:b></ex:c>\n</rdf:RDF>\n'
    )
    with pytest.raises(kzgraph.DataLoadError, match="RDF_XML syntax error: mismatched tag") as info:
        kzgraph.load([bad], bundled=False)
    assert (info.value.line, info.value.column) == (4, 11)  # expat's: the tag's name


def long_literal(suffix: str) -> str:
    return f'<http://example.org/a> <http://example.org/p> "{"a" * (TOKEN_LIMIT + MIB)}" .\n'


@pytest.mark.parametrize("name", ["long.nt", "long.ttl", "long.nt.gz"])
def test_a_term_over_the_parsers_limit_is_a_one_line_error(tmp_path, name):
    path = tmp_path / name
    data = ('<http://example.org/a> <http://example.org/p> "short" .\n' + long_literal(name)).encode()
    path.write_bytes(gzip.compress(data, compresslevel=1) if name.endswith(".gz") else data)
    code, stderr, _, store = bounded_load(tmp_path, path)
    assert_refused(
        code,
        stderr,
        f"{path}:2:",
        "a single token (literal, IRI, name or comment) runs past the parser's limit of 16 MiB",
    )
    assert not persistent.is_store(store)


def test_a_long_literal_in_rdfxml_loads(tmp_path):
    text = "a" * (TOKEN_LIMIT + MIB)
    long = write(
        tmp_path / "long.rdf",
        f'<?xml version="1.0"?>\n{RDF_OPEN}<rdf:Description rdf:about="http://example.org/a">'
        f"<ex:p>{text}</ex:p></rdf:Description></rdf:RDF>\n",
    )
    graph = kzgraph.load([long], bundled=False)
    assert len(next(iter(graph.store)).object.value) == len(text)


@pytest.mark.parametrize(
    "token",
    [
        '<rdf:Description rdf:about="http://example.org/{long}"><ex:p>x</ex:p></rdf:Description>',
        "<!-- {long} -->",
    ],
)
def test_an_rdfxml_token_over_the_limit_is_refused_at_its_start(tmp_path, token):
    # expat before 2.6 scans an unfinished token again with each chunk it is fed: fed in the
    # engine's 2 KiB reads, a 17 MiB comment took more than 100 s
    text = (
        f'<?xml version="1.0"?>\n{RDF_OPEN}\n  '
        + token.format(long="a" * (TOKEN_LIMIT + MIB))
        + "</rdf:RDF>\n"
    )
    hostile = write(tmp_path / "long-token.rdf", text)
    code, stderr, peak_mb, _ = bounded_load(tmp_path, hostile)
    assert_refused(code, stderr, f"{hostile}:4:3:", "token runs past 16 MiB")
    assert peak_mb < 200


# Relative IRIs


RELATIVE = {
    "rel.ttl": ("<a> <http://example.org/p> <b> .\n", 1),
    "rel.rdf": (
        f'<?xml version="1.0"?>\n{RDF_OPEN}<rdf:Description rdf:about="a"><ex:p>x</ex:p></rdf:Description>'
        "</rdf:RDF>\n",
        3,
    ),
    "id.rdf": (
        f'<?xml version="1.0"?>\n{RDF_OPEN}\n<rdf:Description rdf:ID="c"><ex:p>x</ex:p></rdf:Description>'
        "</rdf:RDF>\n",
        4,
    ),
    "rel.jsonld": ('{"@id": "http://example.org/a",\n "http://example.org/p": {"@id": "b"}}\n', 2),
}


NEVER_RESOLVED = {
    "rel.nt": ('<http://example.org/a> <http://example.org/p> "x"^^<dt> .\n', 1),
    "rel.nq": ("<http://example.org/a> <http://example.org/p> <http://example.org/o> <g> .\n", 1),
    "base.rdf": (
        f'<?xml version="1.0"?>\n{RDF_OPEN}<rdf:Description xml:base="data/" rdf:about="http://example.org/a">'
        "<ex:p>x</ex:p></rdf:Description></rdf:RDF>\n",
        3,
    ),
    "ns.rdf": (
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:r="rel/">'
        '<rdf:Description rdf:about="http://example.org/a"><r:p>x</r:p></rdf:Description></rdf:RDF>\n',
        2,
    ),
}


@pytest.mark.parametrize("name", sorted(NEVER_RESOLVED))
@pytest.mark.parametrize("base", [[], ["--base", "https://example.org/mine/"]])
def test_relative_iris_the_engine_never_resolves_are_refused_with_their_position(
    tmp_path, runner, name, base
):
    text, line = NEVER_RESOLVED[name]
    path = write(tmp_path / name, text)
    result = runner.invoke(cli, ["run", "parties", "--load", str(path), *base])
    assert_refused(result.exit_code, result.output, f"{path}:{line}:", "only absolute")


@pytest.mark.parametrize("name", sorted(RELATIVE))
def test_relative_iris_without_a_base_are_refused(tmp_path, runner, name):
    text, line = RELATIVE[name]
    path = write(tmp_path / name, text)
    result = runner.invoke(cli, ["run", "parties", "--load", str(path)])
    assert_refused(result.exit_code, result.output, f"{path}:{line}:", "--base IRI")


@pytest.mark.parametrize("name", sorted(RELATIVE))
def test_relative_iris_resolve_against_the_base_and_never_the_files_path(tmp_path, runner, name):
    text, _ = RELATIVE[name]
    path = write(tmp_path / name, text)
    base = "https://example.org/mine/"
    result = runner.invoke(cli, ["export", "-f", "nq", "--graph", "all", "--load", str(path), "--base", base])
    assert result.exit_code == 0, result.output
    assert "file:" not in result.output and str(tmp_path) not in result.output
    assert base in result.output


def test_an_absolute_xml_base_needs_no_base_option(tmp_path):
    path = write(
        tmp_path / "based.rdf",
        f'<?xml version="1.0"?>\n{RDF_OPEN}<rdf:Description xml:base="https://example.org/d/" rdf:about="a">'
        '<ex:p rdf:resource="#b"/></rdf:Description></rdf:RDF>\n',
    )
    rows = kzgraph.load([path], bundled=False).query("SELECT ?s ?o WHERE { ?s ?p ?o }").dicts()
    assert rows == [{"s": "https://example.org/d/a", "o": "https://example.org/d/#b"}]


def test_load_store_takes_a_base(tmp_path, runner):
    text, _ = RELATIVE["rel.ttl"]
    path = write(tmp_path / "rel.ttl", text)
    store = tmp_path / "kz.db"
    refused = runner.invoke(cli, ["load", "--store", str(store), "--no-bundled", str(path)])
    assert refused.exit_code == 1 and not persistent.is_store(store)
    done = runner.invoke(
        cli, ["load", "--store", str(store), "--no-bundled", str(path), "--base", "https://e.org/"]
    )
    assert done.exit_code == 0, done.output
    subjects = {
        q.subject.value for q in persistent.open_store(store).store.quads_for_pattern(None, None, None, None)
    }
    assert "https://e.org/a" in subjects


def test_base_must_be_absolute_and_needs_files(runner, tiny_ttl):
    relative = runner.invoke(cli, ["run", "parties", "--load", str(tiny_ttl), "--base", "mine/"])
    assert relative.exit_code == 2 and "is not an absolute IRI" in relative.output
    alone = runner.invoke(cli, ["run", "parties", "--base", "https://example.org/"])
    assert alone.exit_code == 2 and "--base applies to --load files" in alone.output


def test_the_python_api_takes_a_base(tmp_path):
    path = write(tmp_path / "rel.ttl", RELATIVE["rel.ttl"][0])
    graph = kzgraph.load([path], bundled=False, base="https://example.org/api/")
    assert {q.subject.value for q in graph.store} == {"https://example.org/api/a"}
    assert f"{GRAPH}user/rel.ttl" in {g.value for g in graph.store.named_graphs()}


# Remote endpoints answer with RDF too


class _LaughingEndpoint(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        body = laughs().encode()
        self.send_response(200)
        self.send_header("content-type", "application/rdf+xml")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_remote_endpoints_rdfxml_is_checked_too(runner):
    server = http.server.HTTPServer(("127.0.0.1", 0), _LaughingEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}/sparql"
        result = runner.invoke(cli, ["query", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", endpoint])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert "cannot parse (application/rdf+xml)" in result.output and "holds markup" in result.output
