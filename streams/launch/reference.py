"""Launch reference data: sites, Japan's land and EEZ, the Korean Peninsula (see streams/data/PROVENANCE.md).

- `launch_sites.csv`: the 55 launch facilities of the CNS North Korea Missile Test Database -> `SiteTable`
- `japan.geojson`: Japan's main islands (`kind` "land") and its approximate EEZ (`kind` "eez")
- `korea.geojson`: the Korean Peninsula and Jeju (`kind` "land"), for the "launch point at sea" test

`load_launch_reference()` reads the packaged files once per process; paths replace them. A bad
file raises `UserError` naming it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from calendar import timegm
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from streams.domain.geo import haversine_m
from streams.domain.reference import Area, AreaSet
from streams.errors import UserError
from streams.refdata import areas_from_geojson

_DATA = resources.files("streams") / "data"
SITES_FILE = "launch_sites.csv"
JAPAN_FILE = "japan.geojson"
KOREA_FILE = "korea.geojson"
SITE_COLUMNS = ("site_id", "name", "lat", "lon", "space_launch_site", "slbm_site", "first_launch", "launches")


@dataclass(frozen=True, slots=True)
class LaunchSite:
    site_id: str
    name: str
    lat: float
    lon: float
    space_launch_site: bool
    """A satellite launching station (Sohae, Tonghae)."""
    slbm_site: bool
    """The CNS database records a submarine-launched ballistic missile fired here."""
    first_launch_s: float | None
    """00:00 UTC of the first launch the database records here (the 1st of the month if it gives a month)."""
    launches: int
    """Launches the database records here (1984-2026)."""


@dataclass(frozen=True, slots=True)
class SiteMatch:
    site: LaunchSite
    distance_km: float
    by: str
    """"name" (the report named it) or "position" (nearest site within the match radius)."""


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class SiteTable:
    """Launch sites by id or name (case, spaces and punctuation ignored) and by position."""

    def __init__(self, sites: list[LaunchSite]) -> None:
        self._sites = tuple(sites)
        self._by_key: dict[str, LaunchSite] = {}
        for site in self._sites:
            self._by_key.setdefault(_norm(site.site_id), site)
            self._by_key.setdefault(_norm(site.name), site)

    def __len__(self) -> int:
        return len(self._sites)

    def __iter__(self):
        return iter(self._sites)

    def get(self, name: str | None) -> LaunchSite | None:
        return None if not name else self._by_key.get(_norm(name))

    def nearest(self, lat: float, lon: float) -> tuple[LaunchSite, float] | None:
        """The nearest site and its distance in km (a linear scan: there are a few dozen)."""
        best: tuple[LaunchSite, float] | None = None
        for site in self._sites:
            d_km = haversine_m(lat, lon, site.lat, site.lon) / 1000.0
            if best is None or d_km < best[1]:
                best = (site, d_km)
        return best

    def match(self, name: str | None, lat: float, lon: float, radius_km: float) -> SiteMatch | None:
        """The site a report names, else the nearest within `radius_km` of its launch point."""
        named = self.get(name)
        if named is not None:
            return SiteMatch(named, haversine_m(lat, lon, named.lat, named.lon) / 1000.0, "name")
        nearest = self.nearest(lat, lon)
        if nearest is not None and nearest[1] <= radius_km:
            return SiteMatch(nearest[0], nearest[1], "position")
        return None


@dataclass(frozen=True, slots=True)
class LaunchReference:
    sites: SiteTable
    japan_land: AreaSet
    """One region per island, named after it."""
    japan_eez: AreaSet
    korea_land: AreaSet


def load_launch_reference(
    sites_path: str | Path | None = None, japan_path: str | Path | None = None, korea_path: str | Path | None = None
) -> LaunchReference:
    """Sites, Japan's land and EEZ, Korea's land; each path replaces the packaged file."""
    if sites_path is None and japan_path is None and korea_path is None:
        return _default_reference()
    japan_land, japan_eez = load_japan(japan_path)
    return LaunchReference(load_sites(sites_path), japan_land, japan_eez, load_korea(korea_path))


@cache
def _default_reference() -> LaunchReference:
    japan_land, japan_eez = load_japan()
    return LaunchReference(load_sites(), japan_land, japan_eez, load_korea())


def _read(path: str | Path | None, packaged: str, what: str) -> tuple[str, str]:
    if path is None:
        return (_DATA / packaged).read_text(encoding="utf-8"), f"packaged {packaged}"
    try:
        return Path(path).read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise UserError(f"{what} file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {what} file {path}: {error}") from None


def date_start_s(text: str) -> float:
    """00:00 UTC of a `YYYY-MM-DD` date, or of the 1st of a `YYYY-MM` month, as epoch seconds."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text.strip())
    if match is None:
        raise ValueError(f"not a YYYY-MM-DD or YYYY-MM date: {text!r}")
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise ValueError(f"not a valid date: {text!r}")
    date(year, month, day)  # raises ValueError on 2023-02-30
    return float(timegm((year, month, day, 0, 0, 0)))


