"""Watch-list domain types: a listed vessel (`WatchlistEntry`) and a match (`WatchlistHit`).

`entry_to_record`/`entry_from_record` convert an entry to and from a JSON-compatible dict: the
format of our own JSON-lines lists (README.md in this package), and of a record on a topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Basis = Literal["listed", "named"]
HitKind = Literal["imo", "imo_linked", "mmsi", "name"]

BASES: tuple[Basis, ...] = ("listed", "named")
HIT_KINDS: tuple[HitKind, ...] = ("imo", "imo_linked", "mmsi", "name")
"""Strongest first: a hit's `kind` is the first of these that its evidence includes."""


@dataclass(frozen=True, slots=True)
class WatchlistEntry:
    """One vessel as one list states it. Two lists naming the same ship give two entries, each
    with its own source, reference, programmes and date (the provenance an alert must cite)."""

    name: str
    """The listed name as the list writes it ("" when a user list gives only numbers)."""
    source: str
    """Which list: `OFAC-SDN`, `UN-SC`, or the `source` of a user list (default: its file name)."""
    source_ref: str
    """The list's own reference: OFAC `ent_num`, the UN reference number of the listed entity
    ("KPe.061"), or a user list's `source_ref`."""
    imo: int | None = None
    mmsi: int | None = None
    aliases: tuple[str, ...] = ()
    """Other names: OFAC a.k.a./f.k.a./n.k.a. (remarks and alt.csv), a user list's aliases."""
    flag: str | None = None
    """The flag as the list names it ("Democratic People's Republic of Korea", "DPRK", "Panama")."""
    programmes: tuple[str, ...] = ()
    """Sanctions programmes: OFAC program tags ("DPRK4", "IRAN"), the UN list type ("DPRK")."""
    listed_on: date | None = None
    """Date of listing when the list gives one (the UN list does, OFAC's sdn.csv does not)."""
    basis: Basis = "listed"
    """`listed`: the vessel itself is on the list. `named`: the vessel is named in the listing of a
    designated owner, manager or operator (how vessels appear in the UN consolidated list)."""
    call_sign: str | None = None
    vessel_type: str | None = None
    remarks: str = ""
    """The list's remarks (OFAC), or the sentence of the listing that names the vessel (UN)."""

    @property
    def entry_id(self) -> str:
        """Stable id, unique across lists: `source:source_ref`, plus the name for a `named` entry
        (one UN listing can name several vessels). A key for a compacted topic."""
        if self.basis == "named":
            return f"{self.source}:{self.source_ref}:{self.name}"
        return f"{self.source}:{self.source_ref}"

    @property
    def names(self) -> tuple[str, ...]:
        """The name and the aliases, without blanks and repeats."""
        return tuple(dict.fromkeys(n for n in (self.name, *self.aliases) if n.strip()))


@dataclass(frozen=True, slots=True)
class WatchlistHit:
    """A listed entry that the reported identity matches, and how well."""

    kind: HitKind
    """The strongest evidence: `imo` (the reported IMO is the entry's), `imo_linked` (the reported
    IMO is that of another list's entry with the same name), `mmsi`, `name`."""
    confidence: float
    """0..1: the kinds of evidence combined as independent (1 - product of 1 - each)."""
    entry: WatchlistEntry
    matched_alias: str | None
    """The entry's name or alias closest to the reported name (None when no name was reported or
    the entry has no name)."""
    name_score: float | None
    """Similarity 0..1 of the reported name to `matched_alias` (1.0: the same after normalisation;
    a low score on an `imo` hit is a renamed vessel)."""
    kinds: tuple[HitKind, ...]
    """Every kind of evidence for this entry, strongest first; a name counts when it scores at
    least the cutoff."""
    imo_conflict: bool = False
    """The vessel reported an IMO, the entry lists another: the name hit was weakened for it."""


