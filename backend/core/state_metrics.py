"""Figures `/metrics` reads from the process and the database at scrape time, beside the HTTP counters.

Each collector is a prometheus_client custom collector: nothing is kept in memory between scrapes, so
every API process reports the same business figures (they come from the shared database) and its own
capacity figures (admission and connection pool). The domains provide the queries (`figures`
functions); this module only turns rows into metric families. A figure whose source cannot answer
(the chain's RPC down, an empty index) is left out of the scrape rather than reported as zero.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

logger = logging.getLogger("peerlend.metrics")


@dataclass(frozen=True)
class Figure:
    """One sample: a gauge (or counter) name, its help, its labels and its value."""

    name: str
    help: str
    value: float
    labels: dict[str, str] = field(default_factory=dict)
    counter: bool = False


FigureSource = Callable[[Session], Iterable[Figure]]


def _families(figures: Iterable[Figure]) -> Iterator[Metric]:
    families: dict[str, GaugeMetricFamily | CounterMetricFamily] = {}
    for f in figures:
        family = families.get(f.name)
        if family is None:
            kind = CounterMetricFamily if f.counter else GaugeMetricFamily
            family = families[f.name] = kind(f.name, f.help, labels=sorted(f.labels))
        family.add_metric([f.labels[k] for k in sorted(f.labels)], f.value)
    yield from families.values()


class DatabaseFigures(Collector):
    """Figures the domains compute from the database, one short session per scrape."""

    def __init__(self, factory: sessionmaker[Session], sources: list[FigureSource]) -> None:
        self._factory = factory
        self._sources = sources

    def collect(self) -> Iterator[Metric]:
        figures: list[Figure] = []
        with self._factory() as session:
            for source in self._sources:
                try:
                    figures.extend(source(session))
                except Exception:  # one failing figure must not hide the others
                    logger.exception("metrics source %s failed", getattr(source, "__name__", source))
                    session.rollback()
        yield from _families(figures)


class CapacityFigures(Collector):
    """This process's admission slots and database connection pool."""

    def __init__(
        self,
        engine: Engine,
        admission: Callable[[], object | None],
        read_cache: Callable[[], object | None] = lambda: None,
    ) -> None:
        self._engine = engine
        self._admission = admission
        self._read_cache = read_cache

    def collect(self) -> Iterator[Metric]:
        figures: list[Figure] = []
        pool = self._engine.pool
        if isinstance(pool, QueuePool):  # the figures of a pool that keeps connections
            figures += [
                Figure(
                    "peerlend_db_pool_in_use", "Pooled database connections checked out", pool.checkedout()
                ),
                Figure("peerlend_db_pool_size", "Connections the pool keeps open", pool.size()),
                Figure(
                    "peerlend_db_pool_overflow",
                    "Connections open beyond the pool size (negative: unused room)",
                    pool.overflow(),
                ),
            ]
        admission = self._admission()
        if admission is not None:
            figures += [
                Figure("peerlend_admission_in_flight", "Requests being served", admission.in_flight),  # type: ignore[attr-defined]
                Figure(
                    "peerlend_admission_waiting",
                    "Requests waiting for a slot (the pool's wait queue sits behind this one)",
                    admission.waiting,  # type: ignore[attr-defined]
                ),
                Figure(
                    "peerlend_admission_rejected",
                    "Requests answered 503 for want of a slot",
                    admission.rejected,  # type: ignore[attr-defined]
                    counter=True,
                ),
            ]
        cache = self._read_cache()
        if cache is not None:
            figures += [
                Figure(
                    "peerlend_read_cache_hits",
                    "Public read-model answers served from this process's copy at the current index",
                    cache.hits,  # type: ignore[attr-defined]
                    counter=True,
                ),
                Figure(
                    "peerlend_read_cache_misses",
                    "Public read-model requests the route answered (first at an index version, or not kept)",
                    cache.misses,  # type: ignore[attr-defined]
                    counter=True,
                ),
                Figure("peerlend_read_cache_entries", "URLs kept", len(cache.entries)),  # type: ignore[attr-defined]
            ]
        yield from _families(figures)
