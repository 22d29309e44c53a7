"""Enforcement alerts to Prometheus Alertmanager: the mapping, the HTTP client and the bridge.

`to_alertmanager(payload, now_s)` maps one `alerts` topic payload (schemas/alerts.v1.json) to an
Alertmanager API v2 alert. Labels identify and route it (Alertmanager de-duplicates on the full
label set), annotations carry what a person reads:

    labels       alertname="picket_<type>", type, severity, subject (the MMSIs, comma-separated,
                 or `evidence.subject` for an alert without vessels), alert_id
    annotations  summary, description (vessels, score, time span, position, the evidence as
                 compact key=value), evidence (link, with --evidence-url-template)
    startsAt     the alert's start (event time)
    endsAt       its end once closed: Alertmanager resolves it. While open: now + `open_ttl_s`,
                 so an open alert the bridge stops refreshing resolves by itself, as Prometheus
                 does with its own alerts.

`AlertmanagerBridge` consumes the `alerts` topic (its own consumer group, auto-commit off), posts
each polled batch to `/api/v2/alerts`, and commits the batch's offsets only after Alertmanager
accepted it. While Alertmanager is down or answers 5xx (or 408/429) it retries the same batch
with capped exponential backoff, forever: nothing is committed past an alert that was not
posted. A 4xx for an alert Alertmanager finds malformed sends that record to `deadletter` with
the answer as detail, so one bad record never blocks the stream.

Open alerts are kept in memory by alert_id and re-posted every `repost_interval_s` (Alertmanager
forgets an alert whose endsAt passes), and at once after Alertmanager comes back (it keeps
alerts in memory only). A closed version drops its alert from the set. When partitions are
assigned, the set is rebuilt from the compacted topic up to the committed offsets, so a
restarted bridge keeps refreshing the alerts that are still open.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.structs import OffsetAndMetadata, TopicPartition
from prometheus_client import CollectorRegistry, Counter, Gauge

from streams.domain.alerts import iso_utc
from streams.domain.events import DeadLetter
from streams.wire import dead_letter_payload, dumps

log = logging.getLogger(__name__)

API_PATH = "/api/v2/alerts"
DESCRIPTION_LIMIT = 2000  # characters; Alertmanager has no limit but receivers (chat, SMS) do
RETRYABLE_4XX = (408, 429)
REJECTED_REASON = "alertmanager_rejected"
UNREADABLE_REASON = "bad_record"
RAW_PREVIEW_LIMIT = 65_536


class AlertMappingError(ValueError):
    """An `alerts` record that cannot become an Alertmanager alert (not the alert contract)."""


# ---------------------------------------------------------------- the mapping (pure)


def alert_labels(payload: Mapping[str, Any]) -> dict[str, str]:
    """The label set of an alert; constant across its versions except `severity`."""
    alert_type = _require_str(payload, "type")
    alert_id = _require_str(payload, "alert_id")
    severity = _require_str(payload, "severity")
    labels = {
        "alertname": f"picket_{alert_type}",
        "type": alert_type,
        "severity": severity,
        "alert_id": alert_id,
    }
    subject = alert_subject(payload)
    if subject:
        labels["subject"] = subject
    return labels


def alert_subject(payload: Mapping[str, Any]) -> str:
    """The vessels' MMSIs, sorted and comma-separated; for an alert without vessels (a launch, a
    news item) the evidence's `subject` when it names one; else empty (the label is left out)."""
    vessels = payload.get("vessels")
    if not isinstance(vessels, list):
        raise AlertMappingError("'vessels' must be a list")
    mmsis = sorted({int(v["mmsi"]) for v in vessels if isinstance(v, dict) and isinstance(v.get("mmsi"), int)})
    if mmsis:
        return ",".join(str(m) for m in mmsis)
    evidence = payload.get("evidence")
    subject = evidence.get("subject") if isinstance(evidence, dict) else None
    return subject if isinstance(subject, str) else ""


