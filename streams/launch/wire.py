"""`launch.detection` payloads (schemas/launch.detection.v1.json) <-> `LaunchDetection`.

One detection per record (launches are rare: no batching), keyed by source. The builder writes every
field; the reader also accepts records from outside producers that leave optional fields out, and a
record that gives only a site name (no launch_lat/launch_lon) gets the site's coordinates.

    >>> from streams.launch.events import LaunchDetection
    >>> d = LaunchDetection("jp-2017-11-28", 1511893080.0, "JP-MoD", 39.282, 125.869, apogee_km=4475.0, range_km=950.0)
    >>> detection_from_payload(detection_payload(d)) == d
    True
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from streams.domain.alerts import iso_utc
from streams.launch.events import LaunchDetection, LaunchFieldError
from streams.launch.reference import SiteTable

SCHEMA_VERSION = 1
KIND = "launch.detection"
FIELDS = LaunchDetection.__slots__
_WIRE_FIELDS = ("schema_version", "detected_at", *(f for f in FIELDS if f != "detected_s"))
_REQUIRED = ("schema_version", "detection_id", "detected_at", "source")
_NUMBERS = ("launch_lat", "launch_lon", "azimuth_deg", "apogee_km", "range_km", "flight_time_s", "impact_lat", "impact_lon", "confidence")
_STRINGS = ("detection_id", "source", "site", "time_precision", "missile_name", "reported_type", "outcome", "landing_area")


class LaunchRecordError(ValueError):
    """A launch record that cannot become a detection: `reason` is the dead-letter reason
    (`bad_launch_record` or `no_launch_point`), `field` the field at fault."""

    def __init__(self, reason: str, field: str, message: str, epoch_s: float | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.reason = reason
        self.field = field
        self.epoch_s = epoch_s


def detection_payload(detection: LaunchDetection) -> dict[str, Any]:
    payload: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for name in FIELDS:
        if name == "detected_s":
            payload["detected_at"] = iso_utc(detection.detected_s)
        else:
            payload[name] = getattr(detection, name)
    return payload


def parse_time(value: Any) -> float:
    """An ISO-8601 time with a UTC offset or Z, as epoch seconds."""
    if not isinstance(value, str):
        raise ValueError(f"must be an ISO-8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"not an ISO-8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"needs a UTC offset or Z: {value!r}")
    return parsed.timestamp()


def detection_from_payload(payload: Any, sites: SiteTable | None = None) -> LaunchDetection:
    """Read one record; raises `LaunchRecordError` naming the field at fault. A record without
    launch_lat/launch_lon is placed at its `site` looked up in `sites` (the packaged table when None)."""
    if not isinstance(payload, dict):
        raise LaunchRecordError("bad_launch_record", "$", f"a launch record is a JSON object, got {type(payload).__name__}")
    unknown = sorted(set(payload) - set(_WIRE_FIELDS))
    if unknown:
        raise LaunchRecordError("bad_launch_record", unknown[0], f"unknown field (fields: {', '.join(_WIRE_FIELDS)})")
    for name in _REQUIRED:
        if payload.get(name) is None:
            raise LaunchRecordError("bad_launch_record", name, "required")
    if payload["schema_version"] != SCHEMA_VERSION or isinstance(payload["schema_version"], bool):
        raise LaunchRecordError("bad_launch_record", "schema_version", f"must be {SCHEMA_VERSION}, got {payload['schema_version']!r}")
    try:
        detected_s = parse_time(payload["detected_at"])
    except ValueError as error:
        raise LaunchRecordError("bad_launch_record", "detected_at", str(error)) from None
    for name in _NUMBERS:
        value = payload.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise LaunchRecordError("bad_launch_record", name, f"must be a number or null, got {value!r}", detected_s)
    for name in _STRINGS:
        value = payload.get(name)
        if value is not None and not isinstance(value, str):
            raise LaunchRecordError("bad_launch_record", name, f"must be a string or null, got {value!r}", detected_s)
    missiles = payload.get("missiles")
    if missiles is None:
        missiles = 1
    lat, lon = payload.get("launch_lat"), payload.get("launch_lon")
    if (lat is None) != (lon is None):
        missing = "launch_lat" if lat is None else "launch_lon"
        raise LaunchRecordError("bad_launch_record", missing, "give both launch_lat and launch_lon, or neither (and a site)", detected_s)
    site = payload.get("site")
    if lat is None:
        if site is None:
            raise LaunchRecordError("no_launch_point", "launch_lat", "no launch_lat/launch_lon and no site", detected_s)
        if sites is None:
            from streams.launch.reference import load_sites

            sites = load_sites()
        known = sites.get(site)
        if known is None:
            raise LaunchRecordError("no_launch_point", "site", f"site {site!r} is not in the site table and no launch_lat/launch_lon is given", detected_s)
        lat, lon, site = known.lat, known.lon, known.site_id
    values = {name: payload.get(name) for name in FIELDS if name not in ("detected_s", "launch_lat", "launch_lon", "site", "missiles")}
    if values.get("time_precision") is None:
        values["time_precision"] = "second"
    try:
        return LaunchDetection(detected_s=detected_s, launch_lat=float(lat), launch_lon=float(lon), site=site, missiles=missiles, **values)
    except LaunchFieldError as error:
        raise LaunchRecordError("bad_launch_record", error.field, str(error).split(": ", 1)[1], detected_s) from None
