"""Write a deterministic synthetic party-lineage graph of about N triples as N-Triples.

    python bench/gen_synthetic.py 1000000 -o /tmp/syn-1m.nt      (or .nt.gz; stdout without -o)

The graph is shaped like the real one and uses the kz: ontology, so every stored query runs on
it: "countries" of 12 organisations each, with dated foundings, mergers, accessions, renamings,
splits and re-foundations (some dated by day, month or year, some by a range), elections with
bodies, seats and thresholds, per-party results with vote shares and seats, and the provenance
every fact node carries (primary source, numbered reference, quote). Nothing in it is a fact:
its IRIs live under http://example.org/kzgraph-synthetic/ and its labels say "Synthetic".
The same N always gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

SYN = "http://example.org/kzgraph-synthetic/"
KZ = "https://w3id.org/kzgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
PREF_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
PRIMARY_SOURCE = "<http://www.w3.org/ns/prov#hadPrimarySource>"

PARTIES_PER_COUNTRY = 12
ELECTION_YEARS = (1994, 1995, 1999, 2004, 2007, 2012)
# Lineage steps after the founding of the first five organisations: (event class, how many
# original organisations, whether the result is a new organisation).
STEPS = (
    ("Merger", 2, True),
    ("Renaming", 1, True),
    ("Split", 1, True),
    ("Accession", 1, False),
    ("Refoundation", 1, True),
    ("Merger", 3, True),
    ("Founding", 1, True),  # founded on the basis of an existing organisation
)


def iri(kind: str, slug: str) -> str:
    return f"<{SYN}{kind}/{slug}>"


def kz(name: str) -> str:
    return f"<{KZ}{name}>"


def lit(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{escaped}"@{lang}'
    return f'"{escaped}"^^<{XSD}{datatype}>' if datatype else f'"{escaped}"'


def sourced(subject: str, quote: str, ref: int) -> Iterator[str]:
    yield f"{subject} {kz('quote')} {lit(quote)} ."
    yield f"{subject} {kz('section')} {lit('S')} ."
    yield f"{subject} <{DCT}source> {iri('source', f'ref-{ref}')} ."
    yield f"{subject} {PRIMARY_SOURCE} {iri('source', 'work')} ."


def dated(subject: str, rng: random.Random, year: int) -> Iterator[str]:
    """A date at a random precision, or a range, the way the paper's dates come."""
    kind = rng.random()
    if kind < 0.4:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        yield f"{subject} <{DCT}date> {lit(f'{year}-{month:02d}-{day:02d}', 'date')} ."
        yield f"{subject} {kz('datePrecision')} {kz('Day')} ."
    elif kind < 0.7:
        yield f"{subject} <{DCT}date> {lit(f'{year}-{rng.randint(1, 12):02d}', 'gYearMonth')} ."
        yield f"{subject} {kz('datePrecision')} {kz('Month')} ."
    elif kind < 0.9:
        yield f"{subject} <{DCT}date> {lit(str(year), 'gYear')} ."
        yield f"{subject} {kz('datePrecision')} {kz('Year')} ."
    else:
        yield f"{subject} {kz('datePrecision')} {kz('Range')} ."
        yield f"{subject} {kz('earliestDate')} {lit(str(year), 'gYear')} ."
        if rng.random() < 0.5:
            yield f"{subject} {kz('latestDate')} {lit(str(year + 1), 'gYear')} ."


