"""The one door every stats question comes through (API, Slack, Telegram), kept off the hot path.

Redirects share the event loop with questions, so a question must never
hold it: parsing, filling a series, serialising and drawing a chart run on
a small bounded thread pool, and charts (matplotlib holds the GIL for the
whole drawing) in a bounded pool of processes started on the first chart;
each asker (an API key, a Slack user, a
Telegram user) has a rate limit; and at most `max_in_flight` questions are
being answered at once, process-wide, the rest are told to come back.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import datetime
from typing import ParamSpec, TypeVar

from tracking.core.errors import InvalidInput, RateLimited
from tracking.core.ports import StatsAnswers
from tracking.core.questions.model import Answer, Interpretation
from tracking.core.questions.parser import parse_question
from tracking.core.rate_limits import RateLimiter, in_words, per_minute_in_words, retry_after_seconds

P = ParamSpec("P")
T = TypeVar("T")

#: Longest question read; real questions are a line long.
MAX_QUESTION_CHARS = 1000


def draw_chart(answer: Answer) -> bytes:
    """Run in a chart process: matplotlib is imported there, never in the server itself."""
    from tracking.charts import render_chart

    return render_chart(answer)


def chart_processes(count: int) -> Executor:
    """A pool of `count` chart processes, forked from a server that has matplotlib loaded already."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tracking.charts"])
    return ProcessPoolExecutor(max_workers=count, mp_context=context)


class QuestionDesk:
    """Answers questions for named askers within their allowance, doing the CPU work off the loop."""

    def __init__(
        self,
        stats: StatsAnswers,
        *,
        executor: Executor,
        charts: Callable[[], Executor],
        limiter: RateLimiter | None,
        max_in_flight: int,
    ) -> None:
        self.stats = stats
        self._executor = executor
        self._chart_pool_factory = charts
        self._chart_pool: Executor | None = None
        self._limiter = limiter
        self._max_in_flight = max_in_flight
        self._in_flight = 0

    def answering_with(self, stats: StatsAnswers) -> QuestionDesk:
        """The same desk (pool, limits, chart processes) answering from another stats service."""
        desk = QuestionDesk(
            stats,
            executor=self._executor,
            charts=self._chart_pool_factory,
            limiter=self._limiter,
            max_in_flight=self._max_in_flight,
        )
        desk._chart_pool = self._chart_pool
        return desk

    async def ask(self, question: str, *, asker: str, now: datetime) -> Answer:
        """Parse and answer `question` for `asker` (e.g. "api:ci", "slack:T1:U2", "telegram:42").

        Raises RateLimited when the asker has used their allowance or the
        desk is full, InvalidInput for an over-long question, and whatever
        the parser and stats service raise for a question they cannot answer.
        """
        self._admit(asker)
        self._in_flight += 1
        try:
            interpretation = await self.parse(question, now=now)
            return await self.stats.answer(interpretation, now=now)
        except OverflowError:
            raise InvalidInput(
                "the question's dates reach past what a calendar can count; ask about a period "
                "between the years 1970 and 9000"
            ) from None
        finally:
            self._in_flight -= 1

    async def parse(self, question: str, *, now: datetime) -> Interpretation:
        """The question's interpretation, read on the pool."""
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(f"a question may be at most {MAX_QUESTION_CHARS} characters long")
        return await self.run(functools.partial(parse_question, question, now=now, tz=self.stats.tz))

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run CPU work (rendering, serialising, drawing a chart) on the pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(work, *args, **kwargs))

    async def chart(self, answer: Answer) -> bytes:
        """The answer's PNG chart, drawn in the chart process pool (started on first use)."""
        if self._chart_pool is None:
            self._chart_pool = self._chart_pool_factory()
        # Submitted from a pool thread: a submit may start a chart process, which waits for the
        # fork server to load matplotlib (a second or two) and must not wait on the event loop.
        submitted = await self.run(self._chart_pool.submit, draw_chart, answer)
        return await asyncio.wrap_future(submitted)

    def close(self) -> None:
        """Stop the chart processes (the thread pool belongs to whoever passed it in)."""
        if self._chart_pool is not None:
            self._chart_pool.shutdown(wait=False, cancel_futures=True)
            self._chart_pool = None

    def _admit(self, asker: str) -> None:
        if self._in_flight >= self._max_in_flight:
            raise RateLimited(
                "Lantern is answering many questions right now; ask again in a few seconds.",
                retry_after=2,
            )
        if self._limiter is None:
            return
        wait = self._limiter.take(f"question:{asker}")
        if wait > 0:
            seconds = retry_after_seconds(wait)
            allowance = per_minute_in_words(self._limiter.per_minute, "question")
            raise RateLimited(
                f"You have asked many questions in a short time (the limit is {allowance}); "
                f"ask again in {in_words(seconds)}.",
                retry_after=seconds,
            )
