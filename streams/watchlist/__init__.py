"""Sanctioned-vessel watch lists: load OFAC, UN and our own lists, match reported identities fast.

Pure: no broker, stream-processing or metrics code (tests/unit/test_pure_core.py). See README.md
in this package for the formats, the matching rules and the counts of the real lists.
"""

from __future__ import annotations

from collections.abc import Iterable

from streams.watchlist.config import WatchlistConfig
from streams.watchlist.matcher import Watchlist, WatchlistSummary
from streams.watchlist.model import (
    HIT_KINDS,
    RecordError,
    WatchlistEntry,
    WatchlistHit,
    entry_from_record,
    entry_to_record,
    imo_check_digit_ok,
)
from streams.watchlist.normalise import name_key, normalise_name
from streams.watchlist.sources import FORMATS, OFAC_SOURCE, UN_SOURCE, PathLike, detect_format, read_entries


def load_watchlist(paths: Iterable[PathLike], config: WatchlistConfig | None = None) -> Watchlist:
    """One `Watchlist` from every vessel of the files (formats detected from content, see
    `sources`). `UserError` for an unreadable file, an unknown format or a bad record."""
    return Watchlist(read_entries(paths), config)


__all__ = [
    "FORMATS", "HIT_KINDS", "OFAC_SOURCE", "UN_SOURCE", "RecordError", "Watchlist", "WatchlistConfig",
    "WatchlistEntry", "WatchlistHit", "WatchlistSummary", "detect_format", "entry_from_record", "entry_to_record",
    "imo_check_digit_ok", "load_watchlist", "name_key", "normalise_name", "read_entries",
]
