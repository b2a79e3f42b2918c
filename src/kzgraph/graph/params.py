"""Turn user-given parameter values into checked RDF terms, which the engines bind to the query's
variables (sparql_text.bind_values); a value never becomes query text of its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

import pyoxigraph as ox

from ..errors import ParameterError
from .catalog import Param, StoredQuery
from .namespaces import PREFIXES

XSD = PREFIXES["xsd"]
# ASCII digits only: \d, int() and Decimal() also take other scripts' digits (full-width 2004), which
# no literal in the data matches.
_YEAR = re.compile(r"^-?[0-9]{4}$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')


def expand_iri(value: str) -> str | None:
    """An absolute IRI from `value` (an IRI or a known prefixed name), or None if it is neither."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    elif not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
        return None
    if _IRI_FORBIDDEN.search(value):
        raise ParameterError(f"{value!r} is not a valid IRI")
    return value


def decimal_number(value: str) -> Decimal | None:
    """The number `value` writes as an xsd:decimal does (ASCII digits, an optional sign and
    point: 5, -0.5, .5), or None."""
    value = value.strip()
    return Decimal(value) if _DECIMAL.match(value) else None


def to_term(
    param: Param, value: str, resolve_organisation: Callable[[str], ox.NamedNode]
) -> ox.NamedNode | ox.Literal:
    """The RDF term for one parameter value, checked against the parameter's type."""
    kind = param.type
    if kind == "organisation":
        return resolve_organisation(value)
    if kind == "iri":
        iri = expand_iri(value)
        if iri is None:
            raise ParameterError(f"Parameter {param.name}: {value!r} is not an IRI")
        return ox.NamedNode(iri)
    if kind == "year":
        if not _YEAR.match(value.strip()):
            raise ParameterError(
                f"Parameter {param.name}: {value!r} is not a year (YYYY) written in the digits 0-9"
            )
        return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + "gYear"))
    if kind == "integer":
        if not _INTEGER.match(value.strip()):
            raise ParameterError(
                f"Parameter {param.name}: {value!r} is not an integer written in the digits 0-9"
            )
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        number = decimal_number(value)
        if number is None:
            raise ParameterError(
                f"Parameter {param.name}: {value!r} is not a number written in the digits 0-9 (e.g. 7.5)"
            )
        return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "decimal"))
    return ox.Literal(value)


def bind(
    query: StoredQuery,
    values: Mapping[str, object],
    resolve_organisation: Callable[[str], ox.NamedNode],
) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Substitutions for a stored query: declared params only, defaults applied, required checked."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        declared = ", ".join(p.name for p in query.params) or "none"
        raise ParameterError(
            f"Unknown parameter {', '.join(unknown)} for query {query.name} (declared: {declared})"
        )
    substitutions = {}
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            if param.required:
                raise ParameterError(
                    f'Missing parameter "{param.name}" for query {query.name}'
                    f" (use --param {param.name}=VALUE"
                    + (f", e.g. {param.name}={param.example!r})" if param.example else ")")
                )
            continue
        substitutions[ox.Variable(param.name)] = to_term(param, str(raw), resolve_organisation)
    return substitutions