def country(c: int, rng: random.Random) -> Iterator[str]:
    """One country's organisations, lineage events, elections and results."""
    ref = c % 50 + 1
    parties = [iri("party", f"{c}-{j}") for j in range(PARTIES_PER_COUNTRY)]
    classes = ["PoliticalParty"] * 9 + ["PoliticalMovement", "ElectoralBloc", "PoliticalParty"]
    for j, party in enumerate(parties):
        name = f"Synthetic Party {c}.{j}"
        yield f"{party} {RDF_TYPE} {kz(classes[j])} ."
        yield f"{party} {PREF_LABEL} {lit(name, lang='en')} ."
        yield f"{party} {ALT_LABEL} {lit(f'SP {c}.{j}', lang='en')} ."
        yield from sourced(party, f"{name} was active in synthetic country {c}.", ref)

    alive: list[int] = []
    year = 1990 + rng.randint(0, 3)
    for j in range(5):  # the first five organisations are founded from nothing
        event = iri("event", f"{c}-founding-{j}")
        yield f"{event} {RDF_TYPE} {kz('Founding')} ."
        yield f"{event} {PREF_LABEL} {lit(f'Founding of Synthetic Party {c}.{j}', lang='en')} ."
        yield f"{event} <{ORG}resultingOrganization> {parties[j]} ."
        yield from dated(event, rng, year)
        yield from sourced(event, f"Synthetic Party {c}.{j} was founded.", ref)
        alive.append(j)
    next_party = 5
    for step, (cls, originals, creates) in enumerate(STEPS):
        year += rng.randint(1, 3)
        chosen = rng.sample(alive, min(originals, len(alive)))
        if creates:
            result = next_party
            next_party += 1
        else:
            result = rng.choice([j for j in alive if j not in chosen])
        event = iri("event", f"{c}-{cls.lower()}-{step}")
        yield f"{event} {RDF_TYPE} {kz(cls)} ."
        yield f"{event} {PREF_LABEL} {lit(f'{cls} {step} in synthetic country {c}', lang='en')} ."
        for j in chosen:
            yield f"{event} <{ORG}originalOrganization> {parties[j]} ."
        yield f"{event} <{ORG}resultingOrganization> {parties[result]} ."
        yield from dated(event, rng, year)
        yield from sourced(event, f"A synthetic {cls.lower()} happened in country {c}.", ref)
        if cls in ("Merger", "Accession", "Renaming", "Refoundation"):
            alive = [j for j in alive if j not in chosen]
        if result not in alive:
            alive.append(result)

    body = iri("body", f"{c}-parliament")
    yield f"{body} {RDF_TYPE} {kz('StateBody')} ."
    yield f"{body} {PREF_LABEL} {lit(f'Synthetic Parliament {c}', lang='en')} ."
    for year in rng.sample(ELECTION_YEARS, 3):
        election = iri("election", f"{c}-{year}")
        seats = rng.choice((67, 77, 98, 107))
        yield f"{election} {RDF_TYPE} {kz('Election')} ."
        yield f"{election} {PREF_LABEL} {lit(f'Synthetic election {c}, {year}', lang='en')} ."
        yield f"{election} {kz('electedBody')} {body} ."
        yield f"{election} {kz('electionKind')} {kz('ParliamentaryElection')} ."
        yield f"{election} {kz('seatsTotal')} {lit(str(seats), 'nonNegativeInteger')} ."
        yield f"{election} {kz('threshold')} {lit(rng.choice(('5.0', '7.0')), 'decimal')} ."
        yield f"{election} <{DCT}date> {lit(f'{year}-{rng.randint(1, 12):02d}', 'gYearMonth')} ."
        yield f"{election} {kz('datePrecision')} {kz('Month')} ."
        yield from sourced(election, f"Synthetic country {c} elected its parliament in {year}.", ref)
        for j in rng.sample(range(PARTIES_PER_COUNTRY), 4):
            result = iri("result", f"{c}-{year}-{j}")
            share = f"{rng.randint(100, 4000) / 100:.2f}"
            yield f"{result} {RDF_TYPE} {kz('ElectionResult')} ."
            yield f"{result} {PREF_LABEL} {lit(f'Synthetic Party {c}.{j}, {year}', lang='en')} ."
            yield f"{result} {kz('election')} {election} ."
            yield f"{result} {kz('party')} {parties[j]} ."
            yield f"{result} {kz('voteShare')} {lit(share, 'decimal')} ."
            yield f"{result} {kz('listSeats')} {lit(str(rng.randint(0, 40)), 'nonNegativeInteger')} ."
            yield from sourced(result, f"Synthetic Party {c}.{j} got {share}% in {year}.", ref)


def sources() -> Iterator[str]:
    citation = "<http://purl.org/dc/terms/bibliographicCitation>"
    work = iri("source", "work")
    yield f"{work} {RDF_TYPE} {kz('SourceWork')} ."
    yield f"{work} {citation} {lit('Synthetic benchmark data (bench/gen_synthetic.py); not facts.')} ."
    for n in range(1, 51):
        ref = iri("source", f"ref-{n}")
        yield f"{ref} {RDF_TYPE} {kz('Reference')} ."
        yield f"{ref} {kz('referenceNumber')} {lit(str(n), 'positiveInteger')} ."
        yield f"{ref} {citation} {lit(f'Synthetic reference {n}.')} ."


def triples(n: int, seed: int = 2012) -> Iterator[str]:
    """About n triples (whole countries: at most one country's worth over n)."""
    rng = random.Random(seed)
    count = 0
    for line in sources():
        count += 1
        yield line
    c = 0
    while count < n:
        for line in country(c, rng):
            count += 1
            yield line
        c += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="about how many triples to write")
    parser.add_argument("-o", "--output", type=Path, help="N-Triples file (.nt or .nt.gz); default stdout")
    parser.add_argument("--seed", type=int, default=2012)
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        if args.output is None:
            out = sys.stdout
        elif args.output.suffix == ".gz":
            out = stack.enter_context(gzip.open(args.output, "wt", encoding="utf-8", compresslevel=3))
        else:
            out = stack.enter_context(open(args.output, "w", encoding="utf-8"))
        written = write(out, triples(args.n, args.seed))
    print(f"{written} triples", file=sys.stderr)


def write(out: TextIO, lines: Iterator[str]) -> int:
    written = 0
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == 10_000:
            out.write("\n".join(chunk) + "\n")
            written, chunk = written + len(chunk), []
    if chunk:
        out.write("\n".join(chunk) + "\n")
    return written + len(chunk)


if __name__ == "__main__":
    main()
