"""Answers of the reader pages' data jobs, kept while they are among the most recently used:
they depend only on the served graph, and some (the lineage page, an election's chart) take
a worker a second to make."""

from __future__ import annotations

import json
from collections import OrderedDict

from .protocol import Reply


class PageCache:
    """At most `size` answers and `max_bytes` of their bodies (a lineage page is about 1 MB)."""

    def __init__(self, size: int = 512, max_bytes: int = 64 * 1024 * 1024):
        self.size, self.max_bytes = size, max_bytes
        self._answers: OrderedDict[object, Reply] = OrderedDict()
        self._bytes = 0

    async def call(self, web, job) -> Reply:
        """`job`'s reply from a query worker, or the one kept from before (200 replies only)."""
        if job in self._answers:
            self._answers.move_to_end(job)
            return self._answers[job]
        reply = await web.call(job)
        if reply.status == 200 and job not in self._answers:
            self._answers[job] = reply
            self._bytes += len(reply.body)
            while len(self._answers) > self.size or self._bytes > self.max_bytes:
                self._bytes -= len(self._answers.popitem(last=False)[1].body)
        return reply

    async def data(self, web, job) -> tuple[int, object]:
        """The status and the decoded JSON body of `job`'s reply."""
        reply = await self.call(web, job)
        return reply.status, json.loads(reply.body)
