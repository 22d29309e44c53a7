"""Plain Kafka clients (kafka-python) for publishing feeds and reading topics outside Faust."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kafka import KafkaConsumer, KafkaProducer

from streams.config import IngestConfig
from streams.errors import UserError
from streams.ingest import AisDecoder, detect_format
from streams.domain.events import DeadLetter
from streams.launch import LaunchDetection, detection_payload
from streams.wire import dead_letter_payload, dumps, loads, raw_batch_payload

SNIFF_LINES = 100  # leading lines (comments, blanks) searched for a recognisable one


@dataclass
class PublishSummary:
    lines: int = 0
    records: int = 0
    dead_letters: int = 0


def publish_ais_lines(
    bootstrap: str,
    topic: str,
    lines: Iterable[str],
    source: str,
    ais_format: str,
    ingest: IngestConfig,
    speed: float | None = None,
    on_progress: Callable[[PublishSummary], None] | None = None,
) -> PublishSummary:
    """Publish lines as `ais.raw` batch records keyed by source (so they stay in order). Blank
    lines are not published.

    With `speed`, batches are paced at `speed` x real time on the feed's own event time.
    """
    summary = PublishSummary()
    lines_iter = iter(lines)
    fmt, header, leading = _sniff_format(lines_iter, ais_format)
    lines_iter = itertools.chain(leading, lines_iter)
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=10, retries=10, max_request_size=4 * 1024 * 1024
    )
    pacer = _Pacer(speed, AisDecoder(ingest, source, fmt)) if speed else None
    key = source.encode()
    try:
        for batch in _batches(lines_iter, ingest.raw_batch_lines):
            if pacer is not None:
                pacer.wait_for(batch, header)
            payload = raw_batch_payload(source, fmt, time.time(), batch, header)
            producer.send(topic, key=key, value=dumps(payload))
            summary.lines += len(batch)
            summary.records += 1
            if on_progress is not None:
                on_progress(summary)
        producer.flush()
    finally:
        producer.close()
    return summary


def publish_launch_records(
    bootstrap: str, launch_topic: str, deadletter_topic: str, records: Iterable[LaunchDetection | DeadLetter], source: str
) -> PublishSummary:
    """One `launch.detection` record per detection, keyed by source; input that is not a
    detection goes to the dead-letter topic with its reason instead of being dropped."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=10)
    summary = PublishSummary()
    key = source.encode()
    try:
        for record in records:
            if isinstance(record, DeadLetter):
                payload = dead_letter_payload(record, launch_topic, time.time())
                producer.send(deadletter_topic, key=key, value=dumps(payload))
                summary.dead_letters += 1
            else:
                producer.send(launch_topic, key=key, value=dumps(detection_payload(record)))
                summary.records += 1
        producer.flush()
    finally:
        producer.close()
    return summary


class _Pacer:
    def __init__(self, speed: float, decoder: AisDecoder) -> None:
        self.speed = speed
        self.decoder = decoder
        self.first_event_s: float | None = None
        self.started = time.monotonic()

    def wait_for(self, batch: list[str], header: str | None) -> None:
        times = [event.epoch_s for event in self.decoder.decode(batch, header=header).events]
        if not times:
            return
        if self.first_event_s is None:
            self.first_event_s = min(times)
            self.started = time.monotonic()
        due = (max(times) - self.first_event_s) / self.speed
        delay = due - (time.monotonic() - self.started)
        if delay > 0:
            time.sleep(delay)


def _sniff_format(lines: Iterator[str], ais_format: str) -> tuple[str, str | None, list[str]]:
    """The feed's format, its CSV header (not published as a line: each record carries it), and
    the lines read to find them (still to publish: comments before NMEA, say)."""
    leading: list[str] = []
    for line in itertools.islice(lines, SNIFF_LINES):
        text = line.rstrip("\r\n")
        try:
            fmt = detect_format(text) if ais_format == "auto" else ais_format
        except ValueError:
            leading.append(line)
            continue
        if fmt == "nmea":
            return fmt, None, [*leading, line]
        return fmt, text, leading
    if ais_format == "auto" and leading:
        raise UserError(f"cannot tell the AIS format from the first {len(leading)} lines; pass --format")
    return ("nmea" if ais_format == "auto" else ais_format), None, leading


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        stripped = line.rstrip("\r\n")
        if stripped:
            batch.append(stripped)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def read_topic(
    bootstrap: str,
    topic: str,
    idle_timeout_s: float = 5.0,
    max_wait_s: float = 120.0,
    until: Callable[[list[dict]], bool] | None = None,
) -> list[dict]:
    """All JSON records of a topic from the beginning, until `until(records)` holds or the topic
    stays idle for `idle_timeout_s` (bounded by `max_wait_s`). Each item: key, partition, value."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=int(idle_timeout_s * 1000),
    )
    records: list[dict] = []
    deadline = time.monotonic() + max_wait_s
    try:
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500)
            fresh = [
                {"key": m.key.decode() if m.key else None, "partition": m.partition, "value": loads(m.value)}
                for messages in batch.values()
                for m in messages
            ]
            records.extend(fresh)
            if until is not None and until(records):
                break
            if not fresh and until is None and _idle(consumer, idle_timeout_s):
                break
    finally:
        consumer.close()
    return records


def _idle(consumer: KafkaConsumer, idle_timeout_s: float) -> bool:
    """True when nothing arrives for `idle_timeout_s` and the consumer is at the end of every partition."""
    batch = consumer.poll(timeout_ms=int(idle_timeout_s * 1000))
    if batch:
        # Put them back: seek to the first offset of each partition we just read.
        for tp, messages in batch.items():
            consumer.seek(tp, messages[0].offset)
        return False
    assignment = consumer.assignment()
    ends = consumer.end_offsets(list(assignment))
    return all(consumer.position(tp) >= end for tp, end in ends.items())
