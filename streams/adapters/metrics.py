"""Prometheus metrics of a worker (base units, `_total` counters, `_seconds` histograms)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, start_http_server

# Event time to alert spans seconds (live feed) to days (a replayed archive or a long gap that closes).
EVENT_TO_ALERT_BUCKETS_S = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600, 7 * 24 * 3600)
# Consume to emit is in-process work: microseconds to a few seconds under load.
CONSUME_TO_EMIT_BUCKETS_S = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.records_consumed = Counter(
            "picket_records_consumed_total", "Kafka records consumed, by topic", ["topic"], registry=r
        )
        self.messages_consumed = Counter(
            "picket_messages_consumed_total",
            "Messages consumed, by topic: AIS lines on ais.raw, events on ais.position/ais.static",
            ["topic"],
            registry=r,
        )
        self.messages_ignored = Counter(
            "picket_ais_messages_ignored_total",
            "Valid AIS input that no detector uses (other message types, comments), by reason",
            ["reason"],
            registry=r,
        )
        self.decode_errors = Counter(
            "picket_decode_errors_total", "Input that failed to decode, by reason", ["reason"], registry=r
        )
        self.dead_letters = Counter(
            "picket_dead_letters_total", "Records published to the dead-letter topic, by reason", ["reason"], registry=r
        )
        self.alerts = Counter(
            "picket_alerts_total", "Alerts emitted (opened, updated or closed)", ["type", "severity"], registry=r
        )
        self.event_to_alert = Histogram(
            "picket_event_to_alert_latency_seconds",
            "From the event time of the message that raised an alert to its emission",
            buckets=EVENT_TO_ALERT_BUCKETS_S,
            registry=r,
        )
        self.consume_to_emit = Histogram(
            "picket_consume_to_emit_latency_seconds",
            "From consuming the record to emitting the alert it raised",
            buckets=CONSUME_TO_EMIT_BUCKETS_S,
            registry=r,
        )
        self.record_processing = Histogram(
            "picket_record_processing_seconds",
            "Processing time of one consumed record (a batch), by agent",
            ["agent"],
            buckets=CONSUME_TO_EMIT_BUCKETS_S,
            registry=r,
        )
        self.state_writes = Counter(
            "picket_state_writes_total", "Vessel states written to the table changelog", registry=r
        )
        self.ready = Gauge(
            "picket_worker_ready",
            "1 when the worker holds its partitions with state recovered and processes them, else 0",
            registry=r,
        )
        self.vessels_tracked = Gauge(
            "picket_vessels_tracked", "Vessels whose state this worker holds", registry=r
        )
        self.event_time_watermark = Gauge(
            "picket_event_time_watermark_seconds",
            "Newest AIS event time seen by this worker (Unix seconds)",
            registry=r,
        )

    def serve(self, port: int, address: str = "127.0.0.1") -> None:
        # `_created` series double the scrape size and no dashboard of ours reads them.
        disable_created_metrics()
        start_http_server(port, addr=address, registry=self.registry)
