"""How the reader pages write values: dates at the precision the source gives, vote shares,
and links to this server's pages. Registered as Jinja filters and globals in state.py."""

from __future__ import annotations

import re
from datetime import date

from .resource_pages import local_path

_ISO = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def human_date(iso: str | None) -> str:
    """An ISO 8601 date as the source's precision allows: "19 January 1999", "March 1999",
    "1999"; a range "a/b" as "between a and b" (".." for an open end); "" for None."""
    if not iso:
        return ""
    if "/" in iso:
        start, _, end = iso.partition("/")
        if end in ("", ".."):
            return f"from {human_date(start)}"
        return f"between {human_date(start)} and {human_date(end)}"
    match = _ISO.match(iso)
    if not match:
        return iso
    year, month, day = match.groups()
    if month is None:
        return year
    if day is None:
        return f"{date(2000, int(month), 1):%B} {year}"
    return f"{int(day)} {date(2000, int(month), 1):%B} {year}"


def page_href(iri: str | None) -> str | None:
    """The link to `iri`'s page: this server's path for its own IRIs, the IRI itself for other
    http(s) IRIs, None for anything else."""
    if not iri:
        return None
    return local_path(iri) or (iri if iri.startswith(("http://", "https://")) else None)


def lines(text: str | None) -> list[str]:
    """Values a stored query concatenates one per line (quotes, notes), as a list."""
    return [line for line in (text or "").split("\n") if line.strip()]