def describe(payload: Mapping[str, Any], limit: int = DESCRIPTION_LIMIT) -> str:
    """A compact, human description: vessels, score, span, position, then the evidence."""
    parts = []
    for vessel in payload.get("vessels") or []:
        identity = [str(vessel.get("mmsi"))]
        if vessel.get("name"):
            identity.append(str(vessel["name"]))
        extra = [str(vessel["flag"])] if vessel.get("flag") else []
        if vessel.get("imo"):
            extra.append(f"IMO {vessel['imo']}")
        parts.append("vessel " + " ".join(identity) + (f" ({', '.join(extra)})" if extra else ""))
    parts.append(f"score {payload.get('score')}")
    parts.append(f"{payload.get('start')} -> {payload.get('end') or 'ongoing'}")
    position = payload.get("position")
    if isinstance(position, dict):
        parts.append(f"at {position.get('lat')},{position.get('lon')}")
    rule = payload.get("rule")
    if isinstance(rule, dict):
        parts.append(f"rule {rule.get('name')} v{rule.get('version')}")
    evidence = payload.get("evidence")
    if isinstance(evidence, dict):
        parts.append(" ".join(f"{key}={_compact(value)}" for key, value in evidence.items()))
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def evidence_url(payload: Mapping[str, Any], template: str | None) -> str | None:
    """`template` with {alert_id}, {type}, {severity}, {subject}, {start} filled in, or None."""
    if not template:
        return None
    return template.format(
        alert_id=payload.get("alert_id", ""),
        type=payload.get("type", ""),
        severity=payload.get("severity", ""),
        subject=alert_subject(payload),
        start=payload.get("start", ""),
    )


def to_alertmanager(
    payload: Mapping[str, Any],
    now_s: float,
    open_ttl_s: float = 240.0,
    evidence_url_template: str | None = None,
) -> dict[str, Any]:
    """One Alertmanager API v2 alert (a `postableAlert`) for one `alerts` payload.

    Raises `AlertMappingError` when the payload is not the alert contract.
    """
    if not isinstance(payload, Mapping):
        raise AlertMappingError("record is not a JSON object")
    labels = alert_labels(payload)
    start = _require_str(payload, "start")
    start_s = _parse_time(start, "start")
    end = payload.get("end")
    if end is not None:
        if not isinstance(end, str):
            raise AlertMappingError("'end' must be an ISO-8601 string or null")
        _parse_time(end, "end")
        ends_at = end
    else:
        ends_at = iso_utc(max(now_s, start_s) + open_ttl_s)
    summary = payload.get("summary")
    annotations = {
        "summary": summary if isinstance(summary, str) and summary else f"{labels['type']} {labels.get('subject', '')}".strip(),
        "description": describe(payload),
        "score": str(payload.get("score")),
    }
    link = evidence_url(payload, evidence_url_template)
    alert: dict[str, Any] = {"labels": labels, "annotations": annotations, "startsAt": start, "endsAt": ends_at}
    if link:
        annotations["evidence"] = link
        alert["generatorURL"] = link
    return alert


def resolution_of(alert: Mapping[str, Any], now_s: float) -> dict[str, Any]:
    """The same alert (same labels) ended now: resolves a label set that a newer version left
    (a severity that changed between the open and the closed version)."""
    return {**alert, "endsAt": iso_utc(max(now_s, _parse_time(alert["startsAt"], "startsAt")))}


