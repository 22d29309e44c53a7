"""Shared helpers for the launch tests: a detection factory and the CNS replay, computed once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from streams.domain.alerts import Alert
from streams.domain.events import DeadLetter
from streams.launch import LaunchConfig, LaunchDetection, LaunchDetector, LaunchState, load_launch_reference, parse_cns_csv
from streams.launch.wire import parse_time

ROOT = Path(__file__).resolve().parents[2]
CNS_CSV = ROOT / "examples" / "nk_missile_tests.csv"
T0 = parse_time("2017-11-28T18:18:00Z")
"""The Hwasong-15 launch."""


def detection(detection_id: str = "d-1", detected_s: float = T0, source: str = "JP-MoD", lat: float = 39.282, lon: float = 125.869, **fields: Any) -> LaunchDetection:
    return LaunchDetection(detection_id=detection_id, detected_s=detected_s, source=source, launch_lat=lat, launch_lon=lon, **fields)


def detector(**config: Any) -> LaunchDetector:
    return LaunchDetector(LaunchConfig(**config), load_launch_reference())


def one_alert(d: LaunchDetection, state: LaunchState | None = None, **config: Any) -> Alert:
    (alert,) = detector(**config).on_detection(LaunchState() if state is None else state, d)
    return alert


@cache
def cns_records() -> tuple[LaunchDetection | DeadLetter, ...]:
    with CNS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(parse_cns_csv(handle, source="cns"))


@cache
def cns_replay() -> tuple[tuple[Alert, ...], LaunchState]:
    """Every alert emission of the whole CNS database through a default detector, and the end state."""
    state = LaunchState()
    run = detector()
    alerts: list[Alert] = []
    for record in cns_records():
        if isinstance(record, LaunchDetection):
            alerts.extend(run.on_detection(state, record))
    return tuple(alerts), state
