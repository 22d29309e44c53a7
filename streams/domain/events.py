"""Typed AIS events, normalised at the boundary: "not available" sentinels are already None."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PositionReport:
    """One position report (AIS types 1/2/3 class A, 18/19 class B, or a decoded CSV row)."""

    mmsi: int
    epoch_s: float
    lat: float
    lon: float
    sog_kn: float | None
    cog_deg: float | None
    heading_deg: int | None
    nav_status: int | None
    turn_rate_deg_min: float | None
    msg_type: int
    ais_class: str  # "A" or "B"
    source: str


@dataclass(frozen=True, slots=True)
class StaticReport:
    """Static and voyage data (AIS type 5, 19, 24 A/B, or the static columns of a CSV row).

    Fields a message does not carry are None: a type 24 part A carries only the name.
    """

    mmsi: int
    epoch_s: float
    msg_type: int
    ais_class: str
    source: str
    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    ship_type: int | None = None
    length_m: float | None = None
    beam_m: float | None = None
    draught_m: float | None = None
    destination: str | None = None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """Input that could not become an event, with why: it is published, never dropped."""

    reason: str
    raw: str
    source: str
    detail: str = ""
    epoch_s: float | None = None


AisEvent = PositionReport | StaticReport
