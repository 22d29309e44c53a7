"""`Watchlist`: listed vessels indexed for matching a reported identity (MMSI, IMO, name).

- IMO and MMSI: exact dict look-ups.
- Name: the normalised, space-free key (`normalise.name_key`) is looked up exactly first; when that
  fails, rapidfuzz `process.extract` with `fuzz.ratio` and `score_cutoff` runs over the distinct keys
  that have the same numbers in them (`digit_signature`: "JI SONG 6" is never "JI SONG 8") and that
  pass two exact lower bounds of the distance (length, letters present: `_Block.candidates`); that
  blocking keeps it fast without losing a match. `fuzz.ratio` on keys rather than `WRatio` on words: WRatio
  scores a name contained in a longer one highly ("GLORY" in "OCEAN GLORY" scores 90), and spacing,
  which it would otherwise handle, is already gone from the keys. Results per reported name are
  cached: the same vessels report again and again.
- Linking: an entry with no IMO of its own (a vessel named in a UN listing) whose exact normalised
  name belongs to entries of exactly one IMO is also found by that IMO (kind `imo_linked`): the UN
  and OFAC listings of CHON MA SAN come back together.

One hit per entry; its confidence combines the kinds of evidence for it as independent
(1 - product of 1 - each), each from `WatchlistConfig`.

>>> from streams.watchlist.model import WatchlistEntry
>>> watchlist = Watchlist([
...     WatchlistEntry("CHON MA SAN", "OFAC-SDN", "23729", imo=8660313, programmes=("DPRK4",)),
...     WatchlistEntry("CHON MA SAN", "UN-SC", "KPe.061", basis="named", programmes=("DPRK",)),
... ])
>>> [(h.kind, h.confidence, h.entry.source) for h in watchlist.match(mmsi=None, imo=8660313, name="SEA STAR")]
[('imo', 1.0, 'OFAC-SDN'), ('imo_linked', 0.9, 'UN-SC')]
>>> [(h.kind, round(h.confidence, 3), h.matched_alias, h.name_score) for h in watchlist.match(None, None, "M/V Chonmasan")]
[('name', 0.7, 'CHON MA SAN', 1.0), ('name', 0.7, 'CHON MA SAN', 1.0)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from streams.watchlist.config import WatchlistConfig
from streams.watchlist.model import HIT_KINDS, HitKind, WatchlistEntry, WatchlistHit
from streams.watchlist.normalise import digit_signature, name_key

_NameHit = tuple[int, str, int, float]
"""(entry index, the listed name or alias, length of its key, similarity 0..1)"""


@dataclass(frozen=True, slots=True)
class WatchlistSummary:
    entries: int
    by_source: dict[str, int]
    with_imo: int
    with_mmsi: int
    linked_to_imo: int
    """Entries without an IMO of their own that are found by another entry's IMO."""
    names: int
    """Distinct normalised names and aliases indexed."""


def _letter_mask(key: str) -> int:
    """Bit i set when letter i (A=0) occurs in the key; bit 26 for a digit, 27 for anything else."""
    mask = 0
    for char in key:
        code = ord(char) - 65
        mask |= 1 << (code if 0 <= code < 26 else 26 if char.isdigit() else 27)
    return mask


@dataclass(frozen=True, slots=True)
class _Block:
    """The distinct name keys that have one digit signature, sorted by length."""

    keys: list[str]
    lengths: npt.NDArray[np.int32]
    masks: npt.NDArray[np.uint32]

    def candidates(self, key: str, cutoff: float) -> list[str]:
        """The keys that can reach `cutoff` (fuzz.ratio, 0..100) against `key`, by two lower bounds.

        fuzz.ratio is 100 * (1 - indel / (len_a + len_b)), indel being the insertions and deletions
        that turn one into the other. Length: indel >= |len_a - len_b|, so only keys of a length in
        [len * c / (200 - c), len * (200 - c) / c] qualify (a slice: keys are sorted by length).
        Letters: every letter in one key and not in the other costs at least one insertion or
        deletion, so indel >= popcount(mask_a ^ mask_b). Both bounds are exact filters: the search
        finds what a scan of every key would, ~15x faster (README.md of this package).
        """
        length = len(key)
        low = int(np.searchsorted(self.lengths, math.ceil(length * cutoff / (200.0 - cutoff) - 1e-9), "left"))
        high = int(np.searchsorted(self.lengths, math.floor(length * (200.0 - cutoff) / cutoff + 1e-9), "right"))
        if high <= low:
            return []
        lengths = self.lengths[low:high]
        letters_apart = np.bitwise_count(self.masks[low:high] ^ np.uint32(_letter_mask(key)))
        allowed = (100.0 - cutoff) * (length + lengths) / 100.0 + 1e-9
        return [self.keys[low + int(i)] for i in np.flatnonzero(letters_apart <= allowed)]


