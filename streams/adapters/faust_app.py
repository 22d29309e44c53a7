"""Worker mode: thin Faust agents around the pure core.

Topology (every record carries a batch, to amortise Faust's per-record cost):
  ais.raw (key: source) --decode--> ais.position (one batch per MMSI partition, static reports
                                    interleaved in feed order) and ais.static (static reports alone)
  ais.position --track--> alerts (key: alert_id), vessel state in a changelogged table
  launch.detection (1 partition) --launches--> alerts, fusion and tempo state in a table
  anything unreadable --------------> deadletter (key: source), with the reason
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import faust
from kafka.partitioner.default import murmur2

from streams.adapters.metrics import WorkerMetrics
from streams.config import Settings, TopicSpec
from streams.core import DetectionCore
from streams.domain.alerts import Alert, alert_payload
from streams.domain.events import DeadLetter, PositionReport, StaticReport
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import VesselState
from streams.ingest import AisDecoder
from streams.launch import LaunchDetector, LaunchRecordError, LaunchReference, LaunchState, detection_from_payload
from streams.processing import EventTimeProcessor
from streams.watchlist import Watchlist
from streams.wire import (
    AIS_FORMATS,
    dead_letter_payload,
    dumps,
    loads,
    events_from_position_payload,
    position_batch_payload,
    static_batch_payload,
)

VESSEL_TABLE = "vessel-state"
LAUNCH_TABLE = "launch-state"
# Fusion and tempo look at every launch together: one state, under one key.
LAUNCH_STATE_KEY = "launch"
RAW_PREVIEW_LIMIT = 65_536  # bytes of an unreadable record kept in its dead letter


@lru_cache(maxsize=1 << 20)
def mmsi_partition(mmsi: int, partitions: int) -> int:
    """Kafka's default partitioner on the MMSI as a decimal string, so records keyed by MMSI from
    any other producer land on the same partition as our batches. Cached: murmur2 in Python
    costs microseconds, and a feed repeats the same few thousand MMSIs."""
    return (murmur2(str(mmsi).encode()) & 0x7FFFFFFF) % partitions


class TableVesselStore:
    """Vessel state as objects in memory, in front of a Faust table backed by a changelog.

    Changed vessels are written to the table and its changelog when Faust is about to commit
    offsets (`flush`, from `FlushBeforeCommit`), each to its MMSI's partition: every event whose
    offset is committed has its state in the changelog first, and a vessel that changes many
    times between two commits is written once, not once per message.
    """

    def __init__(self, table: faust.Table, partitions: int) -> None:
        self.table = table
        self.partitions = partitions
        self._cache: dict[int, VesselState] = {}
        self._dirty: set[int] = set()
        self._complete = False

    def get(self, mmsi: int) -> VesselState:
        state = self._cache.get(mmsi)
        if state is None:
            stored = self.table.get(str(mmsi))
            state = VesselState.from_dict(stored) if stored is not None else VesselState(mmsi)
            self._cache[mmsi] = state
        self._dirty.add(mmsi)
        return state

    def flush(self) -> int:
        """Write changed vessels to the table and (buffered in the producer) its changelog."""
        data = self.table.data
        for mmsi in self._dirty:
            key = str(mmsi)
            value = self._cache[mmsi].to_dict()
            data[key] = value
            self.table.send_changelog(mmsi_partition(mmsi, self.partitions), key, value)
        written = len(self._dirty)
        self._dirty.clear()
        return written

    def forget(self) -> None:
        """After a rebalance the partitions held may differ: reload lazily from the table."""
        self.flush()
        self._cache.clear()
        self._dirty.clear()
        self._complete = False

    def __iter__(self) -> Iterator[VesselState]:
        if not self._complete:
            for key, stored in self.table.items():
                mmsi = int(key)
                if mmsi not in self._cache:
                    self._cache[mmsi] = VesselState.from_dict(stored)
            self._complete = True
        return iter(list(self._cache.values()))

    def __len__(self) -> int:
        return len(self.table) if not self._complete else len(self._cache)


class FlushBeforeCommit(faust.Sensor):
    """Faust calls `on_commit_initiated` right before it picks the offsets to commit, with no
    await in between, and flushes the producer before committing them: state written here is
    in the changelog before any offset of an event that changed it."""

    def __init__(self, store: TableVesselStore, metrics: WorkerMetrics) -> None:
        super().__init__()
        self.store = store
        self.metrics = metrics

    def on_commit_initiated(self, consumer: Any) -> None:
        self.metrics.state_writes.inc(self.store.flush())


@dataclass(frozen=True)
class WorkerApp:
    app: faust.App
    processor: EventTimeProcessor
    store: TableVesselStore


def build_app(
    settings: Settings,
    reference: ReferenceData,
    launch_reference: LaunchReference,
    metrics: WorkerMetrics,
    data_dir: Path,
    watchlist: Watchlist | None = None,
) -> WorkerApp:
    topics = settings.topics
    app = faust.App(
        settings.worker.app_id,
        broker=f"kafka://{settings.kafka.bootstrap}",
        store="memory://",
        datadir=str(data_dir),
        topic_partitions=topics.position.partitions,
        topic_allow_declare=True,
        table_standby_replicas=0,
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
        web_bind="127.0.0.1",
        web_port=settings.worker.web_port,
        producer_linger_ms=5,
    )

    def topic(spec: TopicSpec) -> faust.TopicT:
        # Our records are orjson bytes (wire.py); Faust's codecs stay out of the way.
        return app.topic(spec.name, partitions=spec.partitions, key_serializer="raw", value_serializer="raw")

    raw_topic = topic(topics.raw)
    position_topic = topic(topics.position)
    static_topic = topic(topics.static)
    alerts_topic = topic(topics.alerts)
    dead_topic = topic(topics.deadletter)
    launch_topic = topic(topics.launch)
    # Keys and values in Faust's JSON codec (the app default): what a worker sets and what a
    # restarted worker recovers from the changelog are then the same types (str keys, dicts).
    vessel_table = app.Table(VESSEL_TABLE, partitions=topics.position.partitions, default=None)
    launch_table = app.Table(LAUNCH_TABLE, partitions=topics.launch.partitions, default=None)
    launch_detector = LaunchDetector(settings.launch, launch_reference)

    # Changed vessel states go out in a burst at each commit; Faust pauses consumption whenever its
    # producer buffer holds more than `max_messages` (100), which stalled the worker for seconds.
    app.producer.buffer.max_messages = settings.worker.producer_buffer_messages
    store = TableVesselStore(vessel_table, topics.position.partitions)
    app.sensors.add(FlushBeforeCommit(store, metrics))
    processor = EventTimeProcessor(DetectionCore(settings.detection, reference, watchlist=watchlist), store)
    decoders: dict[str, AisDecoder] = {}
    partitions = topics.position.partitions

    # Sends use force=True: Faust would otherwise hold them back ("attach" them to the consumed
    # record) until its next offset commit, every few seconds, and the tracker would sit idle
    # waiting for positions. Nothing is lost either way: Faust flushes the producer before it
    # commits offsets, and a record processed twice after a crash yields the same alert ids.
    async def send_dead_letter(letter: DeadLetter, topic: str) -> None:
        metrics.dead_letters.labels(letter.reason).inc()
        await dead_topic.send(key=letter.source, value=dumps(dead_letter_payload(letter, topic, time.time())), force=True)

    async def send_alerts(alerts: list[Alert], consumed_at: float) -> None:
        now = time.time()
        for alert in alerts:
            await alerts_topic.send(key=alert.alert_id, value=dumps(alert_payload(alert, now)), force=True)
            metrics.alerts.labels(alert.type, alert.severity).inc()
            event_time = alert.end_s if alert.end_s is not None else processor.watermark_s
            if event_time is not None:
                metrics.event_to_alert.observe(max(0.0, now - event_time))
            metrics.consume_to_emit.observe(time.perf_counter() - consumed_at)

    @app.agent(raw_topic)
    async def decode(stream: faust.Stream) -> None:
        async for event in stream.events():
            started = time.perf_counter()
            metrics.records_consumed.labels(topics.raw.name).inc()
            batch = _read_raw_batch(event.value)
            if isinstance(batch, DeadLetter):
                await send_dead_letter(batch, topics.raw.name)
                continue
            decoder = decoders.get(batch["source"])
            if decoder is None:
                decoder = decoders[batch["source"]] = AisDecoder(settings.ingest, batch["source"], batch["format"])
            result = decoder.decode(batch["lines"], batch["received_at_s"], batch["header"])
            metrics.messages_consumed.labels(topics.raw.name).inc(result.lines_in)
            for reason, count in result.ignored_by_reason.items():
                metrics.messages_ignored.labels(reason).inc(count)
            for letter in result.dead_letters:
                metrics.decode_errors.labels(letter.reason).inc()
                await send_dead_letter(letter, topics.raw.name)
            positions: dict[int, list[PositionReport]] = defaultdict(list)
            statics: dict[int, list[StaticReport]] = defaultdict(list)
            statics_before: dict[int, list[tuple[int, StaticReport]]] = defaultdict(list)
            for ais_event in result.events:
                partition = mmsi_partition(ais_event.mmsi, partitions)
                if isinstance(ais_event, PositionReport):
                    positions[partition].append(ais_event)
                else:
                    statics[partition].append(ais_event)
                    statics_before[partition].append((len(positions[partition]), ais_event))
            for partition in positions.keys() | statics_before.keys():
                payload = position_batch_payload(positions.get(partition, []), statics_before.get(partition))
                await position_topic.send(value=dumps(payload), partition=partition, force=True)
            for partition, items in statics.items():
                await static_topic.send(value=dumps(static_batch_payload(items)), partition=partition, force=True)
            metrics.record_processing.labels("decode").observe(time.perf_counter() - started)

    # Only ais.position: its records carry the partition's static reports in feed order too, which
    # two topics could not guarantee (Kafka orders records within one topic-partition only).
    @app.agent(position_topic)
    async def track(stream: faust.Stream) -> None:
        async for event in stream.events():
            consumed_at = time.perf_counter()
            topic = event.message.topic
            metrics.records_consumed.labels(topic).inc()
            try:
                events = events_from_position_payload(loads(event.value))
            except (ValueError, TypeError, KeyError) as error:
                await send_dead_letter(_unreadable(event.value, f"{type(error).__name__}: {error}", topic), topic)
                continue
            metrics.messages_consumed.labels(topic).inc(len(events))
            alerts = processor.process(events)
            await send_alerts(alerts, consumed_at)
            if processor.watermark_s is not None:
                metrics.event_time_watermark.set(processor.watermark_s)
            metrics.vessels_tracked.set(len(store))
            metrics.record_processing.labels("track").observe(time.perf_counter() - consumed_at)

    @app.agent(launch_topic)
    async def launches(stream: faust.Stream) -> None:
        async for event in stream.events():
            consumed_at = time.perf_counter()
            metrics.records_consumed.labels(topics.launch.name).inc()
            try:
                detection = detection_from_payload(loads(event.value), launch_reference.sites)
            except LaunchRecordError as error:
                letter = DeadLetter(error.reason, _preview(event.value), f"topic:{topics.launch.name}", str(error), error.epoch_s)
                await send_dead_letter(letter, topics.launch.name)
                continue
            except ValueError as error:
                await send_dead_letter(_unreadable(event.value, f"not JSON: {error}", topics.launch.name), topics.launch.name)
                continue
            metrics.messages_consumed.labels(topics.launch.name).inc()
            stored = launch_table.get(LAUNCH_STATE_KEY)
            state = LaunchState.from_dict(stored) if stored is not None else LaunchState()
            alerts = launch_detector.on_detection(state, detection)
            launch_table[LAUNCH_STATE_KEY] = state.to_dict()
            await send_alerts(alerts, consumed_at)

    @app.timer(settings.worker.open_check_wall_interval_s)
    async def raise_ongoing_activity() -> None:
        metrics.ready.set(_is_ready(app))
        await send_alerts(processor.check_open_if_due(), time.perf_counter())

    @app.on_partitions_revoked.connect
    async def on_revoked(app: faust.App, revoked: Any, **kwargs: Any) -> None:
        store.forget()

    return WorkerApp(app, processor, store)


def _is_ready(app: faust.App) -> bool:
    """Assigned, table recovered, streams seeked to their committed offsets."""
    return not app.rebalancing and app.tables.recovery.completed.is_set()


def _read_raw_batch(value: bytes) -> dict[str, Any] | DeadLetter:
    """A validated `ais.raw` record, or a dead letter saying what is wrong with it."""
    try:
        payload = loads(value)
    except ValueError as error:
        return _unreadable(value, f"not JSON: {error}", "ais.raw")
    if not isinstance(payload, dict):
        return _unreadable(value, "record is not a JSON object", "ais.raw")
    lines = payload.get("lines")
    source = payload.get("source")
    ais_format = payload.get("format", "nmea")
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        return _unreadable(value, "'lines' must be a list of strings", "ais.raw")
    if not isinstance(source, str) or not source:
        return _unreadable(value, "'source' must be a non-empty string", "ais.raw")
    if ais_format not in AIS_FORMATS:
        return _unreadable(value, f"'format' must be one of {', '.join(AIS_FORMATS)}", "ais.raw")
    received_at = payload.get("received_at")
    received_at_s = None
    if isinstance(received_at, str):
        try:
            received_at_s = datetime.fromisoformat(received_at.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return _unreadable(value, f"'received_at' is not ISO-8601: {received_at!r}", "ais.raw")
    header = payload.get("header")
    return {
        "source": source,
        "format": ais_format,
        "lines": lines,
        "received_at_s": received_at_s,
        "header": header if isinstance(header, str) else None,
    }


def _unreadable(value: bytes | None, detail: str, topic: str) -> DeadLetter:
    return DeadLetter(reason="bad_record", raw=_preview(value), source=f"topic:{topic}", detail=detail)


def _preview(value: bytes | None) -> str:
    return (value or b"")[:RAW_PREVIEW_LIMIT].decode("utf-8", errors="replace")
