"""Matching reported identities against the real OFAC and UN excerpts (tests/data/sanctions)."""

from __future__ import annotations

import doctest
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz import fuzz

import streams.watchlist.matcher
import streams.watchlist.model
import streams.watchlist.normalise
from streams.watchlist import Watchlist, WatchlistConfig, WatchlistEntry, load_watchlist, name_key, normalise_name
from streams.watchlist.normalise import digit_signature

DATA = Path(__file__).resolve().parents[1] / "data" / "sanctions"
CHON_MA_SAN_IMO = 8660313


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist([DATA / "ofac_sdn_excerpt.csv", DATA / "un_sc_consolidated_excerpt.xml"])


def summary(hits: list) -> list[tuple[str, float, str]]:
    return [(hit.kind, hit.confidence, hit.entry.entry_id) for hit in hits]


# ------------------------------------------------------------------------------------------- numbers


def test_imo_hit_is_the_strongest(watchlist: Watchlist) -> None:
    hits = watchlist.match(mmsi=None, imo=CHON_MA_SAN_IMO, name="CHON MA SAN")
    assert summary(hits) == [
        ("imo", 1.0, "OFAC-SDN:23729"),
        ("imo_linked", 0.97, "UN-SC:KPe.061:CHON MA SAN"),  # 1 - (1 - 0.9) * (1 - 0.7): linked IMO and name
    ]
    assert hits[0].kinds == ("imo", "name") and hits[0].matched_alias == "CHON MA SAN" and hits[0].name_score == 1.0


def test_renamed_vessel_is_found_by_its_imo(watchlist: Watchlist) -> None:
    hits = watchlist.match(mmsi=None, imo=CHON_MA_SAN_IMO, name="SEA PEARL 7")
    assert summary(hits) == [("imo", 1.0, "OFAC-SDN:23729"), ("imo_linked", 0.9, "UN-SC:KPe.061:CHON MA SAN")]
    assert hits[0].kinds == ("imo",)
    assert hits[0].matched_alias == "CHON MA SAN" and hits[0].name_score is not None and hits[0].name_score < 0.5


def test_mmsi_hit_and_mmsi_with_name(watchlist: Watchlist) -> None:
    assert summary(watchlist.match(mmsi=572469210, imo=None, name=None)) == [("mmsi", 0.9, "OFAC-SDN:15036")]
    hit = watchlist.match(mmsi=572469210, imo=None, name="ARTAVIL")[0]
    assert (hit.kind, hit.kinds, hit.confidence) == ("mmsi", ("mmsi", "name"), 0.97)
    former = watchlist.match(mmsi=None, imo=None, name="Alpha")[0]  # f.k.a. 'ALPHA'
    assert (former.entry.name, former.matched_alias, former.kind) == ("ARTAVIL", "ALPHA", "name")


def test_nothing_reported_or_nothing_listed(watchlist: Watchlist) -> None:
    assert watchlist.match(mmsi=0, imo=0, name="") == []
    assert watchlist.match(mmsi=None, imo=None, name=None) == []
    assert watchlist.match(mmsi=412000000, imo=9999999, name="@@@@@@") == []
    assert Watchlist().match(mmsi=572469210, imo=CHON_MA_SAN_IMO, name="CHON MA SAN") == []


# ------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "reported",
    ["CHON MA SAN", "chon ma san", "CHONMASAN", "Chon-Ma-San", "M/V CHON MA SAN", "MV CHONMASAN", "M.T. Chon Ma San",
     "MT. CHON-MA-SAN", "  CHON  MA SAN@@@@", "CHON MA SAN HO", "Chŏn Ma San"],
)
def test_prefixes_punctuation_and_spacing_are_normalised(watchlist: Watchlist, reported: str) -> None:
    hits = watchlist.match(mmsi=None, imo=None, name=reported)
    assert summary(hits) == [("name", 0.7, "OFAC-SDN:23729"), ("name", 0.7, "UN-SC:KPe.061:CHON MA SAN")]
    assert hits[0].name_score == 1.0


