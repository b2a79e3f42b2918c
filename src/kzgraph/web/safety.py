"""What from loaded data may become markup: links only to http(s) IRIs and this site's own
paths, and foreign HTML (pyLODE's ontology page) only after a sanitiser (nh3) has read it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https"})
# pyLODE's page: its structure and text, no scripts, styles, frames, forms or event handlers.
ONTOLOGY_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4"}
    | {"h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody"}
    | {"td", "th", "thead", "tr", "ul"}
)
ONTOLOGY_ATTRIBUTES = {"*": {"class", "id", "title"}, "a": {"href"}}


def safe_href(iri: str | None) -> str | None:
    """`iri` if it may be a link (http or https, or a path of this site), else None."""
    if not iri:
        return None
    if iri.startswith("/"):
        return iri
    try:
        scheme = urlsplit(iri).scheme.lower()
    except ValueError:
        return None
    return iri if scheme in LINK_SCHEMES else None


def sanitise_ontology_page(html: str) -> tuple[str, str, str]:
    """pyLODE's page as (title, CSS, body): the body cleaned by nh3 with an allow-list (links
    http(s) or relative only), the CSS taken from the document's head, which pyLODE writes from
    its own stylesheet (text from the ontology is escaped there, never raw)."""
    import nh3

    head, _, rest = html.partition("<body")
    title = re.search(r"<title>(.*?)</title>", head, flags=re.S)
    css = "\n".join(re.findall(r"<style>(.*?)</style>", head, flags=re.S))
    body = rest.partition(">")[2].rpartition("</body>")[0]
    cleaned = nh3.clean(
        body,
        tags=set(ONTOLOGY_TAGS),
        attributes={k: set(v) for k, v in ONTOLOGY_ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel="noopener noreferrer",
    )
    title_text = nh3.clean(title.group(1), tags=set()) if title else "Ontology"
    return title_text, css.replace("</", "<\\/"), cleaned
