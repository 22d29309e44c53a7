"""Reading sanctions lists: real OFAC and UN excerpts (tests/data/sanctions/PROVENANCE.md), our own
formats, format detection and the errors a user sees."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from streams.errors import UserError
from streams.watchlist import (
    OFAC_SOURCE,
    UN_SOURCE,
    WatchlistEntry,
    detect_format,
    entry_from_record,
    entry_to_record,
    load_watchlist,
    read_entries,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "sanctions"
OFAC = DATA / "ofac_sdn_excerpt.csv"
UN = DATA / "un_sc_consolidated_excerpt.xml"
USER_JSONL = DATA / "user_watchlist.jsonl"
USER_CSV = DATA / "user_watchlist.csv"


def by_name(entries: list[WatchlistEntry]) -> dict[str, WatchlistEntry]:
    return {entry.name: entry for entry in entries}


# ------------------------------------------------------------------------------------------- OFAC


def test_ofac_excerpt_vessels_and_their_numbers() -> None:
    entries = read_entries([OFAC])
    assert len(entries) == 46  # 49 rows: an individual and two shipping companies are not vessels
    assert sum(e.imo is not None for e in entries) == 43
    assert sum(e.mmsi is not None for e in entries) == 7
    assert sum(any(p.startswith("DPRK") for p in e.programmes) for e in entries) == 28
    assert {e.source for e in entries} == {OFAC_SOURCE}
    names = by_name(entries)
    assert "KOREA ACHIM SHIPPING CO" not in names and "CHONGCHONGANG SHIPPING COMPANY LIMITED" not in names
    assert 5342883 not in {e.imo for e in entries}  # the company IMO number of a non-vessel row


def test_ofac_dprk_vessel_fields() -> None:
    chon_ma_san = by_name(read_entries([OFAC]))["CHON MA SAN"]
    assert chon_ma_san == WatchlistEntry(
        name="CHON MA SAN",
        source="OFAC-SDN",
        source_ref="23729",
        imo=8660313,
        flag="Democratic People's Republic of Korea",
        programmes=("DPRK4",),
        remarks=chon_ma_san.remarks,
    )
    assert chon_ma_san.remarks.endswith("Vessel Registration Identification IMO 8660313; Linked To: KOREA ACHIM SHIPPING CO.")
    assert chon_ma_san.listed_on is None  # sdn.csv has no listing date


def test_ofac_remarks_variants() -> None:
    names = by_name(read_entries([OFAC]))
    artavil = names["ARTAVIL"]
    assert (artavil.imo, artavil.mmsi, artavil.aliases, artavil.call_sign) == (9187629, 572469210, ("ALPHA",), "T2EU4")
    assert artavil.vessel_type == "Crude/Oil Products Tanker"
    assert names["ARK III"].aliases == ("ABADEH", "CRYSTAL", "SUNDIAL", "ARK")
    assert names["EBANO"].aliases == ("ANA I", "SAND SWAN")
    assert names["CHIZHOVKA"].imo is not None  # "IMO  n": two spaces
    assert names["NS LEADER"].imo is not None  # "Identification Number IMO n"
    shellest = names["SHELLEST"]  # a Russian registry number is not an IMO
    assert (shellest.imo, shellest.mmsi) == (None, 273385420)
    assert names["RYONG GUN BONG"].imo is None
    assert names["HAPPINESS I"].programmes == ("IRAN", "SDGT")
    assert names["MAR AZUL"].remarks == "" and names["MAR AZUL"].flag == "Cuba"
    assert names["FINIKIA"].flag is None


def test_ofac_alt_csv_adds_aliases_whatever_the_file_order(tmp_path: Path) -> None:
    alt = tmp_path / "alt.csv"  # OFAC alt.csv layout: ent_num, alt_num, alt_type, alt_name, alt_remarks
    alt.write_bytes(b'23729,900001,"fka","TEST FORMER NAME",-0- \r\n4243,900002,"aka","SAND SWAN",-0- \r\n\x1a')
    for paths in ([OFAC, alt], [alt, OFAC]):
        names = by_name(read_entries(paths))
        assert names["CHON MA SAN"].aliases == ("TEST FORMER NAME",)
        assert names["EBANO"].aliases == ("ANA I", "SAND SWAN")  # no repeat
    assert detect_format(alt.read_bytes()) == "ofac_alt_csv"


def test_the_same_list_twice_is_loaded_once() -> None:
    assert len(read_entries([OFAC, OFAC])) == 46


# ------------------------------------------------------------------------------------------- UN


def test_un_list_vessels_are_named_in_entity_comments() -> None:
    entries = read_entries([UN])
    assert len(entries) == 28
    assert all(e.source == UN_SOURCE and e.basis == "named" and e.imo is None for e in entries)
    assert {e.source_ref for e in entries} == {"KPe.020", "KPe.022"} | {
        f"KPe.0{n}" for n in (55, 56, 57, 58, 59, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 72, 73, 74, 75)
    }
    chon_ma_san = next(e for e in entries if e.name == "CHON MA SAN")
    assert (chon_ma_san.source_ref, chon_ma_san.flag, chon_ma_san.programmes, chon_ma_san.listed_on) == (
        "KPe.061", "DPRK", ("DPRK",), date(2018, 3, 30),
    )
    assert chon_ma_san.remarks == (
        "Named in the listing of KPe.061 KOREA ACHIM SHIPPING CO: Registered owner of DPRK tanker CHON MA SAN."
    )
    assert chon_ma_san.entry_id == "UN-SC:KPe.061:CHON MA SAN"


def test_un_names_flags_and_what_is_left_out() -> None:
    entries = read_entries([UN])
    names = {e.name for e in entries}
    assert {"AN SAN 1", "KUM UN SAN 3", "SAM MA 2", "KOTI", "WOORY STAR", "YUK TUNG"} <= names
    assert "CHONG CHON GANG" in names  # written "the Chong Chon Gang" in the comment
    assert not names & {"DPRK", "UN", "IMO", "ETA", "SAMMA SHIPPING", "OMM", "S", "SAN 1"}
    flags = {e.name: e.flag for e in entries}
    assert (flags["HUA FU"], flags["HAO FAN 6"], flags["YU JONG 2"], flags["DONG FENG 6"]) == (
        "Panama", "St Kitts-Nevis", "DPRK", None,
    )
    assert [e.source_ref for e in entries if e.name == "YU JONG 2"] == ["KPe.061", "KPe.066"]
    assert not {"KPe.001", "QDe.150", "TAe.012"} & {e.source_ref for e in entries}


# ------------------------------------------------------------------------------------------- our formats


def test_our_jsonl_and_csv_formats() -> None:
    entries = read_entries([USER_JSONL, USER_CSV])
    assert [e.entry_id for e in entries] == [
        "analyst:case-0001", "user_watchlist:case-0002", "user_watchlist:IMO 9000015",
        "user_watchlist:case-0003", "user_watchlist:case-0004",
    ]
    first, _, imo_only, from_csv, comma = entries
    assert (first.imo, first.mmsi, first.aliases, first.listed_on) == (9000003, 445000001, ("EXAMPLE ONE",), date(2024, 1, 15))
    assert (imo_only.name, imo_only.imo, imo_only.programmes) == ("", 9000015, ("DPRK",))
    assert (from_csv.aliases, from_csv.programmes, from_csv.flag) == (("EXAMPLE TWO", "EX TANKER"), ("DPRK", "IRAN"), "Panama")
    assert (comma.name, comma.mmsi, comma.imo) == ("Example, Bulk", 445000004, None)


def test_every_entry_survives_the_record_round_trip() -> None:
    for entry in read_entries([OFAC, UN, USER_JSONL, USER_CSV]):
        assert entry_from_record(entry_to_record(entry)) == entry


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"name": "X", "imo": 9000004}\n', "user.jsonl:1: imo 9000004 fails the IMO check digit"),
        ('# comment\n{"name": "X", "mmsi": 44500001}\n', "user.jsonl:2: mmsi must be 9 digits, not 44500001"),
        ('{"name": "X", "imo_number": 9000003}\n', "user.jsonl:1: unknown field(s) imo_number"),
        ('{"name": "X"}\n{"name": \n', "user.jsonl:2: not JSON"),
        ('{"flag": "Panama"}\n', "user.jsonl:1: needs a name, an imo or an mmsi"),
        ('{"name": "X", "listed_on": "30/03/2018"}\n', "user.jsonl:1: listed_on '30/03/2018' is not a YYYY-MM-DD date"),
    ],
)
def test_bad_records_name_the_file_line_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "user.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as error:
        read_entries([path])
    assert message in str(error.value)


def test_csv_with_an_unknown_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("name,imo,vessel_nmae\nX,9000003,tanker\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        read_entries([path])
    assert f"{path}:1: unknown column(s) vessel_nmae" in str(error.value)


# ------------------------------------------------------------------------------------------- detection


def test_formats_are_detected_from_content_not_names(tmp_path: Path) -> None:
    expected = {OFAC: "ofac_sdn_csv", UN: "un_sc_xml", USER_JSONL: "jsonl", USER_CSV: "csv"}
    for path, kind in expected.items():
        assert detect_format(path.read_bytes()) == kind
        renamed = tmp_path / f"{kind}.txt"
        renamed.write_bytes(gzip.compress(path.read_bytes()))  # gzipped, under a misleading name
        identities = [(e.name, e.imo, e.mmsi, e.source_ref) for e in read_entries([renamed])]
        assert identities == [(e.name, e.imo, e.mmsi, e.source_ref) for e in read_entries([path])]


def test_gzipped_list_loads(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv.gz"
    path.write_bytes(gzip.compress(OFAC.read_bytes()))
    assert read_entries([path]) == read_entries([OFAC])


@pytest.mark.parametrize(
    "content",
    [
        b"just some words\nand more\n",
        b"<?xml version='1.0'?><sdnList><sdnEntry/></sdnList>",  # OFAC's XML: not supported
        b"<CONSOLIDATED_LIST><ENTITIES>",  # broken XML
        b"1,2,3\n",
    ],
)
def test_unknown_format_is_a_user_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "mystery.dat"
    path.write_bytes(content)
    with pytest.raises(UserError, match=r"mystery\.dat: unknown watch-list format"):
        load_watchlist([path])


def test_json_that_is_not_our_records_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "areas.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(UserError, match=r"areas\.geojson:1: unknown field\(s\) features, type"):
        load_watchlist([path])


@pytest.mark.parametrize("content", [None, b"", b"   \n"])
def test_missing_or_empty_file_is_a_user_error_naming_it(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "list.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match=r"list\.csv: (cannot read the watch list|the watch list is empty)"):
        load_watchlist([path])


def test_a_directory_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read the watch list"):
        load_watchlist([tmp_path])
