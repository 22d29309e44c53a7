"""The alert contract shared by every detector (see README "Alert contract" and schemas/alerts)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ALERT_TYPES = (
    "ais_gap",
    "sts_encounter",
    "loitering",
    "restricted_port_call",
    "kinematic_spoof",
    "identity_change",
    "watchlist_match",
    "draft_change",
    "kinematic_anomaly",
    "launch",
    "news_mention",
    "news_burst",
    "petroleum_cap",
    "correlated_activity",
)
SEVERITIES = ("info", "low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class VesselRef:
    mmsi: int
    imo: int | None
    name: str | None
    flag: str | None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    version: int


@dataclass(frozen=True, slots=True)
class Alert:
    """An enforcement alert. `end` is None while the activity is ongoing.

    An update of the same activity keeps `alert_id` and carries the new facts.
    """

    alert_id: str
    type: str
    severity: str
    score: float
    vessels: tuple[VesselRef, ...]
    start_s: float
    end_s: float | None
    position: tuple[float, float] | None  # (lat, lon)
    evidence: dict[str, Any]
    rule: Rule
    summary: str = field(default="")

    def __post_init__(self) -> None:
        if self.type not in ALERT_TYPES:
            raise ValueError(f"unknown alert type {self.type!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside 0..1")


def iso_utc(epoch_s: float) -> str:
    """ISO-8601 UTC with a Z suffix, to the millisecond, so ids and payloads are stable."""
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_alert_id(alert_type: str, subjects: list[str], start_s: float, rule: Rule) -> str:
    """Deterministic id from type, sorted subjects, start time and rule version.

    Replaying the same input twice, or delivering a message twice, yields the same id,
    so consumers can de-duplicate (as GFW pipe-gaps does for its gap ids).
    """
    key = "|".join([alert_type, ",".join(sorted(subjects)), iso_utc(start_s), rule.name, str(rule.version)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def alert_payload(alert: Alert, emitted_at_s: float) -> dict[str, Any]:
    """The `alerts` topic payload (schemas/alerts.v1.json)."""
    lat_lon = alert.position
    return {
        "schema_version": 1,
        "alert_id": alert.alert_id,
        "type": alert.type,
        "severity": alert.severity,
        "score": round(alert.score, 4),
        "summary": alert.summary,
        "vessels": [
            {"mmsi": v.mmsi, "imo": v.imo, "name": v.name, "flag": v.flag} for v in alert.vessels
        ],
        "start": iso_utc(alert.start_s),
        "end": None if alert.end_s is None else iso_utc(alert.end_s),
        "position": None if lat_lon is None else {"lat": lat_lon[0], "lon": lat_lon[1]},
        "evidence": alert.evidence,
        "rule": {"name": alert.rule.name, "version": alert.rule.version},
        "emitted_at": iso_utc(emitted_at_s),
    }
