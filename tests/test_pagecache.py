"""The reader pages' answer cache keeps the most recently used answers within its bounds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from kzgraph.web.pagecache import PageCache
from kzgraph.web.protocol import Reply, error_reply


@dataclass(frozen=True)
class Job:
    name: str


class Pool:
    """Answers a job with a body of its name's length times 100 bytes; counts the calls."""

    def __init__(self):
        self.calls = []

    def call(self, job, timeout):
        self.calls.append(job.name)
        if job.name == "fails":
            return error_reply(503, "busy")
        return Reply(200, "text/plain", b"x" * (100 * len(job.name)))


class Web:
    def __init__(self):
        self.pool = Pool()
        self.settings = type("Settings", (), {"timeout": 1.0})()


def test_answers_are_kept_within_count_and_bytes_most_recent_first():
    web, cache = Web(), PageCache(size=3, max_bytes=1000)

    def ask(name):
        return asyncio.run(cache.call(web, Job(name)))

    for name in ("a", "bb", "a", "ccc"):
        ask(name)
    assert web.pool.calls == ["a", "bb", "ccc"]  # the second "a" came from the cache
    ask("dddd")  # 4 answers > 3: the least recently used ("bb") goes
    ask("a")
    assert web.pool.calls[-1] == "dddd"
    ask("bb")
    assert web.pool.calls[-1] == "bb"
    ask("eeeeeeeee")  # 900 bytes: older answers go until the bodies fit in 1000
    assert cache._bytes <= 1000 and len(cache._answers) <= 3
    assert ask("fails").status == 503 and ask("fails").status == 503
    assert web.pool.calls.count("fails") == 2  # errors are never kept