def sites_from_csv(text: str, where: str = "sites CSV") -> SiteTable:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in SITE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UserError(f"{where}: missing column(s) {', '.join(missing)} (need {', '.join(SITE_COLUMNS)})")
    sites: list[LaunchSite] = []
    for number, row in enumerate(reader, start=2):
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or not math.isfinite(lat + lon):
                raise ValueError(f"lat/lon {lat}, {lon} out of range")
            flags = {}
            for column in ("space_launch_site", "slbm_site"):
                value = row[column].strip().lower()
                if value not in ("true", "false"):
                    raise ValueError(f"{column} must be true or false, got {row[column]!r}")
                flags[column] = value == "true"
            sites.append(LaunchSite(
                site_id=row["site_id"].strip(), name=row["name"].strip(), lat=lat, lon=lon,
                space_launch_site=flags["space_launch_site"], slbm_site=flags["slbm_site"],
                first_launch_s=date_start_s(row["first_launch"]) if row["first_launch"].strip() else None,
                launches=int(row["launches"] or 0),
            ))
        except (ValueError, TypeError, AttributeError) as error:
            raise UserError(f"{where}: line {number}: {error}") from None
        if not sites[-1].site_id:
            raise UserError(f"{where}: line {number}: empty site_id")
    return SiteTable(sites)


@cache
def _packaged_sites() -> SiteTable:
    text, where = _read(None, SITES_FILE, "launch sites")
    return sites_from_csv(text, where)


def load_sites(path: str | Path | None = None) -> SiteTable:
    if path is None:
        return _packaged_sites()
    text, where = _read(path, SITES_FILE, "launch sites")
    return sites_from_csv(text, where)


def _areas_by_kind(path: str | Path | None, packaged: str, what: str) -> tuple[dict[str, list[Area]], str]:
    text, where = _read(path, packaged, what)
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{what} file {where} is not valid JSON: {error}") from None
    areas = areas_from_geojson(document, where)  # validates the whole collection
    kinds: dict[str, list[Area]] = {}
    index = 0
    for feature in document["features"]:
        geometry = feature["geometry"]
        count = 1 if geometry["type"] == "Polygon" else len(geometry["coordinates"])
        kind = feature["properties"].get("kind")
        kinds.setdefault(kind if isinstance(kind, str) else "", []).extend(areas[index : index + count])
        index += count
    return kinds, where


def load_japan(path: str | Path | None = None) -> tuple[AreaSet, AreaSet]:
    """(land, EEZ): features with `properties.kind` "land" (one per island) and "eez"."""
    kinds, where = _areas_by_kind(path, JAPAN_FILE, "Japan geography")
    if not kinds.get("land") or not kinds.get("eez"):
        raise UserError(f"{where}: needs features with properties.kind 'land' and 'eez'")
    return AreaSet(kinds["land"]), AreaSet(kinds["eez"])


def load_korea(path: str | Path | None = None) -> AreaSet:
    kinds, where = _areas_by_kind(path, KOREA_FILE, "Korea geography")
    if not kinds.get("land"):
        raise UserError(f"{where}: needs features with properties.kind 'land'")
    return AreaSet(kinds["land"])
