"""`launch` alerts from missile-launch detections: classify, place, fuse and pace them.

`LaunchDetector.on_detection(state, detection)` is a pure function of the report, the explicit
`LaunchState` and the report's own time (the clock is event time): it returns one alert, new or an
update of the launch the report was fused into (same `alert_id`, sent again with the better estimate).

Severity (the first that applies, then tempo):

- critical: ICBM class (estimated full range > 5,500 km), an overflight of Japan, or an impact in
  Japan's EEZ (land included), as Japan's MoD treats these (J-Alert, EEZ statements);
- high: IRBM or MRBM class, a satellite launch (UN Security Council resolutions 1718, 1874, 2087
  and 2270 bar any launch using ballistic missile technology), a sea launch;
- medium: SRBM class or no range estimate (every DPRK ballistic missile launch breaches
  resolution 1718).

Tempo (a burst, several launches in one day, a first launch from a new site) does not change the
severity, which follows kind and class as the issue asks; it raises the score and is in the evidence.
Score: 0.5 / 0.7 / 0.9 for medium / high / critical, + 0.03 per tempo flag, + 0.02 per extra
source (capped at 1); its terms are in the evidence.

The alert id is `make_alert_id("launch", [key, first detection_id], first report time, RULE)` where
key is the site id (or the launch point rounded to 0.1 deg): the first report's detection id is
among the subjects because salvos fire several missiles from one site in the same minute, and
date-only records (old CNS rows) share 00:00 UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from streams.domain.alerts import Alert, Rule, iso_utc, make_alert_id
from streams.launch.classify import Classification, classify
from streams.launch.config import LaunchConfig
from streams.launch.events import LaunchDetection
from streams.launch.fusion import FusedLaunch, FusionState, add_report, best_estimate, find_launch, prune
from streams.launch.geography import GeoFacts, assess
from streams.launch.reference import LaunchReference, SiteMatch
from streams.launch.tempo import TempoState, score_and_learn

RULE = Rule("launch", 1)
SEVERITY_SCORE = {"medium": 0.5, "high": 0.7, "critical": 0.9}
_CLASS_SEVERITY = {"ICBM": "critical", "IRBM": "high", "MRBM": "high", "SRBM": "medium", None: "medium"}
_ORDER = ("info", "low", "medium", "high", "critical")


@dataclass
class LaunchState:
    """Everything the detector remembers: open launches for fusion and the tempo model. Plain data:
    it survives `pickle` and a `to_dict()` / `from_dict()` JSON round trip (a Faust table value)."""

    fusion: FusionState = field(default_factory=FusionState)
    tempo: TempoState = field(default_factory=TempoState)
    watermark_s: float | None = None
    """Newest report time seen (event time)."""

    def to_dict(self) -> dict[str, Any]:
        return {"fusion": self.fusion.to_dict(), "tempo": self.tempo.to_dict(), "watermark_s": self.watermark_s}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LaunchState:
        return cls(
            fusion=FusionState.from_dict(data.get("fusion") or {}),
            tempo=TempoState.from_dict(data.get("tempo") or {}),
            watermark_s=data.get("watermark_s"),
        )


def site_key(match: SiteMatch | None, lat: float, lon: float) -> str:
    return match.site.site_id if match is not None else f"{lat:.1f},{lon:.1f}"


class LaunchDetector:
    def __init__(self, config: LaunchConfig, reference: LaunchReference) -> None:
        self.config = config
        self.reference = reference

    def match_site(self, detection: LaunchDetection) -> SiteMatch | None:
        return self.reference.sites.match(detection.site, detection.launch_lat, detection.launch_lon, self.config.site_match_km)

    def on_detection(self, state: LaunchState, detection: LaunchDetection) -> list[Alert]:
        cfg = self.config
        state.watermark_s = detection.detected_s if state.watermark_s is None else max(state.watermark_s, detection.detected_s)
        prune(state.fusion, state.watermark_s, cfg.fusion_retention_s)
        launch = find_launch(state.fusion, detection, cfg.fusion_window_s, cfg.fusion_distance_km, cfg.default_confidence)
        if launch is None:
            match = self.match_site(detection)
            key = site_key(match, detection.launch_lat, detection.launch_lon)
            launch = FusedLaunch(
                alert_id=make_alert_id(RULE.name, [key, detection.detection_id], detection.detected_s, RULE),
                key=key,
                first_s=detection.detected_s,
            )
            first_launch_s = None if match is None else match.site.first_launch_s
            launch.tempo = score_and_learn(state.tempo, detection.detected_s, key, first_launch_s, cfg)
            state.fusion.launches.append(launch)
        add_report(launch, detection, cfg.max_reports_per_launch)
        return [self.alert_for(launch)]

    def alert_for(self, launch: FusedLaunch) -> Alert:
        cfg = self.config
        fused, provenance = best_estimate(launch.reports, cfg.default_confidence)
        match = self.match_site(fused)
        geo = assess(
            fused.launch_lat, fused.launch_lon, fused.azimuth_deg, fused.range_km, fused.impact_lat, fused.impact_lon,
            self.reference, cfg.track_step_km, cfg.sea_offshore_margin_km,
        )
        cls = classify(fused, match, geo, cfg.lofted_ratio, cfg.class_bounds_km, cfg.satellite_azimuth_deg, cfg.launch_vehicle_names)
        severity, reasons = _severity(cls, geo)
        tempo_flags = [name for name in ("burst", "several_in_one_day", "new_site") if launch.tempo.get(name)]
        sources = launch.sources()
        score_terms = {
            "severity": SEVERITY_SCORE[severity],
            "tempo_flags": round(0.03 * len(tempo_flags), 4),
            "extra_sources": round(0.02 * (len(sources) - 1), 4),
        }
        evidence = _evidence(cfg, fused, provenance, match, geo, cls, launch, sources) | {
            "severity_reasons": reasons,
            "score_terms": score_terms,
        }
        start_s = fused.detected_s
        return Alert(
            alert_id=launch.alert_id,
            type="launch",
            severity=severity,
            score=min(1.0, sum(score_terms.values())),
            vessels=(),
            start_s=start_s,
            end_s=start_s + fused.flight_time_s if fused.flight_time_s is not None else start_s,
            position=(fused.launch_lat, fused.launch_lon),
            evidence=evidence,
            rule=RULE,
            summary=_summary(fused, match, geo, cls, sources),
        )


def _raise(severity: str, to: str) -> str:
    return to if _ORDER.index(to) > _ORDER.index(severity) else severity


def _severity(cls: Classification, geo: GeoFacts) -> tuple[str, list[str]]:
    severity = _CLASS_SEVERITY[cls.range_class]
    reasons = [f"class:{cls.range_class or 'unknown'}"]
    if cls.kind in ("satellite", "sea"):
        severity = _raise(severity, "high")
        reasons.append(f"kind:{cls.kind}")
    if geo.overflies_japan:
        severity = "critical"
        reasons.append("overflight_of_japan")
    if geo.impact_in_japan_eez:
        severity = "critical"
        reasons.append("impact_in_japan_eez")
    return severity, reasons


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _evidence(
    cfg: LaunchConfig,
    fused: LaunchDetection,
    provenance: dict[str, str],
    match: SiteMatch | None,
    geo: GeoFacts,
    cls: Classification,
    launch: FusedLaunch,
    sources: list[str],
) -> dict[str, Any]:
    estimate = cls.estimate
    fit = estimate.fit
    return {
        "range_class": cls.range_class,
        "kind": cls.kind,
        "kind_basis": list(cls.kind_basis),
        "estimated_full_range_km": _round(estimate.full_range_km),
        "full_range_basis": estimate.basis,
        "lofted": estimate.lofted,
        "apogee_range_ratio": _round(estimate.apogee_range_ratio, 4),
        "lofted_ratio_threshold": cfg.lofted_ratio,
        "class_bounds_km": list(cfg.class_bounds_km),
        "ellipse": None if fit is None else {
            "burnout_speed_km_s": round(fit.burnout_speed_km_s, 4),
            "q": round(fit.q, 5),
            "flight_path_angle_deg": round(fit.flight_path_angle_deg, 2),
            "max_range_km": round(fit.max_range_km, 1),
            "orbital_speed": fit.orbital,
            "model_flight_time_s": round(fit.flight_time_s, 1),
        },
        "inputs": {
            "launch_time": iso_utc(fused.detected_s),
            "time_precision": fused.time_precision,
            "launch_lat": fused.launch_lat,
            "launch_lon": fused.launch_lon,
            "site": fused.site,
            "azimuth_deg": fused.azimuth_deg,
            "apogee_km": fused.apogee_km,
            "range_km": fused.range_km,
            "flight_time_s": fused.flight_time_s,
            "impact_lat": fused.impact_lat,
            "impact_lon": fused.impact_lon,
            "missiles": fused.missiles,
            "confidence": fused.confidence,
            "missile_name": fused.missile_name,
            "reported_type": fused.reported_type,
            "outcome": fused.outcome,
            "landing_area": fused.landing_area,
        },
        "input_sources": provenance,
        "site": None if match is None else {
            "site_id": match.site.site_id,
            "name": match.site.name,
            "lat": match.site.lat,
            "lon": match.site.lon,
            "distance_km": round(match.distance_km, 2),
            "matched_by": match.by,
            "space_launch_site": match.site.space_launch_site,
            "slbm_site": match.site.slbm_site,
        },
        "launch_at_sea": geo.launch_at_sea,
        "launch_offshore_km": None if geo.launch_offshore_km == float("inf") else round(geo.launch_offshore_km, 1),
        "track_basis": geo.track_basis,
        "track_length_km": _round(geo.track_length_km),
        "track_points": geo.track_points,
        "track_step_km": cfg.track_step_km,
        "impact_lat": _round(geo.impact_lat, 4),
        "impact_lon": _round(geo.impact_lon, 4),
        "impact_basis": geo.impact_basis,
        "overflies_japan": geo.overflies_japan,
        "overflown_islands": list(geo.overflown_islands),
        "first_overflight_km": _round(geo.first_overflight_km),
        "track_enters_japan_eez": geo.track_enters_japan_eez,
        "impact_in_japan_eez": geo.impact_in_japan_eez,
        "impact_on_japan_land": geo.impact_on_japan_land,
        "impact_distance_to_japan_land_km": _round(geo.impact_distance_to_japan_land_km),
        "fused_sources": sources,
        "report_count": len(launch.reports),
        "reports": [
            {"detection_id": r.detection_id, "source": r.source, "detected_at": iso_utc(r.detected_s), "confidence": r.confidence}
            for r in launch.reports
        ],
        "fusion_window_s": cfg.fusion_window_s,
        "fusion_distance_km": cfg.fusion_distance_km,
        "tempo": dict(launch.tempo),
    }


def _summary(fused: LaunchDetection, match: SiteMatch | None, geo: GeoFacts, cls: Classification, sources: list[str]) -> str:
    where = match.site.name if match is not None else f"{fused.launch_lat:.2f}N {fused.launch_lon:.2f}E"
    label = {"satellite": "satellite launch", "sea": "sea-launched missile", "ballistic": "missile launch"}[cls.kind]
    head = f"{cls.range_class or 'Unclassified'} {label} from {where}"
    est = cls.estimate
    if est.lofted and est.full_range_km is not None:
        head += f" (lofted: apogee {fused.apogee_km:,.0f} km, range {fused.range_km:,.0f} km, est. full range {est.full_range_km:,.0f} km)"
    elif est.full_range_km is not None:
        head += f" (est. range {est.full_range_km:,.0f} km)"
    notes = []
    if geo.overflies_japan:
        notes.append(f"overflew Japan ({', '.join(geo.overflown_islands)})")
    if geo.impact_in_japan_eez:
        notes.append("impact in Japan's EEZ")
    notes.append(f"{len(sources)} source{'s' if len(sources) != 1 else ''}")
    return f"{head}; {'; '.join(notes)}"


def run_detections(detector: LaunchDetector, detections: Iterable[LaunchDetection], state: LaunchState | None = None) -> list[Alert]:
    """Every alert emission, in order, for `detections` fed through `detector` (a fresh state unless
    one is given): the replay loop. An updated launch appears again with the same `alert_id`."""
    state = LaunchState() if state is None else state
    alerts: list[Alert] = []
    for detection in detections:
        alerts.extend(detector.on_detection(state, detection))
    return alerts


def latest_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """The last version of each alert, in order of first emission (what a compacted topic keeps)."""
    latest: dict[str, Alert] = {}
    for alert in alerts:
        latest[alert.alert_id] = alert
    return list(latest.values())
