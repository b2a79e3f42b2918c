"""Answers of the reader pages' data jobs, kept while they are among the most recently used:
they depend only on the served graph, and some (the lineage page, an election's chart) take
a worker a second to make."""

from __future__ import annotations

import json
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool

from .protocol import Reply


class PageCache:
    def __init__(self, size: int = 512):
        self.size = size
        self._answers: OrderedDict[object, Reply] = OrderedDict()

    async def call(self, web, job) -> Reply:
        """`job`'s reply from a query worker, or the one kept from before (200 replies only)."""
        if job in self._answers:
            self._answers.move_to_end(job)
            return self._answers[job]
        reply = await run_in_threadpool(web.pool.call, job, web.settings.timeout)
        if reply.status == 200:
            self._answers[job] = reply
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return reply

    async def data(self, web, job) -> tuple[int, object]:
        """The status and the decoded JSON body of `job`'s reply."""
        reply = await self.call(web, job)
        return reply.status, json.loads(reply.body)
