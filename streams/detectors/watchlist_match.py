"""`watchlist_match`: a vessel whose identity matches a sanctions-list entry (OFAC SDN, UN, own lists).

An IMO or MMSI hit is strong evidence; a name-only hit (rapidfuzz similarity, see
`streams.watchlist`) is weaker and so scored and graded lower. One alert per (vessel, entry):
a vessel that keeps reporting a listed identity is not alerted again.
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.detectors.common import DPRK_MID, last_position, mid_of, vessel_ref
from streams.domain.alerts import Alert, Rule, iso_utc, make_alert_id
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import VesselState
from streams.watchlist import Watchlist, WatchlistHit

RULE = Rule("watchlist_match", 1)
STRONG_KINDS = ("imo", "imo_linked", "mmsi")


@dataclass(frozen=True, slots=True)
class WatchlistMatchConfig:
    min_confidence: float = 0.6
    """Hits below this confidence are not alerts. A name-only hit scores 0.7 x its similarity
    (`streams.watchlist.WatchlistConfig`), so 0.6 keeps names at least ~86 % similar: our
    choice, between rapidfuzz's cutoff of 88 and letting every spelling variant through."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("watchlist_match: min_confidence must be within 0..1")


class WatchlistMatchDetector:
    def __init__(self, config: WatchlistMatchConfig, reference: ReferenceData, watchlist: Watchlist | None) -> None:
        self.config = config
        self.reference = reference
        self.watchlist = watchlist

    def on_identity(self, state: VesselState, epoch_s: float) -> list[Alert]:
        """Check the vessel's identity as known now (after a static report, or at its first position)."""
        if self.watchlist is None:
            return []
        alerts = []
        for hit in self.watchlist.match(state.mmsi, state.imo, state.name):
            entry_id = hit.entry.entry_id
            if hit.confidence < self.config.min_confidence or entry_id in state.watchlist_hits:
                continue
            state.watchlist_hits.append(entry_id)
            alerts.append(self._alert(state, hit, epoch_s))
        return alerts

    def _alert(self, state: VesselState, hit: WatchlistHit, epoch_s: float) -> Alert:
        entry = hit.entry
        dprk_flag = mid_of(state.mmsi) == DPRK_MID
        strong = hit.kind in STRONG_KINDS
        severity = ("critical" if dprk_flag else "high") if strong else "medium"
        evidence = {
            "hit_kind": hit.kind,
            "hit_kinds": list(hit.kinds),
            "confidence": round(hit.confidence, 4),
            "matched_alias": hit.matched_alias,
            "name_score": None if hit.name_score is None else round(hit.name_score, 4),
            "imo_conflict": hit.imo_conflict,
            "reported": {"mmsi": state.mmsi, "imo": state.imo, "name": state.name, "callsign": state.callsign},
            "reported_at": iso_utc(epoch_s),
            "entry": {
                "name": entry.name, "source": entry.source, "source_ref": entry.source_ref, "imo": entry.imo,
                "mmsi": entry.mmsi, "flag": entry.flag, "programmes": list(entry.programmes),
                "listed_on": None if entry.listed_on is None else entry.listed_on.isoformat(), "basis": entry.basis,
            },
            "dprk_mid": dprk_flag,
        }
        return Alert(
            alert_id=make_alert_id(RULE.name, [str(state.mmsi), hit.entry.entry_id], epoch_s, RULE),
            type="watchlist_match",
            severity=severity,
            score=min(1.0, hit.confidence),
            vessels=(vessel_ref(state, self.reference.flags),),
            start_s=epoch_s,
            end_s=epoch_s,
            position=last_position(state),
            evidence=evidence,
            rule=RULE,
            summary=f"MMSI {state.mmsi} ({state.name or 'unknown'}) matches {entry.source} entry {entry.name} by {hit.kind}",
        )