def test_normalisation_examples() -> None:
    assert normalise_name("M/V Chon-Ma-San ho") == "CHON MA SAN"
    assert name_key("SS YU JONG NO.2") == name_key("Yu Jong 2") == "YUJONG2"
    assert name_key("ARK III") == "ARK3" and name_key("BICENTENARIO XI") == "BICENTENARIO11"
    assert name_key("GOLDEN LIGHT 09") == "GOLDENLIGHT9"
    assert name_key("MV") == "MV" and name_key("SS") == "SS"  # a prefix alone is the name


def test_romanisation_variants_match_fuzzily_with_lower_confidence(watchlist: Watchlist) -> None:
    hits = watchlist.match(mmsi=None, imo=None, name="CHEON MA SAN")  # McCune-Reischauer vs Revised Romanization
    assert [h.entry.entry_id for h in hits] == ["OFAC-SDN:23729", "UN-SC:KPe.061:CHON MA SAN"]
    assert hits[0].name_score == pytest.approx(0.9474, abs=1e-4)
    assert 0.6 < hits[0].confidence < 0.7
    baek = watchlist.match(mmsi=None, imo=None, name="BAEK MA GANG")
    assert [(h.entry.name, h.name_score) for h in baek] == [("BAEK MA KANG", 0.9)]


@pytest.mark.parametrize(
    ("reported", "why"),
    [
        ("JI SONG 7", "JI SONG 6 and JI SONG 8 are listed: a number is not a spelling"),
        ("ARK II", "ARK III is listed: another sister ship"),
        ("BICENTENARIO IV", "BICENTENARIO II and III are listed"),
        ("FU YUAN YU 7603", "7601 and 7602 are listed"),
        ("YU JONG", "YU JONG 2 is listed: the number may not be dropped"),
        ("FORTUNA", "FORTUNE is listed: another common word, ratio 86"),
        ("GOLDEN BREEZE", "GOLDEN BRIDGE is listed: ratio 75"),
        ("DANA", "DAN is listed: short names are matched exactly only"),
        ("OCEAN GLORY", "nothing like it"),
    ],
)
def test_near_misses_do_not_match(watchlist: Watchlist, reported: str, why: str) -> None:
    assert watchlist.match(mmsi=None, imo=None, name=reported) == [], why


def test_a_short_common_name_matches_with_half_confidence(watchlist: Watchlist) -> None:
    assert summary(watchlist.match(mmsi=None, imo=None, name="DAN")) == [("name", 0.35, "OFAC-SDN:15908")]


def test_a_name_listed_with_another_imo_is_weakened_and_flagged(watchlist: Watchlist) -> None:
    hits = watchlist.match(mmsi=None, imo=9000003, name="YU JONG 2")
    assert summary(hits) == [
        ("name", 0.35, "OFAC-SDN:23736"), ("name", 0.35, "UN-SC:KPe.061:YU JONG 2"), ("name", 0.35, "UN-SC:KPe.066:YU JONG 2"),
    ]
    assert all(h.imo_conflict for h in hits)
    assert not any(h.imo_conflict for h in watchlist.match(mmsi=None, imo=None, name="YU JONG 2"))


# ------------------------------------------------------------------------------------------- UN and OFAC together


def test_un_named_vessels_are_linked_to_the_ofac_imo(watchlist: Watchlist) -> None:
    linked = watchlist.linked_imos()
    assert len(linked) == 27  # of 28: KOTI is too short a name to link
    assert linked["UN-SC:KPe.061:CHON MA SAN"] == CHON_MA_SAN_IMO
    assert linked["UN-SC:KPe.022:CHONG CHON GANG"] == linked["UN-SC:KPe.020:CHONG CHON GANG"] == 7937317
    assert "UN-SC:KPe.067:KOTI" not in linked
    yu_jong = watchlist.match(mmsi=None, imo=8604917, name=None)  # YU JONG 2: OFAC and two UN listings
    assert summary(yu_jong) == [
        ("imo", 1.0, "OFAC-SDN:23736"), ("imo_linked", 0.9, "UN-SC:KPe.061:YU JONG 2"),
        ("imo_linked", 0.9, "UN-SC:KPe.066:YU JONG 2"),
    ]
    koti = watchlist.match(mmsi=None, imo=None, name="KOTI")
    assert {h.entry.source for h in koti} == {"OFAC-SDN", "UN-SC"}


