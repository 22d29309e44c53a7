"""`identity_change`: a vessel's identity changes or cannot be right (ID manipulation, flag hopping).

Per MMSI (state in `VesselState`):
- a static report changes the name, callsign, IMO number or ship type the vessel was known by
  (`static_change`; a change straight back to the value held before, within `revert_window_s`,
  is the same confusion, e.g. two transmitters sharing one MMSI, and is not raised again);
- the MMSI is a placeholder (`placeholder_mmsi`: 123456789, nine equal digits...) or its MID
  is allocated to no administration (`unallocated_mid`, ITU-R M.585 table);
- the IMO number fails its check digit (`invalid_imo`).
Across vessels (state in an explicit `IdentityIndex`, IMO -> the MMSIs that reported it):
- an IMO number appears under a new MMSI (`imo_new_mmsi`: re-flagging). A single clean
  re-registration is routine (a sale, a new flag) and is not raised unless
  `alert_on_clean_reflag`; it is raised when a DPRK MMSI (MID 445) is involved, now or within
  `dprk_recent_s`, or when the IMO has had `hop_min_mmsis` MMSIs within `hop_window_s`
  (flag hopping, US advisories of 2018-2020, UN Panel of Experts);
- an MMSI the IMO had left reports it again after the new one appeared (`imo_shared`): two
  live transmitters claim one hull, the "identity laundering" the UN Panel documents.

Sources: DOMAIN.md (UN Panel of Experts: MMSI spoofing, identity laundering, false flags and flag
hopping; Windward "ID manipulation, MMSI change"), ITU-R M.585 (MMSI = MID + 6 digits), IMO
resolution A.1117(30) (IMO ship identification number: 7 digits, the last a check digit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from streams.detectors.common import DPRK_MID, last_position, mid_of, raise_severity, severity_for_score, vessel_ref
from streams.domain.alerts import Alert, Rule, VesselRef, iso_utc, make_alert_id
from streams.domain.events import AisEvent, PositionReport, StaticReport
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import VesselState

RULE = Rule("identity_change", 1)
DAY_S = 86_400.0
IMO_HISTORY_KEPT = 8
"""MMSIs remembered per IMO number (the most recently seen); enough to count flag hops."""

IDENTITY_FIELDS = ("name", "callsign", "imo", "ship_type")
FIELD_WEIGHTS = {"name": 0.3, "callsign": 0.2, "imo": 0.4, "ship_type": 0.1}
"""Score of a change of each field: an IMO number belongs to the hull for life, so changing it on
one transponder is the strongest sign; ship types are often corrected, so the weakest."""


def imo_check_digit_ok(imo: int) -> bool:
    """True for a 7-digit IMO number whose last digit is the check digit: the sum of the first six
    digits weighted 7, 6, 5, 4, 3, 2, modulo 10 (IMO resolution A.1117(30)).

    >>> imo_check_digit_ok(9074729), imo_check_digit_ok(9074728), imo_check_digit_ok(123)
    (True, False, False)
    """
    if not 1_000_000 <= imo <= 9_999_999:
        return False
    digits = [int(d) for d in str(imo)]
    return sum(d * w for d, w in zip(digits[:6], (7, 6, 5, 4, 3, 2), strict=True)) % 10 == digits[6]


def is_repeated_digits(mmsi: int) -> bool:
    """111111111 ... 999999999: nine equal digits, a typical unconfigured transponder."""
    text = str(mmsi)
    return len(text) == 9 and len(set(text)) == 1


@dataclass(frozen=True, slots=True)
class IdentityConfig:
    placeholder_mmsis: tuple[int, ...] = (123456789, 987654321, 12345678, 1234567, 1193046)
    """MMSIs that transponders ship with or that users type in: sequences, and 1193046 (0x123456),
    a factory default of some class B sets. DOMAIN.md: "placeholder MMSIs (0, 123456789, ...) are
    signals" (0 never gets here: the decoder dead-letters it). Nine equal digits count too."""
    check_mid: bool = True
    """Raise an MMSI whose MID (first three of nine digits, 2xx-7xx) ITU allocated to no one."""
    check_imo_digit: bool = True
    """Raise an IMO number with a wrong check digit (IMO resolution A.1117(30))."""
    revert_window_s: float = DAY_S
    """A change back to the value held just before, within this time of the first change, is not
    raised again: two transmitters sharing an MMSI alternate their static reports, which ITU-R
    M.1371 sends every 6 min, and GFW gpsdio-segment notes one MMSI broadcast by several ships.
    One day: our choice, several hundred alternations."""
    dprk_recent_s: float = 365 * DAY_S
    """An IMO that left a DPRK MMSI within this time is a "recent change away from" the DPRK flag:
    UN Panel reports follow DPRK-linked hulls re-flagged within months; 12 months is the sanctions
    reporting year (UNSCR 2397 op. 5 counts over 12 months)."""
    hop_window_s: float = 365 * DAY_S
    """Window for counting an IMO's MMSIs (flag hopping)."""
    hop_min_mmsis: int = 3
    """MMSIs of one IMO within `hop_window_s` that make flag hopping: one re-registration a year is
    routine trade (sale, re-flag), a third identity within 12 months is not. Our choice; the US
    advisories (2018, 2019, 2020) name flag hopping without a number."""
    share_grace_s: float = 3600.0
    """An MMSI the IMO had left that reports it again more than this after the new MMSI first did
    means two live transmitters (`imo_shared`); within it, late copies of a re-registration made
    at sea. 1 h: ten static-report intervals (ITU-R M.1371: static data every 6 min)."""
    sighting_interval_s: float = 3600.0
    """A vessel reports its IMO to the cross-vessel index at most this often (and at once when it
    changes): the index's "last seen" is then accurate to 1 h, well within `share_grace_s`
    decisions, and the worker's identity topic carries one record per vessel-hour."""
    alert_on_clean_reflag: bool = False
    """Also raise (severity info) an IMO moving to a new MMSI with no aggravating fact."""

    def __post_init__(self) -> None:
        if self.revert_window_s < 0 or self.dprk_recent_s < 0 or self.hop_window_s <= 0:
            raise ValueError("identity_change: windows must be positive")
        if not 2 <= self.hop_min_mmsis <= IMO_HISTORY_KEPT:
            raise ValueError(f"identity_change: hop_min_mmsis must be 2..{IMO_HISTORY_KEPT}")
        if self.share_grace_s < 0 or self.sighting_interval_s < 0:
            raise ValueError("identity_change: share_grace_s and sighting_interval_s must be >= 0")


