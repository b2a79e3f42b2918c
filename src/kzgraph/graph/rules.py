"""Run the derivation rules (ontology/rules/*.rq, SPARQL CONSTRUCT) to a fixpoint, fast.

Each rule runs inside the engine as `INSERT { GRAPH <target> { template } } USING <scope...>
WHERE { pattern }`, so no derived triple becomes a Python object. Rules run in order and each sees
what the ones before it derived; after the first round a rule runs again only if a predicate it
reads gained triples since its last run. This relies on each rule being closed under itself
(running it twice in a row adds nothing: transitive rules use `+` paths), which the rules in
ontology/rules are; tests check the result equals re-running every rule until nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import KzgraphError
from .namespaces import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
_MAX_ROUNDS = 10
# Strings and IRIs are kept whole (group 1) so that comment signs inside them are not comments.
_COMMENT = re.compile(r"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>)|#[^\n]*")
_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_IRI = re.compile(r"<([^<>\s]*)>")
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.I)
_PNAME = re.compile(r"(?<![\w?$:/#.-])([A-Za-z][\w-]*)?:((?:[\w-]|\.(?=[\w-]))*)")
_A = re.compile(r"(?<![\w?$:])a(?![\w:])")
_TERM = r"(?:[?$]\w+|<>|\b[A-Za-z][\w-]*:[\w.-]*|\]|;)"
# A variable right after a subject (or `;`) and before an object: a variable predicate.
_VARIABLE_PREDICATE = re.compile(_TERM + r"\s+[?$]\w+\s+(?:[?$]\w+|<>|\"\"|[A-Za-z][\w-]*:|\[|\(|_:|\d)")


@dataclass(frozen=True)
class Rule:
    name: str
    prologue: str  # PREFIX/BASE declarations before CONSTRUCT
    template: str
    pattern: str  # the WHERE group, braces included
    reads: frozenset[str]  # IRIs in the pattern: a superset of the predicates it reads
    reads_any: bool  # the pattern has a variable predicate
    writes: frozenset[str] | None  # IRIs in the template; None if a predicate there is a variable

    def insert(self, target: str, scope: Sequence[str]) -> str:
        using = "".join(f"USING <{g}>\n" for g in scope)
        head = f"INSERT {{ GRAPH <{target}> {{{self.template}}} }}"
        return f"{self.prologue}{head}\n{using}WHERE {self.pattern}"

    def depends_on(self, predicate: str) -> bool:
        return self.reads_any or predicate in self.reads


def load_rules(rules_dir: Path) -> list[Rule]:
    return [parse_rule(p.stem, p.read_text(encoding="utf-8")) for p in sorted(rules_dir.glob("*.rq"))]


def parse_rule(name: str, text: str) -> Rule:
    """Split `CONSTRUCT { template } WHERE { pattern }` and note what the rule reads and writes."""
    code = _COMMENT.sub(lambda m: m.group(1) or "", text)
    match = re.search(r"\bCONSTRUCT\s*\{", code, re.I)
    if not match:
        raise KzgraphError(f"rule {name}: expected CONSTRUCT {{ template }} WHERE {{ pattern }}")
    end = _closing_brace(code, match.end(), name)
    where = re.match(r"\s*(?:WHERE\s*)?(\{.*\})\s*$", code[end + 1 :], re.S | re.I)
    if not where:
        raise KzgraphError(f"rule {name}: expected WHERE {{ pattern }} after the template, and nothing else")
    prologue, template, pattern = code[: match.start()], code[match.end() : end], where.group(1)
    prefixes = PREFIXES | {p or "": iri for p, iri in _PREFIX_DECL.findall(prologue)}
    written = _iris(template, prefixes)
    return Rule(
        name=name,
        prologue=prologue,
        template=template,
        pattern=pattern,
        reads=frozenset(_iris(pattern, prefixes)),
        reads_any=_has_variable_predicate(pattern),
        writes=None if _has_variable_predicate(template + " .") else frozenset(written),
    )


def apply(store: ox.Store, rules: Sequence[Rule], scope: Sequence[str], target: str) -> int:
    """Derive into `target` from the union of the `scope` graphs (target included) until nothing
    new follows; then remove from `target` what another scope graph already states. Returns the
    number of triples `target` gained."""
    before = sum(_predicate_counts(store, target).values())
    counts = _predicate_counts(store, target)
    changed_at: dict[str, int] = {p: 0 for p in counts}  # predicate -> step it last gained triples
    last_run: dict[str, int] = {}
    step = 0
    for _ in range(_MAX_ROUNDS):
        ran = False
        for rule in rules:
            if rule.name in last_run and not any(
                at > last_run[rule.name] and rule.depends_on(p) for p, at in changed_at.items()
            ):
                continue
            step += 1
            ran = True
            try:
                store.update(rule.insert(target, scope), prefixes=PREFIXES)
            except (SyntaxError, OSError, ValueError) as e:
                raise KzgraphError(f"rule {rule.name}: {e}") from None
            last_run[rule.name] = step
            recount = _predicate_counts(store, target, rule.writes)
            for predicate, n in recount.items():
                if n != counts.get(predicate, 0):
                    changed_at[predicate] = step
            counts.update(recount)
        if not ran:
            break
    _remove_stated(store, target, [g for g in scope if g != target], [p for p, n in counts.items() if n])
    return sum(_predicate_counts(store, target).values()) - before


def _remove_stated(store: ox.Store, target: str, others: list[str], predicates: list[str]) -> None:
    """Remove from `target` the triples one of the `others` graphs states. The stated triples are
    read first, one index range per graph and predicate, since a derived predicate is rare
    elsewhere: at a million triples this takes milliseconds, where a SPARQL DELETE took 0.2 s."""
    into = ox.NamedNode(target)
    for graph in others:
        for predicate in predicates:
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.NamedNode(graph)):
                derived = ox.Quad(quad.subject, quad.predicate, quad.object, into)
                if derived in store:
                    store.remove(derived)


def _predicate_counts(
    store: ox.Store, graph: str, predicates: frozenset[str] | None = None
) -> dict[str, int]:
    """Triples per predicate in `graph` (only `predicates`, if given: those absent count 0)."""
    values = "" if predicates is None else "VALUES ?p { " + " ".join(f"<{p}>" for p in predicates) + " }"
    rows = store.query(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {values} GRAPH <{graph}> {{ ?s ?p ?o }} }} GROUP BY ?p"
    )
    counts = dict.fromkeys(predicates or (), 0)
    counts.update({row["p"].value: int(row["n"].value) for row in rows})
    return counts


def _closing_brace(code: str, start: int, name: str) -> int:
    depth = 1
    for i in range(start, len(code)):
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        if depth == 0:
            return i
    raise KzgraphError(f"rule {name}: unbalanced braces in the CONSTRUCT template")


def _iris(code: str, prefixes: dict[str, str]) -> set[str]:
    code = _STRING.sub('""', code)
    found = set(_IRI.findall(code))
    code = _IRI.sub("<>", code)
    found |= {prefixes[p or ""] + local for p, local in _PNAME.findall(code) if (p or "") in prefixes}
    if _A.search(code):
        found.add(RDF_TYPE)
    return found


def _has_variable_predicate(code: str) -> bool:
    code = _IRI.sub("<>", _STRING.sub('""', code))
    return bool(_VARIABLE_PREDICATE.search(code))
