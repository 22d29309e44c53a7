"""Consumer lag of a consumer group as a Prometheus gauge, `picket_consumer_lag_messages{topic,partition}`.

Faust does not export lag, and the broker only knows it as two numbers: the partition's end
offset and the group's committed offset. A daemon thread asks the broker for both every
`interval_s` (one admin client, three requests per cycle) and sets the gauge:

    lag = end offset - committed offset

A partition the group has never committed is counted from its log start offset, as a consumer
with `auto_offset_reset=earliest` (the worker's setting) would read it from there.

Every worker of a group exports the same numbers (they are the group's, not the worker's), so
dashboards and rules take `max by (topic, partition)`, never a sum over instances.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence

from kafka import KafkaAdminClient
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError
from kafka.structs import TopicPartition
from prometheus_client import CollectorRegistry, Gauge

log = logging.getLogger(__name__)

LAG_METRIC = "picket_consumer_lag_messages"


def partition_lags(
    ends: Mapping[TopicPartition, int],
    committed: Mapping[TopicPartition, int | None],
    starts: Mapping[TopicPartition, int],
) -> dict[TopicPartition, int]:
    """Messages between the group's committed offset and the end of each partition of `ends`.

    >>> tp = TopicPartition("ais.raw", 0)
    >>> partition_lags({tp: 120}, {tp: 100}, {tp: 0})
    {TopicPartition(topic='ais.raw', partition=0): 20}
    >>> partition_lags({tp: 120}, {}, {tp: 90})  # never committed: from the log start
    {TopicPartition(topic='ais.raw', partition=0): 30}
    """
    lags = {}
    for tp, end in ends.items():
        position = committed.get(tp)
        if position is None or position < 0:
            position = starts.get(tp, 0)
        lags[tp] = max(0, end - position)
    return lags


class ConsumerLagExporter:
    """Sets `picket_consumer_lag_messages{topic,partition}` on `registry` every `interval_s`.

    `start()` runs it in a daemon thread; `collect_once()` does one cycle (tests, or a caller
    with its own schedule). A cycle that fails (broker away) is logged and leaves the last values.
    """

    def __init__(
        self,
        bootstrap: str,
        group_id: str,
        topics: Sequence[str],
        registry: CollectorRegistry,
        interval_s: float = 15.0,
        request_timeout_s: float = 10.0,
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.bootstrap = bootstrap
        self.group_id = group_id
        self.topics = list(topics)
        self.interval_s = interval_s
        self.request_timeout_s = request_timeout_s
        self.gauge = Gauge(
            LAG_METRIC,
            "Messages in a topic-partition after the consumer group's committed offset",
            ["topic", "partition"],
            registry=registry,
        )
        self._admin: KafkaAdminClient | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def collect_once(self) -> dict[TopicPartition, int]:
        admin = self._client()
        partitions = [
            TopicPartition(topic["name"], p["partition_index"])
            for topic in admin.describe_topics(self.topics)
            if topic["error_code"] == 0
            for p in topic["partitions"]
        ]
        if not partitions:
            return {}
        ends = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
        starts = admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in partitions})
        group = admin.list_group_offsets({self.group_id: partitions}).get(self.group_id, {})
        lags = partition_lags(
            {tp: ends[tp].offset for tp in partitions},
            {tp: meta.offset for tp, meta in group.items()},
            {tp: starts[tp].offset for tp in partitions},
        )
        for tp, lag in lags.items():
            self.gauge.labels(tp.topic, str(tp.partition)).set(lag)
        return lags

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="consumer-lag", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        self._close_client()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.collect_once()
            except (KafkaError, OSError, KeyError) as error:
                log.warning("consumer lag of group %s not measured: %s", self.group_id, error)
                self._close_client()  # a fresh client next cycle: the broker may have moved
            self._stop.wait(self.interval_s)

    def _client(self) -> KafkaAdminClient:
        if self._admin is None:
            timeout_ms = int(self.request_timeout_s * 1000)
            self._admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap,
                client_id="picket-lag",
                request_timeout_ms=timeout_ms,
                bootstrap_timeout_ms=timeout_ms,
            )
        return self._admin

    def _close_client(self) -> None:
        if self._admin is not None:
            try:
                self._admin.close()
            finally:
                self._admin = None