# --- the cross-vessel index -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImoSighting:
    """One vessel reporting an IMO number: what the per-MMSI side hands the IMO index.

    In the worker it would be a record of its own topic keyed by IMO (see `IdentityIndex`)."""

    imo: int
    mmsi: int
    epoch_s: float
    name: str | None
    lat: float | None
    lon: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"imo": self.imo, "mmsi": self.mmsi, "epoch_s": self.epoch_s, "name": self.name, "lat": self.lat, "lon": self.lon}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImoSighting:
        return cls(data["imo"], data["mmsi"], data["epoch_s"], data.get("name"), data.get("lat"), data.get("lon"))


@dataclass(slots=True)
class ImoHolder:
    """One MMSI that reported an IMO number: first and last seen, and the name it gave."""

    mmsi: int
    first_seen_s: float
    last_seen_s: float
    name: str | None = None
    shared_alerted: bool = False
    """Raised in an `imo_shared` alert (either side of the pair): raised once per MMSI and IMO."""


@dataclass(slots=True)
class ImoRecord:
    """What the index knows of one IMO number: its MMSIs, oldest first; the last is the current."""

    holders: list[ImoHolder] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"holders": [[h.mmsi, h.first_seen_s, h.last_seen_s, h.name, h.shared_alerted] for h in self.holders]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImoRecord:
        return cls([ImoHolder(*row) for row in data.get("holders", [])])


class ImoStore(Protocol):
    def get(self, imo: int) -> ImoRecord | None: ...
    def put(self, imo: int, record: ImoRecord) -> None: ...


