"""Fusion: reports of the same launch from several sensors or agencies become one launch, whose
alert is updated with the best estimate instead of raising one alert per report.

A report joins an open launch when

- it is a revision: the same source already reported it under the same `detection_id`; or
- its launch time is within `fusion_window_s` of the launch's best time (widened by a day for a
  date-only report, 31 days for a month-only one) and its launch point within
  `fusion_distance_km`, and no *other* report of that launch comes from the same source: a source
  that reports two launches minutes apart from one site (a salvo) has seen two missiles.

Among several candidates the nearest wins (time and distance, each over its window). The best
estimate takes each field from the most confident report that gives it (ties: the later report,
as agencies revise their first estimates); the launch time prefers the most precise report; the
number of missiles is the largest reported; the fused confidence is 1 - prod(1 - c_i) over the
sources (independent sources, a noisy-OR).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from streams.launch.events import TIME_PRECISIONS, LaunchDetection
from streams.launch.geography import distance_km

PRECISION_SLACK_S = {"second": 0.0, "day": 86_400.0, "month": 31 * 86_400.0}
"""How far after `detected_s` the real launch time may be, by `time_precision`."""

_FIELD_GROUPS: tuple[tuple[str, ...], ...] = (
    ("azimuth_deg",),
    ("apogee_km",),
    ("range_km",),
    ("flight_time_s",),
    ("impact_lat", "impact_lon"),
    ("missile_name",),
    ("reported_type",),
    ("outcome",),
    ("landing_area",),
)


@dataclass
class FusedLaunch:
    """One launch and the reports fused into it. `alert_id` is fixed by the first report."""

    alert_id: str
    key: str
    """The site id, or the launch point rounded to 0.1 deg, of the first report."""
    first_s: float
    reports: list[LaunchDetection] = field(default_factory=list)
    tempo: dict[str, Any] = field(default_factory=dict)
    """Tempo facts computed when the launch was first reported (updates keep them)."""

    @property
    def last_report_s(self) -> float:
        """Latest launch time any report allows (a date-only report: the end of its day)."""
        return max(r.detected_s + PRECISION_SLACK_S[r.time_precision] for r in self.reports)

    def sources(self) -> list[str]:
        return sorted({r.source for r in self.reports})

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "key": self.key,
            "first_s": self.first_s,
            "reports": [dataclasses.asdict(r) for r in self.reports],
            "tempo": self.tempo,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FusedLaunch:
        return cls(
            alert_id=data["alert_id"],
            key=data["key"],
            first_s=float(data["first_s"]),
            reports=[LaunchDetection(**r) for r in data["reports"]],
            tempo=dict(data.get("tempo") or {}),
        )


@dataclass
class FusionState:
    launches: list[FusedLaunch] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"launches": [launch.to_dict() for launch in self.launches]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FusionState:
        return cls([FusedLaunch.from_dict(item) for item in data.get("launches", [])])


def _confidence(report: LaunchDetection, default: float) -> float:
    return default if report.confidence is None else report.confidence


def best_estimate(reports: list[LaunchDetection], default_confidence: float) -> tuple[LaunchDetection, dict[str, str]]:
    """The fused detection and, per field group, the `source:detection_id` it was taken from."""
    if not reports:
        raise ValueError("no reports to fuse")
    ranked = sorted(range(len(reports)), key=lambda i: (_confidence(reports[i], default_confidence), i), reverse=True)
    precision_rank = {p: n for n, p in enumerate(reversed(TIME_PRECISIONS))}  # "second" ranks highest
    timed = max(range(len(reports)), key=lambda i: (precision_rank[reports[i].time_precision], _confidence(reports[i], default_confidence), i))
    point = ranked[0]
    values: dict[str, Any] = {
        "detected_s": reports[timed].detected_s,
        "time_precision": reports[timed].time_precision,
        "launch_lat": reports[point].launch_lat,
        "launch_lon": reports[point].launch_lon,
        "site": reports[point].site,
    }

    def tag(i: int) -> str:
        return f"{reports[i].source}:{reports[i].detection_id}"

    provenance = {"detected_s": tag(timed), "launch_point": tag(point)}
    for group in _FIELD_GROUPS:
        for i in ranked:
            if getattr(reports[i], group[0]) is not None:
                values.update({name: getattr(reports[i], name) for name in group})
                provenance[group[0] if len(group) == 1 else "impact_point"] = tag(i)
                break
    if values.get("site") is None:
        named = next((reports[i].site for i in ranked if reports[i].site is not None), None)
        values["site"] = named
    unsure = 1.0
    by_source: dict[str, float] = {}
    for report in reports:
        by_source[report.source] = max(by_source.get(report.source, 0.0), _confidence(report, default_confidence))
    for confidence in by_source.values():
        unsure *= 1.0 - confidence
    fused = LaunchDetection(
        detection_id=reports[0].detection_id,
        source=",".join(sorted(by_source)),
        missiles=max(r.missiles for r in reports),
        confidence=round(1.0 - unsure, 6),
        **values,
    )
    return fused, provenance


def _interval_gap_s(a: LaunchDetection, b: LaunchDetection) -> float:
    """Seconds between the launch-time intervals [t, t + slack] of two reports (0 if they overlap)."""
    a0, a1 = a.detected_s, a.detected_s + PRECISION_SLACK_S[a.time_precision]
    b0, b1 = b.detected_s, b.detected_s + PRECISION_SLACK_S[b.time_precision]
    return max(0.0, a0 - b1, b0 - a1)


def find_launch(
    state: FusionState, detection: LaunchDetection, window_s: float, max_distance_km: float, default_confidence: float
) -> FusedLaunch | None:
    """The open launch this report belongs to, or None for a new launch."""
    for launch in state.launches:
        if any(r.source == detection.source and r.detection_id == detection.detection_id for r in launch.reports):
            return launch
    best: tuple[float, FusedLaunch] | None = None
    for launch in state.launches:
        if any(r.source == detection.source for r in launch.reports):
            continue
        fused, _ = best_estimate(launch.reports, default_confidence)
        gap_s = _interval_gap_s(fused, detection)
        apart_km = distance_km(fused.launch_lat, fused.launch_lon, detection.launch_lat, detection.launch_lon)
        if gap_s <= window_s and apart_km <= max_distance_km:
            score = gap_s / window_s + apart_km / max_distance_km
            if best is None or score < best[0]:
                best = (score, launch)
    return None if best is None else best[1]


def add_report(launch: FusedLaunch, detection: LaunchDetection, max_reports: int) -> None:
    """Add a report, replacing an earlier version of it (same source and detection_id); keep the
    first report (it fixed the alert id) and the newest others up to `max_reports`."""
    launch.reports = [
        r for r in launch.reports if not (r.source == detection.source and r.detection_id == detection.detection_id)
    ] + [detection]
    if len(launch.reports) > max_reports:
        launch.reports = launch.reports[:1] + launch.reports[len(launch.reports) - max_reports + 1 :]


def prune(state: FusionState, watermark_s: float, retention_s: float) -> None:
    """Close launches whose newest report is older than `retention_s` before the watermark."""
    state.launches = [launch for launch in state.launches if launch.last_report_s >= watermark_s - retention_s]