def entry_to_record(entry: WatchlistEntry) -> dict[str, Any]:
    """A JSON-compatible dict, without empty fields.

    >>> entry_to_record(WatchlistEntry("CHON MA SAN", "OFAC-SDN", "23729", imo=8660313, programmes=("DPRK4",)))
    {'name': 'CHON MA SAN', 'source': 'OFAC-SDN', 'source_ref': '23729', 'imo': 8660313, 'programmes': ['DPRK4']}
    """
    record: dict[str, Any] = {"name": entry.name, "source": entry.source, "source_ref": entry.source_ref}
    optional: dict[str, Any] = {
        "imo": entry.imo,
        "mmsi": entry.mmsi,
        "aliases": list(entry.aliases),
        "flag": entry.flag,
        "programmes": list(entry.programmes),
        "listed_on": entry.listed_on.isoformat() if entry.listed_on else None,
        "basis": entry.basis if entry.basis != "listed" else None,
        "call_sign": entry.call_sign,
        "vessel_type": entry.vessel_type,
        "remarks": entry.remarks,
    }
    record.update((key, value) for key, value in optional.items() if value not in (None, "", []))
    return record


class RecordError(ValueError):
    """A watch-list record with a missing or invalid field; the message names it."""


RECORD_FIELDS = (
    "name", "imo", "mmsi", "aliases", "flag", "programmes", "listed_on", "source", "source_ref", "basis",
    "call_sign", "vessel_type", "remarks",
)


def imo_check_digit_ok(imo: int) -> bool:
    """The seventh digit of an IMO ship number is the sum of the first six times 7..2, modulo 10.

    >>> imo_check_digit_ok(8660313), imo_check_digit_ok(8660314)
    (True, False)
    """
    digits = f"{imo:07d}"
    return len(digits) == 7 and sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1))) % 10 == int(digits[6])


def entry_from_record(record: Mapping[str, Any], default_source: str = "user") -> WatchlistEntry:
    """The inverse of `entry_to_record`, validating every field (`RecordError` names the bad one).

    Needs a `name`, an `imo` or an `mmsi`. `imo` must have 7 digits, `mmsi` 9; numbers may be given
    as strings. (The check digit is not checked here: a list may state an IMO that fails it, and its
    entry must survive the round trip; user files are checked when they are read.) `aliases` and `programmes` are lists
    (or strings separated by "|"), `listed_on` is YYYY-MM-DD. Without `source_ref` the IMO, else the
    MMSI, else the name stands in.
    """
    unknown = sorted(set(record) - set(RECORD_FIELDS))
    if unknown:
        raise RecordError(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(RECORD_FIELDS)})")
    name = _text(record, "name") or ""
    imo = _number(record, "imo", 1_000_000, 9_999_999, "7 digits")
    mmsi = _number(record, "mmsi", 100_000_000, 999_999_999, "9 digits")
    if not name.strip() and imo is None and mmsi is None:
        raise RecordError("needs a name, an imo or an mmsi")
    basis = record.get("basis") or "listed"
    if basis not in BASES:
        raise RecordError(f"basis must be one of {', '.join(BASES)}, not {basis!r}")
    listed_on_text = _text(record, "listed_on")
    try:
        listed_on = date.fromisoformat(listed_on_text) if listed_on_text else None
    except ValueError:
        raise RecordError(f"listed_on {listed_on_text!r} is not a YYYY-MM-DD date") from None
    source_ref = _text(record, "source_ref")
    if not source_ref:
        source_ref = f"IMO {imo}" if imo is not None else f"MMSI {mmsi}" if mmsi is not None else name
    return WatchlistEntry(
        name=name.strip(),
        source=_text(record, "source") or default_source,
        source_ref=source_ref,
        imo=imo,
        mmsi=mmsi,
        aliases=_texts(record, "aliases"),
        flag=_text(record, "flag"),
        programmes=_texts(record, "programmes"),
        listed_on=listed_on,
        basis=basis,
        call_sign=_text(record, "call_sign"),
        vessel_type=_text(record, "vessel_type"),
        remarks=_text(record, "remarks") or "",
    )


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{key} must be a string, not {value!r}")
    return value.strip() or None


def _texts(record: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = record.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split("|")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RecordError(f"{key} must be a list of strings or a string separated by '|'")
    return tuple(dict.fromkeys(item.strip() for item in value if item.strip()))


def _number(record: Mapping[str, Any], key: str, low: int, high: int, what: str) -> int | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecordError(f"{key} must be {what}, not {value!r}")
    return value