class IdentityIndex:
    """IMO number -> `ImoRecord`: the cross-vessel state of `identity_change`, passed explicitly.

    Replay keeps it in this in-memory dict. A worker keyed by MMSI cannot hold it in its vessel
    table (one IMO's MMSIs live on different partitions): it needs a topic of `ImoSighting`
    records keyed by IMO and an agent with a table keyed by IMO that implements `ImoStore` over
    `ImoRecord.to_dict/from_dict` and calls `IdentityDetector.on_imo_sighting`.
    """

    def __init__(self) -> None:
        self._records: dict[int, ImoRecord] = {}

    def get(self, imo: int) -> ImoRecord | None:
        return self._records.get(imo)

    def put(self, imo: int, record: ImoRecord) -> None:
        self._records[imo] = record

    def __len__(self) -> int:
        return len(self._records)

    def to_dict(self) -> dict[str, Any]:
        return {str(imo): record.to_dict() for imo, record in self._records.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IdentityIndex:
        index = cls()
        for imo, record in data.items():
            index.put(int(imo), ImoRecord.from_dict(record))
        return index


# --- the detector -----------------------------------------------------------------------------


def _same(field_name: str, a: Any, b: Any) -> bool:
    if field_name in ("name", "callsign") and isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).upper() == " ".join(b.split()).upper()
    return a == b


