"""Headless Debian Chromium for tests of the pages kzgraph makes, driven by Playwright.

Playwright drives the system browser (`/usr/bin/chromium`, or $KZGRAPH_CHROMIUM) through
`executable_path`, so it downloads no browser of its own. Each launch gets a fresh profile
directory. Requests to any host not in `allow_hosts` are aborted and recorded, so a test
can assert that a page works offline and that nothing left it:

    with launch_chromium(tmp_path / "profile") as browser:
        page = browser.open(html_file.as_uri())
        assert page.evaluate("1 + 1") == 2
        assert browser.external_requests == []
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("KZGRAPH_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}

# The lineage graph's page (kzgraph viz, and /lineage on kzgraph serve) keeps its vis-network in
# window.kzgraph. Functions, not expressions: Playwright evals expressions in the page, which the
# served pages' CSP forbids.
DRAWN = "() => window.kzgraph && window.kzgraph.drawn !== null"
# where node `id` is drawn, in page coordinates (for page.mouse.click)
SCREEN_POSITION = """(id) => {
  const network = window.kzgraph.network;
  const point = network.canvasToDOM(network.getPosition(id));
  const box = document.getElementById('network').getBoundingClientRect();
  return [point.x + box.left, point.y + box.top];
}"""


@dataclass
class Browser:
    """A running Chromium: open pages, and see every request that tried to leave them."""

    context: object
    allow_hosts: frozenset[str]
    requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def open(self, url: str, viewport: tuple[int, int] = (1400, 900), wait_until: str = "load"):
        """A new page showing `url` (a Playwright Page); console errors and page errors are recorded."""
        page = self.context.new_page()
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.goto(url, wait_until=wait_until)
        return page

    def _route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in self.allow_hosts:
            route.continue_()
        else:
            self.external_requests.append(url)
            route.abort("blockedbyclient")


@contextmanager
def launch_chromium(profile_dir: Path, allow_hosts: tuple[str, ...] = ()) -> Iterator[Browser]:
    """Headless Chromium with a fresh profile in `profile_dir`; only `allow_hosts` are reachable.

    Fails (never skips) when Chromium or Playwright is missing: .ci/run installs both.
    """
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set KZGRAPH_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    profile_dir.mkdir(parents=True, exist_ok=True)
    resolver = ", ".join(["MAP * ~NOTFOUND", *(f"EXCLUDE {host}" for host in allow_hosts)])
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=[*FLAGS, f"--host-resolver-rules={resolver}"],
        )
        browser = Browser(context, frozenset(allow_hosts))
        context.route("**/*", browser._route)
        try:
            yield browser
        finally:
            context.close()
