"""`WatchlistConfig`: every threshold of watch-list matching, with its default and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WatchlistConfig:
    # ---------------------------------------------------------------- confidence of one kind of evidence
    imo_confidence: float = 1.0
    """An IMO number is assigned to the hull for life and survives renaming and reflagging: an
    exact IMO hit is the strongest evidence (AIS static reports carry it, type 5)."""
    linked_imo_confidence: float = 0.9
    """An entry listed without an IMO (a vessel named in the UN listing of its owner) is linked to
    the IMO of the only other entry whose normalised name is the same; a hit through that link is
    as good as the IMO times the chance that the two lists mean the same ship."""
    mmsi_confidence: float = 0.9
    """An MMSI identifies the radio, not the hull: it changes when a ship is reflagged and is the
    number sanction evaders spoof most, so an MMSI hit is a little weaker than an IMO hit."""
    name_confidence: float = 0.7
    """A name alone, matched exactly after normalisation. Names are not unique (sister ships,
    common words), so a name-only hit is never as strong as a number; a fuzzy hit gets this times
    its similarity (0..1)."""

    # ---------------------------------------------------------------- name matching
    name_score_cutoff: float = 88.0
    """Least similarity (rapidfuzz `fuzz.ratio` of the space-free normalised names, 0..100) of a
    fuzzy name hit. 88 accepts one edit in 8-10 letters ("BAEKMAGANG"/"BAEKMAKANG" 90,
    "CHEONMASAN"/"CHONMASAN" 95) and rejects two ("GOLDENBRIDGE"/"GOLDENBREEZE" 75)."""
    fuzzy_min_length: int = 6
    """A query shorter than this (letters and digits after normalisation) is matched exactly only:
    one edit in a 4-letter name ("DAN", "ARK", "HAWK" are on the OFAC list) is another word."""
    short_name_length: int = 5
    """Names with fewer letters and digits than this are often ordinary words; their name hits get
    `short_name_factor` and they never link a list entry to another's IMO."""
    short_name_factor: float = 0.5
    """Multiplies the confidence of a name hit on a short name."""
    imo_conflict_factor: float = 0.5
    """Multiplies the confidence of a name hit on an entry whose listed IMO differs from the IMO the
    vessel reports: another ship of the same name, or a ship that reports a false IMO."""
    max_name_hits: int = 5
    """Distinct listed names kept from the fuzzy search of one query name (best first)."""
    name_cache_size: int = 100_000
    """Query names whose name hits are remembered (the same vessels report again and again); the
    oldest is forgotten beyond this."""
    prefixes: tuple[str, ...] = ("MV", "MT", "MS", "SS", "FV")
    """Leading type prefixes dropped from names: motor vessel, motor tanker, motor ship, steamship,
    fishing vessel. Written with punctuation ("M/V", "M.T.") they are
    recognised too. Dropped only when a name follows."""
    suffixes: tuple[str, ...] = ("HO", "HAO")
    """Trailing words dropped from names: Korean "ho" and Chinese "hao" ("number") follow ship names
    ("CHON MA SAN HO", "HONG FENG 1 HAO" on the OFAC list). Dropped only when a name precedes."""

    def __post_init__(self) -> None:
        for name in ("imo_confidence", "linked_imo_confidence", "mmsi_confidence", "name_confidence",
                     "short_name_factor", "imo_conflict_factor"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"watchlist: {name} must be in [0, 1]")
        if not 0.0 < self.name_score_cutoff <= 100.0:
            raise ValueError("watchlist: name_score_cutoff must be in (0, 100]")
        if self.fuzzy_min_length < 1 or self.short_name_length < 1 or self.max_name_hits < 1:
            raise ValueError("watchlist: fuzzy_min_length, short_name_length and max_name_hits must be >= 1")
        if self.name_cache_size < 0:
            raise ValueError("watchlist: name_cache_size must be >= 0")
        for word in (*self.prefixes, *self.suffixes):
            if not word.isalnum() or word != word.upper():
                raise ValueError(f"watchlist: prefix/suffix {word!r} must be upper-case letters or digits")
