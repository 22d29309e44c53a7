"""A missile-launch detection, as one sensor or agency reported it (topic `launch.detection`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

TIME_PRECISIONS = ("second", "day", "month")
"""How precise `detected_s` is: "day" means the report gave a date only and the time is 00:00 UTC of
it; "month" a month only (00:00 UTC of its 1st day). The CNS database has both for old tests."""
OUTCOMES = ("success", "failure", "unknown")


class LaunchFieldError(ValueError):
    """A field of a launch record is missing or out of range; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class LaunchDetection:
    """One report of a launch. Units are in the names; unknown values are None.

    `detected_s` is the launch time the report gives (epoch seconds, UTC). The launch point is always
    known here: a record that names only a site has it filled in from the site table by the parser.
    """

    detection_id: str
    detected_s: float
    source: str
    """Sensor or agency (e.g. "JP-MoD", "ROK-JCS", "CNS"); reports from different sources may fuse."""
    launch_lat: float
    launch_lon: float
    site: str | None = None
    azimuth_deg: float | None = None
    apogee_km: float | None = None
    range_km: float | None = None
    flight_time_s: float | None = None
    impact_lat: float | None = None
    impact_lon: float | None = None
    missiles: int = 1
    confidence: float | None = None
    """0..1, the source's confidence; None when it gives none."""
    time_precision: str = "second"
    missile_name: str | None = None
    reported_type: str | None = None
    """The source's own missile class (CNS: SRBM, MRBM, IRBM, ICBM, SLBM, SLV, HGV); kept as evidence,
    never used to classify."""
    outcome: str | None = None
    landing_area: str | None = None
    """A named landing area when there is no impact point (CNS: sea-of-japan, pacific-ocean, ...)."""

    def __post_init__(self) -> None:
        if not isinstance(self.detection_id, str) or not self.detection_id:
            raise LaunchFieldError("detection_id", "must be a non-empty string")
        if not isinstance(self.source, str) or not self.source:
            raise LaunchFieldError("source", "must be a non-empty string")
        _finite("detected_s", self.detected_s)
        _within("launch_lat", self.launch_lat, -90.0, 90.0)
        _within("launch_lon", self.launch_lon, -180.0, 180.0)
        if self.azimuth_deg is not None:
            _within("azimuth_deg", self.azimuth_deg, 0.0, 360.0)
        for name in ("apogee_km", "range_km", "flight_time_s"):
            value = getattr(self, name)
            if value is not None:
                _within(name, value, 0.0, math.inf)
        if (self.impact_lat is None) != (self.impact_lon is None):
            raise LaunchFieldError("impact_lat" if self.impact_lat is None else "impact_lon", "give both impact_lat and impact_lon, or neither")
        if self.impact_lat is not None and self.impact_lon is not None:
            _within("impact_lat", self.impact_lat, -90.0, 90.0)
            _within("impact_lon", self.impact_lon, -180.0, 180.0)
        if isinstance(self.missiles, bool) or not isinstance(self.missiles, int) or self.missiles < 1:
            raise LaunchFieldError("missiles", f"must be an integer >= 1, got {self.missiles!r}")
        if self.confidence is not None:
            _within("confidence", self.confidence, 0.0, 1.0)
        if self.time_precision not in TIME_PRECISIONS:
            raise LaunchFieldError("time_precision", f"must be one of {', '.join(TIME_PRECISIONS)}, got {self.time_precision!r}")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise LaunchFieldError("outcome", f"must be one of {', '.join(OUTCOMES)}, got {self.outcome!r}")
        for name in ("site", "missile_name", "reported_type", "landing_area"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise LaunchFieldError(name, "must be a non-empty string or null")


def _finite(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LaunchFieldError(field, f"must be a finite number, got {value!r}")


def _within(field: str, value: object, low: float, high: float) -> None:
    shown = f"{low:g}..{high:g}" if high != math.inf else f">= {low:g}"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not low <= value <= high:
        raise LaunchFieldError(field, f"must be a finite number in {shown}, got {value!r}")