def _require_str(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise AlertMappingError(f"'{key}' must be a non-empty string")
    return value


def _parse_time(text: str, what: str) -> float:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise AlertMappingError(f"'{what}' is not ISO-8601: {text!r}") from error
    if moment.tzinfo is None:
        raise AlertMappingError(f"'{what}' has no time zone: {text!r}")
    return moment.timestamp()


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        if set(value) == {"lat", "lon"}:
            return f"{value['lat']},{value['lon']}"
        return "{" + " ".join(f"{k}={_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "/".join(_compact(v) for v in value) or "[]"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


# ---------------------------------------------------------------- the HTTP client


class AlertmanagerUnavailable(Exception):
    """Alertmanager did not take the post for a reason that may pass: retry the same batch."""


@dataclass(frozen=True)
class PostResult:
    ok: bool
    status: int
    body: str


class AlertmanagerClient:
    """POSTs to `<base_url>/api/v2/alerts`. 2xx: ok; 4xx but 408/429: rejected (the body says
    why); anything else, including no connection, raises `AlertmanagerUnavailable`."""

    def __init__(self, base_url: str, timeout_s: float = 10.0) -> None:
        self.url = base_url.rstrip("/") + API_PATH
        self.timeout_s = timeout_s

    def post(self, alerts: list[dict[str, Any]]) -> PostResult:
        request = urllib.request.Request(
            self.url, data=json.dumps(alerts).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return PostResult(True, response.status, response.read().decode(errors="replace"))
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace").strip()
            if 400 <= error.code < 500 and error.code not in RETRYABLE_4XX:
                return PostResult(False, error.code, body)
            raise AlertmanagerUnavailable(f"HTTP {error.code} from {self.url}: {body[:200]}") from error
        except (urllib.error.URLError, OSError) as error:
            raise AlertmanagerUnavailable(f"{self.url}: {getattr(error, 'reason', error)}") from error


# ---------------------------------------------------------------- the bridge


@dataclass(frozen=True)
class BridgeConfig:
    alertmanager_url: str = "http://127.0.0.1:9093"
    alerts_topic: str = "alerts"
    deadletter_topic: str = "deadletter"
    group_id: str = "picket-alertmanager-bridge"
    evidence_url_template: str | None = None
    repost_interval_s: float = 60.0
    """Open alerts are posted again this often; Alertmanager's own resolve_timeout is 5 min."""
    open_ttl_s: float | None = None
    """endsAt of an open alert, from now; None: 4 x repost_interval_s (Prometheus's rule)."""
    retry_initial_s: float = 0.5
    retry_max_s: float = 30.0
    request_timeout_s: float = 10.0
    max_batch: int = 500
    poll_timeout_s: float = 0.5

    def __post_init__(self) -> None:
        if self.repost_interval_s <= 0 or self.retry_initial_s <= 0 or self.retry_max_s < self.retry_initial_s:
            raise ValueError("repost interval and retry delays must be positive, retry_max_s >= retry_initial_s")
        if self.max_batch < 1:
            raise ValueError("max_batch must be >= 1")

    @property
    def ttl_s(self) -> float:
        return self.open_ttl_s if self.open_ttl_s is not None else 4 * self.repost_interval_s


class BridgeMetrics:
    """The bridge's own Prometheus metrics (served with --metrics-port)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.posts = Counter(
            "picket_alertmanager_posts_total", "POSTs to Alertmanager, by outcome (ok, rejected, unavailable)",
            ["outcome"], registry=r,
        )
        self.alerts_posted = Counter(
            "picket_alertmanager_alerts_posted_total", "Alerts accepted by Alertmanager (incl. re-posts)", registry=r
        )
        self.open_alerts = Gauge(
            "picket_alertmanager_open_alerts", "Open alerts the bridge keeps refreshing in Alertmanager", registry=r
        )
        self.failing = Gauge(
            "picket_alertmanager_post_failing", "1 while posts to Alertmanager fail and the bridge retries", registry=r
        )
        self.dead_letters = Counter(
            "picket_dead_letters_total", "Records published to the dead-letter topic, by reason", ["reason"], registry=r
        )
        for outcome in ("ok", "rejected", "unavailable"):
            self.posts.labels(outcome)


@dataclass
class _Open:
    payload: dict[str, Any]
    partition: tuple[str, int]
    posted: dict[str, Any]  # the Alertmanager alert last accepted for it (its labels are what AM holds)


@dataclass
class _Record:
    partition: tuple[str, int]
    offset: int
    value: bytes | None
    payload: dict[str, Any] | None = None
    alert: dict[str, Any] | None = None
    error: str | None = None
    extra: list[dict[str, Any]] = field(default_factory=list)  # resolutions of superseded label sets

    def alerts(self) -> list[dict[str, Any]]:
        return [*self.extra, self.alert] if self.alert is not None else []


class AlertmanagerBridge:
    """The consumer loop. `run(stop)` returns when `stop` is set; it commits only what was posted."""

    def __init__(
        self,
        bootstrap: str,
        config: BridgeConfig,
        metrics: BridgeMetrics | None = None,
        client: AlertmanagerClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bootstrap = bootstrap
        self.config = config
        self.metrics = metrics if metrics is not None else BridgeMetrics()
        self.client = client if client is not None else AlertmanagerClient(config.alertmanager_url, config.request_timeout_s)
        self.clock = clock
        self.open: dict[str, _Open] = {}
        self._next_repost = 0.0
        self._failing = False
        self._rebalances: queue.SimpleQueue[tuple[str, list[Any]]] = queue.SimpleQueue()
        self._consumer: Any = None
        self._producer: Any = None

    # -- the loop

    def run(self, stop: threading.Event) -> None:
        self._consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.config.group_id,
            client_id="picket-alertmanager-bridge",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.config.max_batch,
        )
        self._consumer.subscribe([self.config.alerts_topic], listener=_Rebalance(self))
        try:
            while not stop.is_set():
                polled = self._consumer.poll(timeout_ms=int(self.config.poll_timeout_s * 1000))
                self._apply_rebalances()
                records = [
                    _Record((tp.topic, tp.partition), m.offset, m.value)
                    for tp, messages in polled.items()
                    for m in messages
                ]
                if records and self._deliver(records, stop):
                    self._commit(records)
                if not stop.is_set() and self.clock() >= self._next_repost:
                    self._repost_open(stop)
        finally:
            self._consumer.close(autocommit=False)
            if self._producer is not None:
                self._producer.close()

    def _deliver(self, records: list[_Record], stop: threading.Event) -> bool:
        """Post the batch until Alertmanager takes it; dead-letter what it rejects. False when
        stopped first (nothing of the batch is then committed)."""
        now = self.clock()
        labels_held = {alert_id: entry.posted for alert_id, entry in self.open.items()}
        for record in records:
            self._map(record, now, labels_held)
        postable = [r for r in records if r.alert is not None]
        if postable:
            result = self._post_retrying([a for r in postable for a in r.alerts()], stop)
            if result is None:
                return False
            if not result.ok and len(postable) == 1:
                postable[0].error = f"HTTP {result.status}: {result.body[:500]}"
            elif not result.ok:
                # Alertmanager stores the valid alerts of a batch and answers 4xx for the rest:
                # post them one by one to learn which (posting an identical alert again is a no-op).
                for record in postable:
                    alone = self._post_retrying(record.alerts(), stop)
                    if alone is None:
                        return False
                    if not alone.ok:
                        record.error = f"HTTP {alone.status}: {alone.body[:500]}"
        for record in records:
            if record.error is not None:
                self._dead_letter(record)
            else:
                self._remember(record)
        if self._producer is not None:
            self._producer.flush()
        self.metrics.open_alerts.set(len(self.open))
        return True

    def _map(self, record: _Record, now: float, labels_held: dict[str, dict[str, Any]]) -> None:
        """Map one record; `labels_held` is what Alertmanager holds per open alert_id, counting
        the earlier records of this batch. A new label set (the severity changed) resolves the old."""
        try:
            payload = json.loads(record.value) if record.value is not None else None
            alert = to_alertmanager(payload, now, self.config.ttl_s, self.config.evidence_url_template)
        except (ValueError, TypeError, KeyError) as error:  # not JSON, not the alert contract
            record.error = f"{type(error).__name__}: {error}"
            return
        record.payload, record.alert = payload, alert
        held = labels_held.get(payload["alert_id"])
        if held is not None and held["labels"] != alert["labels"]:
            record.extra.append(resolution_of(held, now))
        labels_held[payload["alert_id"]] = alert

    def _remember(self, record: _Record) -> None:
        if record.payload is None or record.alert is None:
            return
        alert_id = record.payload["alert_id"]
        if record.payload.get("end") is None:
            self.open[alert_id] = _Open(record.payload, record.partition, record.alert)
        else:
            self.open.pop(alert_id, None)

    def _post_retrying(self, alerts: list[dict[str, Any]], stop: threading.Event) -> PostResult | None:
        delay = self.config.retry_initial_s
        while not stop.is_set():
            try:
                result = self.client.post(alerts)
            except AlertmanagerUnavailable as error:
                self.metrics.posts.labels("unavailable").inc()
                if not self._failing:
                    log.warning("Alertmanager unavailable, retrying: %s", error)
                self._set_failing(True)
                self._wait(delay, stop)
                delay = min(delay * 2, self.config.retry_max_s)
                continue
            if self._failing:
                log.warning("Alertmanager answers again")
                self._set_failing(False)
                self._next_repost = 0.0  # it keeps alerts in memory only: refresh the open ones now
            if result.ok:
                self.metrics.posts.labels("ok").inc()
                self.metrics.alerts_posted.inc(len(alerts))
            else:
                self.metrics.posts.labels("rejected").inc()
            return result
        return None

    def _set_failing(self, failing: bool) -> None:
        self._failing = failing
        self.metrics.failing.set(1 if failing else 0)

    def _wait(self, delay_s: float, stop: threading.Event) -> None:
        """Sleep, but keep polling (paused) so the group does not drop us after max.poll.interval."""
        consumer = self._consumer
        deadline = time.monotonic() + delay_s
        if consumer is None:
            stop.wait(delay_s)
            return
        assigned = consumer.assignment()
        consumer.pause(*assigned)
        try:
            while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
                consumer.poll(timeout_ms=int(min(left, 0.5) * 1000) or 1)
                self._apply_rebalances()
        finally:
            consumer.resume(*consumer.assignment())

    def _repost_open(self, stop: threading.Event) -> None:
        self._next_repost = self.clock() + self.config.repost_interval_s
        if not self.open:
            return
        now = self.clock()
        entries = list(self.open.values())
        alerts = [to_alertmanager(e.payload, now, self.config.ttl_s, self.config.evidence_url_template) for e in entries]
        try:
            result = self.client.post(alerts)
        except AlertmanagerUnavailable as error:
            self.metrics.posts.labels("unavailable").inc()
            self._set_failing(True)
            log.warning("re-posting %d open alerts failed, next try in %g s: %s", len(alerts), self.config.retry_max_s, error)
            self._next_repost = self.clock() + min(self.config.retry_max_s, self.config.repost_interval_s)
            return
        if result.ok:
            self.metrics.posts.labels("ok").inc()
            self.metrics.alerts_posted.inc(len(alerts))
            self._set_failing(False)
            for entry, alert in zip(entries, alerts):
                entry.posted = alert
        else:  # they were accepted before: log, never drop an open alert on a refresh
            self.metrics.posts.labels("rejected").inc()
            log.error("Alertmanager rejected re-posted open alerts: HTTP %s %s", result.status, result.body[:500])

    def _commit(self, records: list[_Record]) -> None:
        last: dict[tuple[str, int], int] = {}
        for record in records:
            last[record.partition] = max(record.offset, last.get(record.partition, -1))
        offsets = {TopicPartition(*tp): OffsetAndMetadata(offset + 1, "", -1) for tp, offset in last.items()}
        try:
            self._consumer.commit(offsets)
        except Exception as error:  # noqa: BLE001 - CommitFailedError after a rebalance: redelivered, AM de-duplicates
            log.warning("commit after posting failed (the records will be posted again): %s", error)

    def _dead_letter(self, record: _Record) -> None:
        reason = REJECTED_REASON if record.alert is not None else UNREADABLE_REASON
        topic = self.config.alerts_topic
        raw = (record.value or b"")[:RAW_PREVIEW_LIMIT].decode("utf-8", errors="replace")
        letter = DeadLetter(reason=reason, raw=raw, source=f"topic:{topic}", detail=record.error or "")
        if self._producer is None:
            self._producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", retries=10)
        self._producer.send(
            self.config.deadletter_topic, key=letter.source.encode(), value=dumps(dead_letter_payload(letter, topic, self.clock()))
        )
        self.metrics.dead_letters.labels(reason).inc()
        log.warning("alert record %s@%d dead-lettered: %s", topic, record.offset, record.error)

    # -- rebalancing: the listener runs on kafka-python's IO thread, where nothing may block, so
    # it only queues the change; the loop applies it after each poll.

    def _apply_rebalances(self) -> None:
        while True:
            try:
                kind, partitions = self._rebalances.get_nowait()
            except queue.Empty:
                return
            if kind == "revoked":
                self._forget((tp.topic, tp.partition) for tp in partitions)
            else:
                self._rebuild(partitions)

    def _forget(self, partitions: Iterable[tuple[str, int]]) -> None:
        gone = set(partitions)
        for alert_id in [a for a, e in self.open.items() if e.partition in gone]:
            del self.open[alert_id]
        self.metrics.open_alerts.set(len(self.open))

    def _rebuild(self, partitions: list[Any], timeout_s: float = 60.0) -> None:
        """Open alerts of newly assigned partitions, read from the topic up to the group's
        committed offsets: what a previous owner posted and must go on refreshing."""
        committed = {}
        for tp in partitions:
            offset = self._consumer.committed(tp)
            if offset:
                committed[tp] = offset
        if not committed:
            return
        reader = KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False)
        latest: dict[str, tuple[dict[str, Any], tuple[str, int]]] = {}
        try:
            reader.assign(list(committed))
            reader.seek_to_beginning(*committed)
            deadline = time.monotonic() + timeout_s
            pending = set(committed)
            while pending and time.monotonic() < deadline:
                for tp, messages in reader.poll(timeout_ms=500).items():
                    for m in messages:
                        if m.offset >= committed[tp]:
                            break
                        try:
                            payload = json.loads(m.value)
                            latest[payload["alert_id"]] = (payload, (tp.topic, tp.partition))
                        except (ValueError, TypeError, KeyError):
                            continue  # it went to the dead letters when it was first read
                pending = {tp for tp in pending if reader.position(tp) < committed[tp]}
        finally:
            reader.close()
        now = self.clock()
        for alert_id, (payload, partition) in latest.items():
            if payload.get("end") is None:
                try:
                    alert = to_alertmanager(payload, now, self.config.ttl_s, self.config.evidence_url_template)
                except AlertMappingError:
                    continue
                self.open[alert_id] = _Open(payload, partition, alert)
        self.metrics.open_alerts.set(len(self.open))
        self._next_repost = 0.0
        log.info("rebuilt %d open alerts from %d partitions", len(self.open), len(committed))


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, bridge: AlertmanagerBridge) -> None:
        self.bridge = bridge

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.bridge._rebalances.put(("revoked", list(revoked)))

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.bridge._rebalances.put(("assigned", list(assigned)))