def test_link_needs_a_unique_imo() -> None:
    entries = [
        WatchlistEntry("SEA GLORY", "A", "1", imo=9000003),
        WatchlistEntry("SEA GLORY", "A", "2", imo=9000015),
        WatchlistEntry("SEA GLORY", "B", "x", basis="named"),
    ]
    assert Watchlist(entries).linked_imos() == {}
    assert Watchlist(entries[::2]).linked_imos() == {"B:x:SEA GLORY": 9000003}


# ------------------------------------------------------------------------------------------- the index


def test_fuzzy_search_finds_what_a_full_scan_finds(watchlist: Watchlist) -> None:
    """The length and letter filters are exact: compare with rapidfuzz over every key."""
    config = watchlist.config
    keys = sorted({name_key(n) for e in watchlist for n in e.names})
    queries = set()
    for key in keys:
        for i in range(len(key)):
            queries |= {key[:i] + key[i + 1:], key[:i] + "X" + key[i + 1:], key[:i] + "E" + key[i:]}
    checked = 0
    for query in sorted(queries):
        if not query or query in keys or len(query) < config.fuzzy_min_length:
            continue
        scan = sorted(
            (round(fuzz.ratio(query, key) / 100.0, 4), key) for key in keys
            if digit_signature(key) == digit_signature(query) and fuzz.ratio(query, key) >= config.name_score_cutoff
        )
        found = {(h.name_score, name_key(h.matched_alias or "")) for h in watchlist.match(None, None, query) if "name" in h.kinds}
        assert found == set(scan[-config.max_name_hits:]) or len(scan) > config.max_name_hits, query
        checked += 1
    assert checked > 1000


def test_cache_does_not_change_results(watchlist: Watchlist) -> None:
    uncached = Watchlist(watchlist.entries, WatchlistConfig(name_cache_size=0))
    tiny = Watchlist(watchlist.entries, WatchlistConfig(name_cache_size=2))
    names = ["CHON MA SAN", "CHEON MA SAN", "JI SONG 7", "ALPHA", "CHON MA SAN", "BAEK MA GANG", "CHEON MA SAN"] * 2
    for name in names:
        expected = uncached.match(None, CHON_MA_SAN_IMO, name)
        assert watchlist.match(None, CHON_MA_SAN_IMO, name) == expected == tiny.match(None, CHON_MA_SAN_IMO, name)


def test_watchlist_pickles(watchlist: Watchlist) -> None:
    copy = pickle.loads(pickle.dumps(watchlist))
    assert copy.match(572469210, CHON_MA_SAN_IMO, "CHEON MA SAN") == watchlist.match(572469210, CHON_MA_SAN_IMO, "CHEON MA SAN")


def test_summary(watchlist: Watchlist) -> None:
    s = watchlist.summary()
    assert (s.entries, s.by_source, s.with_imo, s.with_mmsi, s.linked_to_imo) == (
        74, {"OFAC-SDN": 46, "UN-SC": 28}, 43, 7, 27,
    )


def test_config_is_validated() -> None:
    for bad in ({"imo_confidence": 1.5}, {"name_score_cutoff": 0.0}, {"fuzzy_min_length": 0}, {"prefixes": ("m/v",)},
                {"name_cache_size": -1}):
        with pytest.raises(ValueError, match="watchlist: "):
            WatchlistConfig(**bad)


def test_confidences_follow_the_config(watchlist: Watchlist) -> None:
    strict = Watchlist(watchlist.entries, WatchlistConfig(name_confidence=0.5, mmsi_confidence=0.8))
    assert summary(strict.match(572469210, None, None)) == [("mmsi", 0.8, "OFAC-SDN:15036")]
    assert strict.match(None, None, "ARTAVIL")[0].confidence == 0.5
    no_prefixes = Watchlist([replace(watchlist.entries[0], name="MV AGUSTA")], WatchlistConfig(prefixes=()))
    assert no_prefixes.match(None, None, "AGUSTA") == []


@pytest.mark.parametrize("module", [streams.watchlist.normalise, streams.watchlist.model, streams.watchlist.matcher])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]
