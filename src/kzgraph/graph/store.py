"""Load the ontology, the data and any user files into a pyoxigraph store and query it."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..errors import AmbiguousLabel, DataLoadError, LabelNotFound, ParameterError, QueryError
from ..resources import DATA_DIR, ENTAILMENT_RULES_DIR, ONTOLOGY_DIR, RULES_DIR, SHAPES_FILE
from .catalog import Catalog, StoredQuery
from .namespaces import (
    DERIVED_GRAPH,
    DERIVED_PREFIX,
    GRAPH,
    ONTOLOGY_GRAPH,
    PAPER_GRAPH,
    PREFIXES,
    derived_graph,
)
from .params import bind, expand_iri
from .results import QueryResult, SelectResult, from_oxigraph
from .sparql_text import MAX_NESTING, bind_values, too_deep

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
# The sources a query can be restricted to: the graphs each one reads (None: every graph).
SOURCES: dict[str, tuple[str, ...] | None] = {
    "all": None,
    "paper": (ONTOLOGY_GRAPH, PAPER_GRAPH, DERIVED_GRAPH),
}
_DATASET_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
_LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
_ONLY_ABSOLUTE = " (N-Triples and N-Quads allow only absolute IRIs)"
# The base a JSON-LD file is parsed against when it has none, to find relative IRIs (.invalid:
# RFC 2606, never a real host).
_NO_BASE = "https://no-base.kzgraph.invalid/"
_SYNTAX_POSITION = re.compile(
    r"^(?:Parser )?error (?:between line|at line|at) (\d+)(?:[: ]column (\d+)| *:(\d+))?"
)


def bundled_files() -> list[tuple[Path, str]]:
    """The bundled files with the named graph each goes into.

    The ontology goes into .../graph/ontology, top-level data files into .../graph/paper,
    and files in a data subdirectory NAME into .../graph/NAME.
    """
    shapes = {SHAPES_FILE, *ONTOLOGY_DIR.glob("shapes*.ttl")}
    files = [(p, ONTOLOGY_GRAPH) for p in sorted(ONTOLOGY_DIR.glob("*.ttl")) if p not in shapes]
    files += [(p, PAPER_GRAPH) for p in sorted(DATA_DIR.glob("*.ttl"))]
    files += [(p, GRAPH + p.parent.name) for p in sorted(DATA_DIR.glob("*/*.ttl"))]
    return files


def rdf_format(path: Path) -> ox.RdfFormat:
    suffix = path.suffixes[-2] if path.suffix == ".gz" and len(path.suffixes) > 1 else path.suffix
    fmt = FORMATS.get(suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise DataLoadError(str(path), f"unknown RDF file type {suffix!r} (known: {known}, plus .gz)")
    return fmt


def load_file(
    store: ox.Store,
    path: Path,
    graph: str,
    *,
    base: str | None = None,
    wrap: Callable[[IO[bytes], IO[bytes]], IO[bytes]] | None = None,
) -> None:
    """Parse one file into `store` with the engine's parser. Triples go into `graph`, quads of
    dataset formats keep their own graph. Relative IRIs resolve against `base`; with none, they
    are refused (never resolved against the file's own path, which would publish it). RDF/XML is
    checked as it is read (input_limits). `wrap(stream, raw_file)` may wrap the decompressed
    stream (progress). DataLoadError names the file, line and column of a syntax error."""
    from .input_limits import NO_BASE_HINT, CheckedXml, unresolvable_iri  # (start-up: only when parsing)

    fmt = rdf_format(path)
    target = store
    if fmt is ox.RdfFormat.JSON_LD and base is None:
        # The JSON-LD parser drops what it cannot resolve without a word: resolve against a
        # marker base in a scratch store, then refuse the file if the marker shows.
        target, base_iri = ox.Store(), _NO_BASE
    else:
        base_iri = base
    overflow = None
    try:
        with _open(path) as (source, raw):
            stream = CheckedXml(source, path) if fmt is ox.RdfFormat.RDF_XML else source
            if wrap is not None:
                stream = wrap(stream, raw)
            try:
                target.load(stream, format=fmt, base_iri=base_iri, to_graph=ox.NamedNode(graph))
            except MemoryError as e:
                if "maximal size" not in str(e):
                    raise DataLoadError(str(path), f"out of memory while parsing {fmt.name}") from None
                overflow = source.tell()
    except SyntaxError as e:
        line, column, message = _syntax_position(e)
        if fmt is ox.RdfFormat.RDF_XML and line is None:
            with _open(path) as (stream, _):
                found = unresolvable_iri(stream, base)
            if found:
                raise DataLoadError(str(path), f"RDF_XML refused: {found[0]}", *found[1:]) from None
        if "No scheme found" in message:
            message += _ONLY_ABSOLUTE if fmt in _LINE_FORMATS else NO_BASE_HINT if base is None else ""
        raise DataLoadError(str(path), f"{fmt.name} syntax error: {message}", line, column) from None
    except (OSError, EOFError, ValueError) as e:
        raise DataLoadError(str(path), str(e)) from None
    if overflow is not None:
        _refuse_overflow(path, fmt, overflow)
    if target is not store:
        _refuse_unresolved(path, target)
        store.load(target.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)


@contextmanager
def _open(path: Path) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """The file's bytes (decompressed if it is gzipped), and the file on disk."""
    with open(path, "rb") as raw:
        yield (gzip.GzipFile(fileobj=raw, mode="rb") if path.suffix == ".gz" else raw), raw


def _refuse_overflow(path: Path, fmt: ox.RdfFormat, offset: int) -> None:
    from .input_limits import TOKEN_LIMIT, token_overflow_position

    with _open(path) as (stream, _):
        line, column = token_overflow_position(stream, offset)
    limit = f"{TOKEN_LIMIT >> 20} MiB"
    what = f"a single token (literal, IRI, name or comment) runs past the parser's limit of {limit} here"
    raise DataLoadError(str(path), f"{fmt.name} syntax error: {what}", line, column)


def _refuse_unresolved(path: Path, scratch: ox.Store) -> None:
    """Refuse a JSON-LD file parsed against the marker base if a term took it."""
    from .input_limits import NO_BASE_HINT

    query = f"""SELECT ?term WHERE {{ {{ GRAPH ?g {{ ?term ?p ?o }} }} UNION {{ GRAPH ?g {{ ?s ?term ?o }} }}
        UNION {{ GRAPH ?g {{ ?s ?p ?term }} }} UNION {{ GRAPH ?term {{ ?s ?p ?o }} }}
        FILTER (isIRI(?term) && STRSTARTS(STR(?term), "{_NO_BASE}")) }} LIMIT 1"""
    for row in scratch.query(query):
        relative = row["term"].value.removeprefix(_NO_BASE)
        line, column = _first_json_string(path, relative)
        message = f"JSON_LD syntax error: relative IRI {relative!r} and no base IRI to resolve it against"
        raise DataLoadError(str(path), message + NO_BASE_HINT, line, column)


def _first_json_string(path: Path, value: str) -> tuple[int | None, int | None]:
    """Where the JSON string `value` first appears in the file (None if it is written otherwise)."""
    import json

    with _open(path) as (stream, _):
        text = stream.read().decode("utf-8", errors="replace")
    found = text.find(json.dumps(value, ensure_ascii=False))
    if found < 0:
        return None, None
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


def _syntax_position(error: SyntaxError) -> tuple[int | None, int | None, str]:
    text = str(error.msg if error.msg else error)
    line, column = error.lineno, error.offset
    if line is None and error.args and isinstance(error.args[-1], tuple):
        _, line, column, *_ = error.args[-1]
    match = _SYNTAX_POSITION.match(text)
    if match:
        line = line or int(match.group(1))
        column = column or int(match.group(2) or match.group(3) or 0)
        text = text[match.end() :].lstrip(" :")
        text = re.sub(r"^(?:and line \d+ column|between columns \d+ and) \d+:\s*", "", text)
    return line, column, text


class Graph:
    """The knowledge graph in an embedded pyoxigraph store, with the stored-query catalog.

    Queries read the union of `graphs` (IRIs of named graphs), or of every graph if it is None.
    """

    def __init__(
        self,
        store: ox.Store,
        catalog: Catalog | None = None,
        graphs: Sequence[str] | None = None,
        unentailed: list[str] | None = None,
    ):
        self.store = store
        self.catalog = catalog or Catalog()
        self.graphs = tuple(graphs) if graphs is not None else None
        # The source graphs whose entailments are not materialised yet, in layer order; shared
        # by every view of the store (restrict), since they share its derived graphs.
        self.unentailed = unentailed if unentailed is not None else []
        self._labels: dict[str, list[tuple[ox.NamedNode, str]]] | None = None
        # A country's code (kz:country/skos:notation) that label look-ups keep to (in_country).
        self.country: str | None = None

    def restrict(self, source: str) -> Graph:
        """The same store, queried over one source's graphs only (see SOURCES: "all", "paper")."""
        if source not in SOURCES:
            raise ParameterError(f"Unknown source {source!r}: use one of {', '.join(SOURCES)}")
        view = Graph(self.store, self.catalog, SOURCES[source], self.unentailed)
        view.country = self.country
        return view

    def in_country(self, country: str | None) -> Graph:
        """The same graph, whose organisation look-ups (resolve_organisation, and so the stored
        queries' party parameters) keep to one country's organisations: a code such as ITA
        (kz:country/skos:notation; KAZ: the organisations that state no country, the bundled
        data's). None: every country."""
        import copy

        view = copy.copy(self)
        view.country = None if country is None else country.strip().upper()
        view._labels = None
        if view.country is not None and view.country != KAZAKHSTAN and not view._country_exists(view.country):
            raise ParameterError(f"No country has the code {country!r} (see: kzgraph run countries)")
        return view

    def organisations_of(self, country: str) -> set[str]:
        """The IRIs of the political organisations of a country (a code, as in in_country)."""
        code = country.strip().upper()
        if code == KAZAKHSTAN:
            rows = self._execute(_ORGANISATIONS_WITHOUT_COUNTRY)
        else:
            rows = self._execute(_ORGANISATIONS_OF_COUNTRY, {ox.Variable("code"): ox.Literal(code)})
        return {row["org"].value for row in rows}

    def _country_exists(self, code: str) -> bool:
        return any(self._execute(_COUNTRY_BY_CODE, {ox.Variable("code"): ox.Literal(code)}))

    def _of_country(self, nodes: list[ox.NamedNode]) -> list[ox.NamedNode]:
        if self.country is None:
            return nodes
        return [
            n
            for n in nodes
            if self._country_code(n) == (None if self.country == KAZAKHSTAN else self.country)
        ]

    def _country_code(self, node: ox.NamedNode) -> str | None:
        for row in self._execute(_COUNTRY_OF, {ox.Variable("org"): node}):
            return row["code"].value
        return None

    def entail(self) -> Graph:
        """Materialise the entailments of ontology/rules/entailment (RDFS super-classes and
        super-properties, inverse links, the direct lineage links, rdfs:label, schema.org founding
        and dissolution dates) for consumers that do no reasoning: export, push, serve and ad-hoc
        queries. The stored queries don't need them, so load() leaves them out; a no-op once done."""
        if self.unentailed:
            derive(self.store, ENTAILMENT_RULES_DIR, self.unentailed)
            self.unentailed.clear()
        return self

    def _execute(self, sparql: str, substitutions: Mapping[ox.Variable, ox.Term] | None = None):
        if self.graphs is None:
            scope = {"use_default_graph_as_union": True}
        else:
            graphs = [ox.NamedNode(g) for g in self.graphs]
            scope = {"default_graph": graphs, "named_graphs": graphs}
        return self.store.query(bind_values(sparql, substitutions or {}), prefixes=PREFIXES, **scope)

    def __len__(self) -> int:
        """The number of quads in the graphs the queries read."""
        if self.graphs is None:
            return len(self.store)
        graphs = " ".join(f"<{g}>" for g in self.graphs)
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        rows = self.store.query(count)
        return int(next(iter(rows))["n"].value)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the union of the graphs; QueryError says what and where."""
        if too_deep(sparql):  # the engine's recursive parser would crash the process
            raise QueryError(
                f"The query nests brackets, groups or sub-queries deeper than {MAX_NESTING} levels,"
                " the most kzgraph runs"
            )
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return from_oxigraph(self._execute(sparql, substitutions), limit)
        except SyntaxError as e:
            from .sparql_errors import explain_syntax_error  # only when a query fails

            error = QueryError(explain_syntax_error(sparql, str(e), PREFIXES))
        except (OSError, ValueError, RuntimeError) as e:
            error = QueryError(f"Error executing the SPARQL query: {e}")
        # Raised outside the handler, so that the error keeps no traceback of the engine's frames:
        # a pyoxigraph result in one of them must be dropped on the thread that made it, and the
        # error may travel to another (kzgraph serve's thread pool).
        raise error

    def run(self, name: str | StoredQuery, limit: int | None = None, **params: object) -> QueryResult:
        """Run a stored query by name with its parameters (values are bound as RDF terms)."""
        stored = name if isinstance(name, StoredQuery) else self.catalog.get(name)
        substitutions = bind(stored, params, self.resolve_organisation)
        try:
            result = self.query(stored.sparql, {v.value: t for v, t in substitutions.items()})
        except QueryError as e:
            raise QueryError(f"{stored.path}: {e}") from None
        return _declared_columns(stored, result, limit)

    def origins(self) -> dict[str, str]:
        """The source graph each typed resource is stated in, by IRI: "paper", "post-2012",
        "user/<file>" (a resource stated in several has the first in that order), e.g. for marking
        the facts beyond the paper in a picture."""
        found: dict[str, str] = {}
        rows = self._execute("""SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s a ?type } FILTER (isIRI(?s)) }""")
        for row in rows:
            name = row["g"].value
            if name == ONTOLOGY_GRAPH or name.startswith(DERIVED_PREFIX) or not name.startswith(GRAPH):
                continue
            source = name.removeprefix(GRAPH)
            current = found.get(row["s"].value)
            if current is None or (source == "paper") or (current != "paper" and source < current):
                found[row["s"].value] = source
        return found

    def resolve_organisation(self, value: str) -> ox.NamedNode:
        """The organisation an IRI, a prefixed name or any of its labels (case-insensitive) names."""
        iri = expand_iri(value.strip())
        if iri is not None:
            node = ox.NamedNode(iri)
            if any(self._execute(_LABELLED_ORGANISATION, {ox.Variable("org"): node})):
                return node
            raise LabelNotFound(f"No organisation has the IRI {iri}")
        key = label_key(value)
        # The derived kz:labelKey makes the look-up one index hit however large the store; the
        # whole label index is read only to suggest close matches.
        # No local keeps the engine's result: if this frame ends up in an error's traceback, a
        # result (which must be dropped on the thread that made it) would outlive the request.
        nodes = [
            row["org"] for row in self._execute(_ORGANISATIONS_BY_KEY, {ox.Variable("key"): ox.Literal(key)})
        ]
        labels = self._label_index() if not nodes else {}
        everywhere = nodes or list(dict.fromkeys(org for org, _ in labels.get(key, [])))
        nodes = self._of_country(everywhere)
        if len(nodes) == 1:
            return nodes[0]
        if nodes:
            listing = "; ".join(self._describe(n) for n in nodes)
            hint = "Use an IRI." if self.country else "Use an IRI, or give the country (--country ITA)."
            raise AmbiguousLabel(f'"{value}" names several organisations: {listing}. {hint}')
        if everywhere:
            listing = "; ".join(self._describe(n) for n in everywhere)
            raise LabelNotFound(
                f'No organisation of {self.country} is labelled "{value}"; elsewhere: {listing}.'
            )
        hint = self._close_matches(key, labels)
        raise LabelNotFound(f'No organisation is labelled "{value}".{hint} (see: kzgraph run parties)')

    def _close_matches(self, key: str, labels: dict[str, list[tuple[ox.NamedNode, str]]]) -> str:
        """' Close matches: "Nur Otan" (People's Democratic Party Nur Otan), ...': each
        organisation once, with the name of it that matched."""
        import difflib

        shown: dict[ox.NamedNode, str] = {}
        for close in difflib.get_close_matches(key, labels, n=8, cutoff=0.6):
            for org, label in labels[close]:
                if org not in shown and len(shown) < 5:
                    preferred = self._pref_label(org)
                    shown[org] = f'"{label}"' + (f" ({preferred})" if preferred != label else "")
        return f" Close matches: {', '.join(shown.values())}." if shown else ""

    def _label_index(self) -> dict[str, list[tuple[ox.NamedNode, str]]]:
        """Every label key with the organisations and labels that give it."""
        if self._labels is None:
            index: dict[str, list[tuple[ox.NamedNode, str]]] = {}
            rows = self._execute(
                """SELECT DISTINCT ?org ?label WHERE {
                     ?org a/rdfs:subClassOf* kz:PoliticalOrganisation ;
                          skos:prefLabel|skos:altLabel|skos:hiddenLabel ?label }
                   ORDER BY ?org ?label"""
            )
            for row in rows:
                entries = index.setdefault(label_key(row["label"].value), [])
                if all(org != row["org"] for org, _ in entries):
                    entries.append((row["org"], row["label"].value))
            self._labels = index
        return self._labels

    def _pref_label(self, node: ox.NamedNode) -> str:
        query = "SELECT ?org ?l WHERE { ?org skos:prefLabel ?l } LIMIT 1"
        for row in self._execute(query, {ox.Variable("org"): node}):
            return row["l"].value
        return node.value

    def _describe(self, node: ox.NamedNode) -> str:
        """Label, IRI, kind and dates, so that organisations sharing a name can be told apart."""
        details = [row["kind"].value for row in self._execute(_KIND, {ox.Variable("org"): node})]
        details += [row["name"].value for row in self._execute(_COUNTRY_OF, {ox.Variable("org"): node})]
        dates = self._execute(self.catalog.get("organisations").sparql, {ox.Variable("organisation"): node})
        for row in dates:
            for column, word in (("founded", "founded"), ("ended", "dissolved")):
                details += [f"{word} {row[column].value}"] if row[column] is not None else []
        return f"{self._pref_label(node)} <{node.value}>" + "".join(f", {d}" for d in details)


_LABELLED_ORGANISATION = """SELECT ?org WHERE {
    ?org a/rdfs:subClassOf* kz:PoliticalOrganisation ; skos:prefLabel|skos:altLabel|skos:hiddenLabel ?label }
    LIMIT 1"""
_KIND = """SELECT ?kind WHERE {
    ?org a ?class . ?class rdfs:subClassOf kz:PoliticalOrganisation ; rdfs:label ?kind } LIMIT 1"""
_ORGANISATIONS_BY_KEY = "SELECT DISTINCT ?org ?key WHERE { ?org kz:labelKey ?key }"
# The bundled data states no country: its organisations are Kazakhstan's.
KAZAKHSTAN = "KAZ"
_COUNTRY_OF = """SELECT ?code ?name WHERE {
    ?org kz:country ?country . ?country skos:notation ?code ; skos:prefLabel ?name } LIMIT 1"""
_COUNTRY_BY_CODE = "SELECT ?country WHERE { ?country a schema:Country ; skos:notation ?code } LIMIT 1"
_ORGANISATIONS_OF_COUNTRY = """SELECT DISTINCT ?org WHERE {
    ?country skos:notation ?code . ?org kz:country ?country ; a/rdfs:subClassOf* kz:PoliticalOrganisation }"""
_ORGANISATIONS_WITHOUT_COUNTRY = """SELECT DISTINCT ?org WHERE {
    ?org a/rdfs:subClassOf* kz:PoliticalOrganisation . FILTER NOT EXISTS { ?org kz:country ?country } }"""


def _declared_columns(stored: StoredQuery, result: QueryResult, limit: int | None) -> QueryResult:
    """Drop parameter columns that are not declared output columns (a query may project its
    parameters: their values are known), then apply the row limit."""
    if not isinstance(result, SelectResult):
        return result
    hidden = {p.name for p in stored.params} - set(stored.columns)
    keep = [i for i, c in enumerate(result.columns) if c not in hidden]
    rows = result.rows
    if len(keep) < len(result.columns):
        rows = list(dict.fromkeys(tuple(row[i] for i in keep) for row in rows))
    truncated = limit is not None and len(rows) > limit
    return SelectResult([result.columns[i] for i in keep], rows[:limit] if truncated else rows, truncated)


# What a label's look-up key leaves out (ontology/rules/30-label-keys.rq drops the same):
# white space, hyphens and dashes, quotes and apostrophes.
LABEL_KEY_DROPS = " \t\n\r\u00a0-\u2010\u2011\u2012\u2013\u2014«»\"\u201c\u201d'\u2019"
_LABEL_KEY_DROPS = re.compile(f"[{re.escape(LABEL_KEY_DROPS)}]")


def label_key(label: str) -> str:
    """A label's look-up key, as ontology/rules/30-label-keys.rq derives kz:labelKey:
    "Nur-Otan", "nur otan" and "NurOtan" all give "nurotan"."""
    return _LABEL_KEY_DROPS.sub("", label.lower())


def source_layers(store: ox.Store) -> list[str]:
    """The source graphs in the order the rules take them: the paper first, then every other
    source graph in name order (post-2012, user/...)."""
    names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    return sorted(
        (g for g in names if g != ONTOLOGY_GRAPH and not g.startswith(DERIVED_PREFIX)),
        key=lambda g: (g != PAPER_GRAPH, g),
    )


def derive(store: ox.Store, rules_dir: Path = RULES_DIR, layers: Iterable[str] | None = None) -> int:
    """Apply the CONSTRUCT rules in `rules_dir` until nothing new is derived; return triples added.

    Sources are taken in layers (source_layers). The rules read the ontology, the layers so far
    and what was derived from them; a triple first derived in a layer goes into that layer's
    derived graph (derived_graph()). So what follows from the paper alone is in derived/paper, and
    leaving the later graphs out of a query leaves out exactly what they add. With `layers`, only
    those are derived (what an earlier layer derives doesn't depend on later ones).
    """
    from .rules import apply, load_rules

    rules = load_rules(rules_dir)
    wanted = None if layers is None else set(layers)
    scope = [ONTOLOGY_GRAPH]
    added = 0
    for source in source_layers(store):
        target = derived_graph(source)
        scope += [source, target]
        if wanted is None or source in wanted:
            added += apply(store, rules, scope, target)  # in the engine; see rules.py
    return added


def load(
    files: Iterable[Path | str | tuple[Path | str, str]] = (),
    *,
    bundled: bool = True,
    store: ox.Store | None = None,
    base: str | None = None,
) -> Graph:
    """Load the bundled ontology and data (and `files`) into a store and derive what the stored
    queries read (ontology/rules); Graph.entail() adds the rest. Relative IRIs in `files`
    resolve against `base`; without one they are refused.

    Every file is parsed before anything is added, so a syntax error in any of them leaves the
    store as it was. A file may be given with the named graph it goes into as `(path, graph)`;
    otherwise user files go into .../graph/user/<file name>.
    """
    users = []
    for item in files:
        path, graph = item if isinstance(item, tuple) else (item, None)
        users.append((Path(path), graph or f"{GRAPH}user/{Path(path).name}"))
    for path, _ in users:
        if not path.is_file():
            raise DataLoadError(str(path), "no such file")
    if store is None:
        # The common case: the bundled data, derived and entailed (from the cache), then the
        # files, parsed by the engine (no Python objects per triple) and derived layer by layer.
        store = ox.Store()
        bundled_layers = _bundled_into(store) if bundled else set()
        for path, graph in users:
            load_file(store, path, graph, base=base)
        return _derived(store, _changed_layers(store, bundled_layers, users))
    # A given store receives the files only once every one of them has parsed.
    staging = ox.Store() if len(store) else store
    for path, graph in (bundled_files() if bundled else []) + users:
        load_file(staging, path, graph, base=base)
    if staging is not store:
        store.load(staging.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    return _derived(store, source_layers(store))


def _derived(store: ox.Store, layers: list[str]) -> Graph:
    if layers:  # (nothing to do on the bundled data alone: no need to import the rules)
        derive(store, RULES_DIR, layers)
    return Graph(store, unentailed=layers)


def _bundled_into(store: ox.Store) -> set[str]:
    """Put the bundled data with everything derived and entailed into the empty `store`, from the
    cache if it holds this version (cache.py), else from the files (and fill the cache); return
    the source graphs it fills."""
    from . import cache

    sources = bundled_files()
    cached_at = cache.cache_file(sources)
    if not cache.read_into(cached_at, store):
        for path, graph in sources:
            load_file(store, path, graph)
        derive(store, RULES_DIR)
        derive(store, ENTAILMENT_RULES_DIR)
        cache.write(cached_at, store)
    return {graph for _, graph in sources}


def _changed_layers(store: ox.Store, done: set[str], users: list[tuple[Path, str]]) -> list[str]:
    """The layers to derive after `users` were added to a store whose `done` layers were derived:
    the new ones, or every one if a file may have added to a derived layer (a dataset file names
    its own graphs)."""
    layers = source_layers(store)
    if any(graph in done or rdf_format(path) in _DATASET_FORMATS for path, graph in users):
        return layers
    return [g for g in layers if g not in done]