class IdentityDetector:
    def __init__(self, config: IdentityConfig, reference: ReferenceData) -> None:
        self.config = config
        self.reference = reference
        self._placeholders = frozenset(config.placeholder_mmsis)

    # per MMSI

    def check_mmsi(self, state: VesselState, event: AisEvent) -> list[Alert]:
        """Once per vessel, on its first event: a placeholder MMSI or an unallocated MID."""
        state.mmsi_checked = True
        mmsi = state.mmsi
        if mmsi in self._placeholders or is_repeated_digits(mmsi):
            kind, why = "placeholder_mmsi", "a placeholder MMSI"
        elif self.config.check_mid and (mid := mid_of(mmsi)) is not None and not self.reference.flags.is_allocated(mid):
            kind, why = "unallocated_mid", f"MID {mid} allocated to no administration"
        else:
            return []
        position = (event.lat, event.lon) if isinstance(event, PositionReport) else last_position(state)
        evidence = {
            "kind": kind,
            "mmsi": mmsi,
            "mid": mid_of(mmsi),
            "first_seen": iso_utc(event.epoch_s),
            "score_terms": {"base": 0.5},
        }
        return [self._alert(state, kind, event.epoch_s, "medium", 0.5, position, evidence, f"MMSI {mmsi}: {why}")]

    def on_static(self, state: VesselState, report: StaticReport) -> list[Alert]:
        """Call before `state.apply_static(report)`: the state still holds the known identity."""
        alerts: list[Alert] = []
        changes: dict[str, dict[str, Any]] = {}
        for name in IDENTITY_FIELDS:
            new = getattr(report, name)
            if new is None:
                continue
            old = getattr(state, name)
            if old is None or _same(name, old, new):
                continue
            since_s = getattr(state, f"{name}_since_s")
            if (
                _same(name, getattr(state, f"prev_{name}"), new)
                and since_s is not None
                and report.epoch_s - since_s <= self.config.revert_window_s
            ):
                continue  # straight back to the value before: the same confusion, raised once
            changes[name] = {
                "before": old,
                "before_first_seen": None if since_s is None else iso_utc(since_s),
                "after": new,
                "after_first_seen": iso_utc(report.epoch_s),
            }
        if changes:
            alerts.append(self._static_change(state, report, changes))
        imo = report.imo
        if (
            self.config.check_imo_digit
            and imo is not None
            and imo != state.invalid_imo_alerted
            and not imo_check_digit_ok(imo)
        ):
            state.invalid_imo_alerted = imo
            alerts.append(self._invalid_imo(state, report, imo))
        return alerts

    def sighting(self, state: VesselState, epoch_s: float) -> ImoSighting | None:
        """Call after `apply_static`: the IMO sighting to hand the index, if one is due."""
        imo = state.imo
        if imo is None:
            return None
        if (
            imo == state.imo_sighting
            and state.imo_sighting_s is not None
            and epoch_s - state.imo_sighting_s < self.config.sighting_interval_s
        ):
            return None
        state.imo_sighting, state.imo_sighting_s = imo, epoch_s
        return ImoSighting(imo, state.mmsi, epoch_s, state.name, state.last_lat, state.last_lon)

    # across vessels

    def on_imo_sighting(self, index: ImoStore, sighting: ImoSighting) -> list[Alert]:
        """Update the IMO's record with one sighting; raise re-flagging or a shared identity."""
        record = index.get(sighting.imo)
        if record is None:
            record = ImoRecord()
        holders = record.holders
        known = next((h for h in holders if h.mmsi == sighting.mmsi), None)
        alerts: list[Alert] = []
        if known is None:
            if holders:
                alert = self._new_mmsi(record, sighting)
                if alert is not None:
                    alerts.append(alert)
            holders.append(ImoHolder(sighting.mmsi, sighting.epoch_s, sighting.epoch_s, sighting.name))
            if len(holders) > IMO_HISTORY_KEPT:
                holders.sort(key=lambda h: h.last_seen_s)
                del holders[0]
        else:
            known.last_seen_s = max(known.last_seen_s, sighting.epoch_s)
            if sighting.name is not None:
                known.name = sighting.name
            current = holders[-1]
            if current is not known:
                if not known.shared_alerted and sighting.epoch_s - current.first_seen_s > self.config.share_grace_s:
                    known.shared_alerted = current.shared_alerted = True  # one alert per pair
                    alerts.append(self._shared(known, current, sighting))
                # the MMSI reporting now is the current holder; keep the list ordered by recency
                holders.remove(known)
                holders.append(known)
        index.put(sighting.imo, record)
        return alerts

    # alerts

    def _static_change(self, state: VesselState, report: StaticReport, changes: dict[str, dict[str, Any]]) -> Alert:
        terms = {f"{name}_changed": FIELD_WEIGHTS[name] for name in changes}
        dprk = mid_of(state.mmsi) == DPRK_MID
        terms["dprk_flag"] = 0.3 if dprk else 0.0
        score = min(1.0, sum(terms.values()))
        severity = severity_for_score(score)
        evidence = {
            "kind": "static_change",
            "changes": changes,
            "fields_changed": sorted(changes),
            "reported_at": iso_utc(report.epoch_s),
            "dprk_flag": dprk,
            "score_terms": terms,
        }
        what = ", ".join(f"{name} {c['before']!r} -> {c['after']!r}" for name, c in changes.items())
        return self._alert(
            state, "static_change", report.epoch_s, severity, score, last_position(state), evidence,
            f"MMSI {state.mmsi} changed {what}",
        )

    def _invalid_imo(self, state: VesselState, report: StaticReport, imo: int) -> Alert:
        dprk = mid_of(state.mmsi) == DPRK_MID
        terms = {"base": 0.3, "dprk_flag": 0.3 if dprk else 0.0}
        evidence = {
            "kind": "invalid_imo",
            "imo_reported": imo,
            "reported_at": iso_utc(report.epoch_s),
            "dprk_flag": dprk,
            "score_terms": terms,
        }
        score = sum(terms.values())
        return self._alert(
            state, "invalid_imo", report.epoch_s, severity_for_score(score), score, last_position(state), evidence,
            f"MMSI {state.mmsi} ({state.name or report.name or 'unknown'}) reports IMO {imo}, whose check digit is wrong",
            imo=imo,
        )

    def _new_mmsi(self, record: ImoRecord, sighting: ImoSighting) -> Alert | None:
        config = self.config
        previous = record.holders[-1]
        now = sighting.epoch_s
        in_window = {h.mmsi for h in record.holders if now - h.last_seen_s <= config.hop_window_s} | {sighting.mmsi}
        dprk_now = mid_of(sighting.mmsi) == DPRK_MID
        dprk_before = [
            h.mmsi for h in record.holders if mid_of(h.mmsi) == DPRK_MID and now - h.last_seen_s <= config.dprk_recent_s
        ]
        hopping = len(in_window) >= config.hop_min_mmsis
        if dprk_now or dprk_before:
            severity, score = "high", 0.8
        elif hopping:
            severity, score = "medium", 0.5
        elif config.alert_on_clean_reflag:
            severity, score = "info", 0.1
        else:
            return None
        flags = self.reference.flags
        evidence = {
            "kind": "imo_new_mmsi",
            "imo": sighting.imo,
            "before": {
                "mmsi": previous.mmsi,
                "flag": flags.flag_of(previous.mmsi),
                "name": previous.name,
                "first_seen": iso_utc(previous.first_seen_s),
                "last_seen": iso_utc(previous.last_seen_s),
            },
            "after": {
                "mmsi": sighting.mmsi,
                "flag": flags.flag_of(sighting.mmsi),
                "name": sighting.name,
                "first_seen": iso_utc(now),
            },
            "silence_between_s": round(now - previous.last_seen_s, 3),
            "mmsis_in_window": len(in_window),
            "hop_window_s": config.hop_window_s,
            "flag_hopping": hopping,
            "dprk_flag_now": dprk_now,
            "dprk_mmsis_within_recent": sorted(dprk_before),
        }
        if dprk_before and not dprk_now:
            why = f"left DPRK MMSI {dprk_before[-1]}"
        elif dprk_now:
            why = "took a DPRK MMSI"
        elif hopping:
            why = f"{len(in_window)} MMSIs within {config.hop_window_s / DAY_S:.0f} days"
        else:
            why = "re-registered"
        vessels = (
            VesselRef(sighting.mmsi, sighting.imo, sighting.name, flags.flag_of(sighting.mmsi)),
            VesselRef(previous.mmsi, sighting.imo, previous.name, flags.flag_of(previous.mmsi)),
        )
        return self._cross_alert(
            "imo_new_mmsi", sighting, vessels, severity, score, evidence,
            f"IMO {sighting.imo} now under MMSI {sighting.mmsi} (was {previous.mmsi}): {why}",
        )

    def _shared(self, old: ImoHolder, current: ImoHolder, sighting: ImoSighting) -> Alert:
        flags = self.reference.flags
        evidence = {
            "kind": "imo_shared",
            "imo": sighting.imo,
            "returning": {"mmsi": old.mmsi, "flag": flags.flag_of(old.mmsi), "name": sighting.name or old.name,
                          "first_seen": iso_utc(old.first_seen_s), "seen_again": iso_utc(sighting.epoch_s)},
            "current": {"mmsi": current.mmsi, "flag": flags.flag_of(current.mmsi), "name": current.name,
                        "first_seen": iso_utc(current.first_seen_s), "last_seen": iso_utc(current.last_seen_s)},
            "after_current_first_seen_s": round(sighting.epoch_s - current.first_seen_s, 3),
            "dprk_involved": DPRK_MID in (mid_of(old.mmsi), mid_of(current.mmsi)),
        }
        vessels = (
            VesselRef(old.mmsi, sighting.imo, sighting.name or old.name, flags.flag_of(old.mmsi)),
            VesselRef(current.mmsi, sighting.imo, current.name, flags.flag_of(current.mmsi)),
        )
        severity = "critical" if evidence["dprk_involved"] else "high"
        return self._cross_alert(
            "imo_shared", sighting, vessels, severity, 0.9, evidence,
            f"IMO {sighting.imo} reported by two live MMSIs, {old.mmsi} and {current.mmsi}",
        )

    def _alert(
        self, state: VesselState, kind: str, at_s: float, severity: str, score: float,
        position: tuple[float, float] | None, evidence: dict, summary: str, imo: int | None = None,
    ) -> Alert:
        if mid_of(state.mmsi) == DPRK_MID and kind in ("placeholder_mmsi", "unallocated_mid"):
            severity = raise_severity(severity)
        ref = vessel_ref(state, self.reference.flags)
        if imo is not None and ref.imo is None:
            ref = VesselRef(ref.mmsi, imo, ref.name, ref.flag)
        return Alert(
            alert_id=make_alert_id(RULE.name, [str(state.mmsi), kind], at_s, RULE),
            type="identity_change",
            severity=severity,
            score=min(1.0, score),
            vessels=(ref,),
            start_s=at_s,
            end_s=at_s,
            position=position,
            evidence=evidence,
            rule=RULE,
            summary=summary,
        )

    def _cross_alert(
        self, kind: str, sighting: ImoSighting, vessels: tuple[VesselRef, ...], severity: str, score: float,
        evidence: dict, summary: str,
    ) -> Alert:
        subjects = [f"imo:{sighting.imo}", kind, *(str(v.mmsi) for v in vessels)]
        position = None if sighting.lat is None or sighting.lon is None else (sighting.lat, sighting.lon)
        return Alert(
            alert_id=make_alert_id(RULE.name, subjects, sighting.epoch_s, RULE),
            type="identity_change",
            severity=severity,
            score=score,
            vessels=vessels,
            start_s=sighting.epoch_s,
            end_s=sighting.epoch_s,
            position=position,
            evidence=evidence,
            rule=RULE,
            summary=summary,
        )
