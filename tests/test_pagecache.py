"""The reader pages' answer cache keeps the most recently used answers within its bounds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from kzgraph.web.pagecache import PageCache
from kzgraph.web.protocol import Reply, error_reply


@dataclass(frozen=True)
class Job:
    name: str


class Web:
    """Stands in for WebState: answers a job with a body of its name's length times 100 bytes
    and counts the calls."""

    def __init__(self):
        self.calls = []

    async def call(self, job):
        self.calls.append(job.name)
        if job.name == "fails":
            return error_reply(503, "busy")
        return Reply(200, "text/plain", b"x" * (100 * len(job.name)))


def test_answers_are_kept_within_count_and_bytes_most_recent_first():
    web, cache = Web(), PageCache(size=3, max_bytes=1000)

    def ask(name):
        return asyncio.run(cache.call(web, Job(name)))

    for name in ("a", "bb", "a", "ccc"):
        ask(name)
    assert web.calls == ["a", "bb", "ccc"]  # the second "a" came from the cache
    ask("dddd")  # 4 answers > 3: the least recently used ("bb") goes
    ask("a")
    assert web.calls[-1] == "dddd"
    ask("bb")
    assert web.calls[-1] == "bb"
    ask("eeeeeeeee")  # 900 bytes: older answers go until the bodies fit in 1000
    assert cache._bytes <= 1000 and len(cache._answers) <= 3
    assert ask("fails").status == 503 and ask("fails").status == 503
    assert web.calls.count("fails") == 2  # errors are never kept