class Watchlist:
    """Listed vessels, indexed. Immutable once built (the name cache aside): a reloaded list is a
    new `Watchlist`."""

    def __init__(self, entries: Iterable[WatchlistEntry] = (), config: WatchlistConfig | None = None) -> None:
        self.config = config or WatchlistConfig()
        self._entries = tuple(entries)
        self._by_imo: dict[int, list[int]] = {}
        self._by_mmsi: dict[int, list[int]] = {}
        self._by_key: dict[str, list[tuple[int, str]]] = {}
        self._entry_keys: list[tuple[tuple[str, str], ...]] = []
        for index, entry in enumerate(self._entries):
            if entry.imo is not None:
                self._by_imo.setdefault(entry.imo, []).append(index)
            if entry.mmsi is not None:
                self._by_mmsi.setdefault(entry.mmsi, []).append(index)
            keys: dict[str, str] = {}
            for listed in entry.names:
                key = name_key(listed, self.config)
                if key:
                    keys.setdefault(key, listed)
            self._entry_keys.append(tuple(keys.items()))
            for key, listed in keys.items():
                self._by_key.setdefault(key, []).append((index, listed))
        blocks: dict[tuple[str, ...], list[str]] = {}
        for key in self._by_key:
            blocks.setdefault(digit_signature(key), []).append(key)
        self._blocks: dict[tuple[str, ...], _Block] = {}
        for signature, keys in blocks.items():
            keys.sort(key=len)
            lengths = np.array([len(key) for key in keys], dtype=np.int32)
            masks = np.array([_letter_mask(key) for key in keys], dtype=np.uint32)
            self._blocks[signature] = _Block(keys, lengths, masks)
        self._linked_imo: dict[int, tuple[int, str]] = self._link_by_name()
        self._by_linked_imo: dict[int, list[int]] = {}
        for index, (imo, _) in self._linked_imo.items():
            self._by_linked_imo.setdefault(imo, []).append(index)
        self._cache: dict[str, tuple[str, tuple[_NameHit, ...]]] = {}

    # ------------------------------------------------------------------------------------ queries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[WatchlistEntry]:
        return iter(self._entries)

    @property
    def entries(self) -> tuple[WatchlistEntry, ...]:
        return self._entries

    def linked_imos(self) -> dict[str, int]:
        """entry_id -> IMO, for the entries without an IMO of their own that are linked by name."""
        return {self._entries[index].entry_id: imo for index, (imo, _) in self._linked_imo.items()}

    def summary(self) -> WatchlistSummary:
        by_source: dict[str, int] = {}
        for entry in self._entries:
            by_source[entry.source] = by_source.get(entry.source, 0) + 1
        return WatchlistSummary(
            entries=len(self._entries),
            by_source=by_source,
            with_imo=sum(e.imo is not None for e in self._entries),
            with_mmsi=sum(e.mmsi is not None for e in self._entries),
            linked_to_imo=len(self._linked_imo),
            names=len(self._by_key),
        )

    def match(self, mmsi: int | None, imo: int | None, name: str | None) -> list[WatchlistHit]:
        """Entries the reported identity matches, best first. 0 or None means "not reported"."""
        config = self.config
        evidence: dict[int, dict[HitKind, float]] = {}
        conflicts: set[int] = set()
        if imo:
            for index in self._by_imo.get(imo, ()):
                evidence.setdefault(index, {})["imo"] = config.imo_confidence
            for index in self._by_linked_imo.get(imo, ()):
                evidence.setdefault(index, {})["imo_linked"] = config.linked_imo_confidence
        if mmsi:
            for index in self._by_mmsi.get(mmsi, ()):
                evidence.setdefault(index, {})["mmsi"] = config.mmsi_confidence
        query_key, name_hits = self._name_hits(name) if name else ("", ())
        best_name: dict[int, tuple[str, float]] = {}
        for index, listed, key_length, score in name_hits:
            if index in best_name and best_name[index][1] >= score:
                continue
            best_name[index] = (listed, score)
            confidence = config.name_confidence * score
            if key_length < config.short_name_length:
                confidence *= config.short_name_factor
            listed_imo = self._imo_of(index)
            if imo and listed_imo is not None and listed_imo != imo:
                confidence *= config.imo_conflict_factor
                conflicts.add(index)
            else:
                conflicts.discard(index)
            evidence.setdefault(index, {})["name"] = confidence
        hits = [
            self._hit(index, found, best_name.get(index), query_key, index in conflicts)
            for index, found in evidence.items()
        ]
        hits.sort(key=lambda h: (-h.confidence, HIT_KINDS.index(h.kind), h.entry.entry_id))
        return hits

    # ------------------------------------------------------------------------------------ internals

    def _hit(
        self, index: int, evidence: dict[HitKind, float], name_hit: tuple[str, float] | None, query_key: str,
        imo_conflict: bool,
    ) -> WatchlistHit:
        kinds = tuple(kind for kind in HIT_KINDS if kind in evidence)
        missing = 1.0
        for confidence in evidence.values():
            missing *= 1.0 - confidence
        if name_hit is None and query_key:
            name_hit = self._closest_name(index, query_key)
        return WatchlistHit(
            kind=kinds[0],
            confidence=round(1.0 - missing, 6),
            entry=self._entries[index],
            matched_alias=name_hit[0] if name_hit else None,
            name_score=name_hit[1] if name_hit else None,
            kinds=kinds,
            imo_conflict=imo_conflict,
        )

    def _closest_name(self, index: int, query_key: str) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for key, listed in self._entry_keys[index]:
            score = round(fuzz.ratio(query_key, key) / 100.0, 4)
            if best is None or score > best[1]:
                best = (listed, score)
        return best

    def _imo_of(self, index: int) -> int | None:
        own = self._entries[index].imo
        if own is not None:
            return own
        link = self._linked_imo.get(index)
        return link[0] if link else None

    def _name_hits(self, name: str) -> tuple[str, tuple[_NameHit, ...]]:
        """(the name's key, its name hits), cached by the name as reported."""
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        config = self.config
        key = name_key(name, config)
        hits: tuple[_NameHit, ...] = ()
        exact = self._by_key.get(key) if key else None
        if exact:
            hits = tuple((index, listed, len(key), 1.0) for index, listed in exact)
        elif len(key) >= config.fuzzy_min_length:
            block = self._blocks.get(digit_signature(key))
            if block is not None:
                found = process.extract(
                    key, block.candidates(key, config.name_score_cutoff), scorer=fuzz.ratio,
                    score_cutoff=config.name_score_cutoff, limit=config.max_name_hits,
                )
                hits = tuple(
                    (index, listed, len(choice), round(score / 100.0, 4))
                    for choice, score, _ in found
                    for index, listed in self._by_key[choice]
                )
        result = (key, hits)
        if config.name_cache_size:
            if len(self._cache) >= config.name_cache_size:
                del self._cache[next(iter(self._cache))]
            self._cache[name] = result
        return result

    def _link_by_name(self) -> dict[int, tuple[int, str]]:
        """entry index -> (IMO, the name that links it), for entries without an IMO whose
        normalised names (not short ones) belong to listed entries of exactly one IMO."""
        config = self.config
        imos_by_key: dict[str, set[int]] = {}
        for index, entry in enumerate(self._entries):
            if entry.imo is not None:
                for key, _ in self._entry_keys[index]:
                    imos_by_key.setdefault(key, set()).add(entry.imo)
        links: dict[int, tuple[int, str]] = {}
        for index, entry in enumerate(self._entries):
            if entry.imo is not None:
                continue
            imos: set[int] = set()
            via = ""
            for key, listed in self._entry_keys[index]:
                if len(key) >= config.short_name_length and key in imos_by_key:
                    imos |= imos_by_key[key]
                    via = via or listed
            if len(imos) == 1:
                links[index] = (next(iter(imos)), via)
        return links
