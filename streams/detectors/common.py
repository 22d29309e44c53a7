"""Small helpers shared by the per-vessel detectors: severity arithmetic and vessel references."""

from __future__ import annotations

from streams.domain.alerts import SEVERITIES, VesselRef
from streams.domain.reference import FlagRegistry
from streams.domain.vessel_state import VesselState

DPRK_MID = 445
"""Maritime Identification Digits of the DPRK (ITU-R M.585 table, `streams/data/mid_flags.csv`)."""


def mid_of(mmsi: int) -> int | None:
    """The MID of a ship-station MMSI (9 digits, first digit 2..7), else None."""
    if 200_000_000 <= mmsi <= 799_999_999:
        return mmsi // 1_000_000
    return None


def raise_severity(severity: str, steps: int = 1) -> str:
    """`severity` moved `steps` levels up the scale info < low < medium < high < critical."""
    return SEVERITIES[min(len(SEVERITIES) - 1, SEVERITIES.index(severity) + steps)]


def severity_for_score(score: float) -> str:
    """The additive rules' common mapping: >= 0.7 high, >= 0.4 medium, otherwise low."""
    if score >= 0.7:
        return "high"
    if score >= 0.4:
        return "medium"
    return "low"


def vessel_ref(state: VesselState, flags: FlagRegistry) -> VesselRef:
    return VesselRef(state.mmsi, state.imo, state.name, flags.flag_of(state.mmsi))


def last_position(state: VesselState) -> tuple[float, float] | None:
    if state.last_lat is None or state.last_lon is None:
        return None
    return (state.last_lat, state.last_lon)
