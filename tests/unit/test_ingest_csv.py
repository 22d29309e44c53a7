"""CSV ingest (NOAA MarineCadastre, Danish Maritime Authority) and format detection.

The rows are written for these tests in the published formats (tests/data/PROVENANCE.md).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from streams.config import IngestConfig
from streams.domain.events import PositionReport, StaticReport
from streams.ingest import AisDecoder, DecodeResult, detect_format
from streams.ingest.csv_formats import DMA_HEADER, DMA_SHIP_TYPES, MARINECADASTRE_HEADER

DATA = Path(__file__).resolve().parents[1] / "data"
MC_FILE = DATA / "csv" / "marinecadastre_sample.csv"
DMA_FILE = DATA / "csv" / "dma_sample.csv"

MC_ROW = "538007123,2023-01-01T00:00:05,29.71234,-93.87012,11.3,245.1,246.0,OCEAN PIONEER,IMO9387421,V7AB3,80,0.0,183.0,32.0,11.2,80.0,A"
MC_ROW_LATER = "538007123,2023-01-01T00:01:15,29.70861,-93.87950,11.2,245.6,246.0,OCEAN PIONEER,IMO9387421,V7AB3,80,0.0,183.0,32.0,11.2,80.0,A"
MC_ROW_NEW_DRAFT = "538007123,2023-01-01T00:02:25,29.70490,-93.88885,11.4,244.9,245.0,OCEAN PIONEER,IMO9387421,V7AB3,80,0.0,183.0,32.0,10.9,80.0,A"
MC_CLASS_B = "367123450,2023-01-01T00:00:07,47.60311,-122.33942,0.0,360.0,511.0,SEA LARK,,WDC4821,37,15.0,12.0,4.0,,,B"
DMA_ROW = ("27/02/2024 00:00:00,Class A,219012345,55.687012,12.599871,Under way using engine,0.0,12.4,87.3,88,9391622,"
           "OZAB2,NORDIC STAR,Tanker,No additional information,24,149,GPS,8.9,GOTHENBURG,28/02/2024 06:00:00,AIS,120,29,12,12")
DMA_CLASS_B_DIMENSIONS_FROM_ABCD = ("27/02/2024 00:00:02,Class B,219876543,55.866200,12.651300,Unknown value,,5.2,190.0,,"
                                    "Unknown,OU7788,HAVFRUE,Sailing,,,,GPS,,Unknown,,AIS,7,3,2,1")

T_MC_S = datetime(2023, 1, 1, 0, 0, 5, tzinfo=timezone.utc).timestamp()
T_DMA_S = datetime(2024, 2, 27, tzinfo=timezone.utc).timestamp()


def csv_decoder(ais_format: str = "auto") -> AisDecoder:
    return AisDecoder(IngestConfig(), "csv-source", ais_format)


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# -- detect_format -------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C", "nmea"),
    ("\\c:1661782474*36\\!AIVDM,1,1,,A,36=nR7OP0>69WMN3Gt:mu?w02000,0*07", "nmea"),
    ("$PGHP,1,2013,3,18,9,19,9,499,219,,2190048,1,28*23", "nmea"),
    (MARINECADASTRE_HEADER, "marinecadastre"),
    ("\ufeff" + MARINECADASTRE_HEADER + "\r\n", "marinecadastre"),
    (DMA_HEADER, "dma"),
    ("Timestamp,Type of mobile,MMSI,Latitude,Longitude", "dma"),
])
def test_detect_format(line: str, expected: str) -> None:
    assert detect_format(line) == expected


@pytest.mark.parametrize("line", ["", "foobar", "538007123,2023-01-01T00:00:05,29.7", "# a comment"])
def test_detect_format_rejects_unknown_lines_clearly(line: str) -> None:
    with pytest.raises(ValueError, match="unknown AIS format") as raised:
        detect_format(line)
    assert "MMSI,BaseDateTime" in str(raised.value)


def test_auto_detects_and_skips_leading_comments_and_junk() -> None:
    d = csv_decoder()
    result = d.decode(["", "# exported 2024-02-27", "garbage", DMA_HEADER, DMA_ROW])
    assert d.ais_format == "dma" and d.header == DMA_HEADER
    assert result.ignored_by_reason == {"blank": 1, "comment": 1, "csv_header": 1}
    assert [x.reason for x in result.dead_letters] == ["unknown_format"]
    assert len(result.events) == 2 and result.balanced


def test_auto_detects_nmea() -> None:
    d = csv_decoder()
    result = d.decode(["# receiver log", "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C"], received_at_s=1.0)
    assert d.ais_format == "nmea" and d.header is None and len(result.events) == 1 and result.balanced


def test_unknown_format_name_is_refused() -> None:
    with pytest.raises(ValueError, match="ais_format must be"):
        AisDecoder(IngestConfig(), "x", "nmea0183")


# -- MarineCadastre ------------------------------------------------------------------------------

def test_marinecadastre_row_values() -> None:
    result = csv_decoder("marinecadastre").decode([MC_ROW])
    assert result.events == [
        StaticReport(538007123, T_MC_S, 5, "A", "csv-source", name="OCEAN PIONEER", imo=9387421, callsign="V7AB3",
                     ship_type=80, length_m=183.0, beam_m=32.0, draught_m=11.2),
        PositionReport(538007123, T_MC_S, 29.71234, -93.87012, 11.3, 245.1, 246, 0, None, 1, "A", "csv-source"),
    ]
    assert result.lines_used == 1 and result.balanced


def test_marinecadastre_class_b_and_sentinels() -> None:
    position = [e for e in csv_decoder("marinecadastre").decode([MC_CLASS_B]).events if isinstance(e, PositionReport)]
    assert position == [PositionReport(367123450, T_MC_S + 2, 47.60311, -122.33942, 0.0, None, None, None, None, 18, "B", "csv-source")]


def test_marinecadastre_imo_zero_sog_not_available_and_empty_dimensions() -> None:
    row = "366998410,2023-01-01T00:03:30,37.80212,-122.34162,102.3,219.3,1.0,GOLDEN GATE PILOT,IMO0000000,WXY3021,50,5.0,,,0.0,50.0,A"
    static, position = csv_decoder("marinecadastre").decode([row]).events
    assert (static.imo, static.length_m, static.beam_m, static.draught_m) == (None, None, None, None)
    assert (position.sog_kn, position.nav_status) == (None, 5)


def test_static_report_only_when_static_columns_change() -> None:
    d = csv_decoder("marinecadastre")
    kinds = [[type(e).__name__ for e in d.decode([row]).events] for row in (MC_ROW, MC_ROW_LATER, MC_ROW_NEW_DRAFT)]
    assert kinds == [["StaticReport", "PositionReport"], ["PositionReport"], ["StaticReport", "PositionReport"]]


def test_header_in_the_chunk_or_passed_separately() -> None:
    reordered = "BaseDateTime,MMSI,LAT,LON,SOG,COG,Heading"
    in_chunk = csv_decoder("marinecadastre")
    first = in_chunk.decode([MARINECADASTRE_HEADER, MC_ROW])
    assert in_chunk.header == MARINECADASTRE_HEADER and first.ignored_by_reason == {"csv_header": 1}
    # Kafka records carry the header beside the lines; columns are found by name, in any order.
    separate = csv_decoder("marinecadastre")
    result = separate.decode(["2023-01-01T00:00:05,538007123,29.71234,-93.87012,11.3,245.1,246.0"], header=reordered)
    assert [(e.mmsi, e.epoch_s, e.lat, e.ais_class) for e in result.events] == [(538007123, T_MC_S, 29.71234, "A")]
    assert separate.header == reordered and result.lines_in == 1 and result.balanced
    refused = csv_decoder("marinecadastre").decode([MC_ROW], header="Ship,When")
    assert [(x.reason, x.raw) for x in refused.dead_letters] == [("bad_csv_row", "Ship,When")]
    assert "lacks column(s) MMSI, BaseDateTime, LAT, LON" in refused.dead_letters[0].detail
    assert refused.lines_dead == 0 and len(refused.events) == 2 and refused.balanced  # the canonical header is kept


def test_auto_detection_from_the_header_argument() -> None:
    d = csv_decoder()
    result = d.decode([MC_ROW], header=MARINECADASTRE_HEADER)
    assert d.ais_format == "marinecadastre" and d.header == MARINECADASTRE_HEADER and len(result.events) == 2


@pytest.mark.parametrize(("row", "reason", "detail"), [
    ("367000001,2023-01-01T00:04:00,47.6,-122.3,0.0,360.0,511.0,SHORT ROW", "bad_csv_row", "expected 17 columns, got 8"),
    (MC_ROW.replace("29.71234", "29.7N"), "bad_csv_row", "column 'LAT': '29.7N' is not a number"),
    (MC_ROW.replace("2023-01-01T00:00:05", "2023-13-01T00:00:05"), "bad_csv_row", "column 'BaseDateTime'"),
    (MC_ROW.replace("2023-01-01T00:00:05", "yesterday"), "bad_csv_row", "column 'BaseDateTime'"),
    (MC_ROW.replace("538007123", "53800712x"), "bad_csv_row", "column 'MMSI'"),
    (MC_ROW.replace("11.3", "nan"), "bad_csv_row", "column 'SOG'"),
    (MC_ROW.replace("IMO9387421", "IMO93874X"), "bad_csv_row", "column 'IMO'"),
    (MC_ROW[:-1] + "C", "bad_csv_row", "column 'TransceiverClass'"),
    (MC_ROW.replace("538007123", "0", 1), "out_of_range", "mmsi 0"),
    (MC_ROW.replace("29.71234", "95.5"), "out_of_range", "lat 95.5"),
    (MC_ROW.replace("-93.87012", "-193.8"), "out_of_range", "lon -193.8"),
    (MC_ROW.replace("11.3", "140.0"), "out_of_range", "sog 140.0"),
])
def test_bad_marinecadastre_rows(row: str, reason: str, detail: str) -> None:
    result = csv_decoder("marinecadastre").decode([row])
    assert [(x.reason, x.raw, x.source) for x in result.dead_letters] == [(reason, row, "csv-source")]
    assert detail in result.dead_letters[0].detail and result.events == [] and result.balanced


def test_quoted_names_with_commas() -> None:
    row = MC_ROW.replace("OCEAN PIONEER", '"OCEAN, PIONEER"')
    static = csv_decoder("marinecadastre").decode([row]).events[0]
    assert static.name == "OCEAN, PIONEER"


# -- DMA -----------------------------------------------------------------------------------------

def test_dma_row_values() -> None:
    result = csv_decoder("dma").decode([DMA_ROW])
    assert result.events == [
        StaticReport(219012345, T_DMA_S, 5, "A", "csv-source", name="NORDIC STAR", imo=9391622, callsign="OZAB2",
                     ship_type=80, length_m=149.0, beam_m=24.0, draught_m=8.9, destination="GOTHENBURG"),
        PositionReport(219012345, T_DMA_S, 55.687012, 12.599871, 12.4, 87.3, 88, 0, 0.0, 1, "A", "csv-source"),
    ]


def test_dma_class_b_dimensions_from_antenna_offsets() -> None:
    static, position = csv_decoder("dma").decode([DMA_CLASS_B_DIMENSIONS_FROM_ABCD]).events
    assert (static.msg_type, static.ais_class, static.ship_type, static.length_m, static.beam_m) == (24, "B", 36, 10.0, 3.0)
    assert (static.imo, static.destination) == (None, None)
    assert (position.msg_type, position.heading_deg, position.nav_status) == (18, None, None)


@pytest.mark.parametrize(("text", "code"), [
    ("Tanker", 80), ("Cargo", 70), ("Passenger", 60), ("Fishing", 30), ("Tug", 52), ("Pilot", 50), ("SAR", 51),
    ("Towing", 31), ("Dredging", 33), ("Diving", 34), ("Military", 35), ("Sailing", 36), ("Pleasure", 37),
    ("HSC", 40), ("Law enforcement", 55), ("Other", 90), ("Undefined", None), ("Spare 1", None),
])
def test_dma_ship_type_texts(text: str, code: int | None) -> None:
    row = DMA_ROW.replace(",Tanker,", f",{text},")
    static = csv_decoder("dma").decode([row]).events[0]
    assert static.ship_type == code
    assert code is None or DMA_SHIP_TYPES[text.lower()] == code


@pytest.mark.parametrize(("text", "code"), [
    ("Under way using engine", 0), ("At anchor", 1), ("Moored", 5), ("Engaged in fishing", 7),
    ("Under way sailing", 8), ("Unknown value", None),
])
def test_dma_navigational_status_texts(text: str, code: int | None) -> None:
    row = DMA_ROW.replace("Under way using engine", text)
    position = csv_decoder("dma").decode([row]).events[1]
    assert position.nav_status == code


@pytest.mark.parametrize(("mobile", "reason"), [
    ("Base Station", "base_station"), ("AtoN", "aton"), ("SAR Airborne", "other_mobile_type"),
])
def test_dma_non_vessel_rows_are_ignored(mobile: str, reason: str) -> None:
    result = csv_decoder("dma").decode([DMA_ROW.replace("Class A", mobile)])
    assert result.ignored_by_reason == {reason: 1} and result.events == [] and result.dead_letters == []


def test_dma_row_without_position_still_gives_new_statics_then_is_ignored() -> None:
    d = csv_decoder("dma")
    no_position = DMA_ROW.replace("55.687012,12.599871", "91.000000,0.000000")
    first = d.decode([no_position])
    assert [type(e).__name__ for e in first.events] == ["StaticReport"] and first.lines_used == 1
    again = d.decode([no_position])
    assert again.events == [] and again.ignored_by_reason == {"position_not_available": 1}


@pytest.mark.parametrize(("row", "detail"), [
    (DMA_ROW.replace("27/02/2024 00:00:00", "31/02/2024 00:00:00", 1), "column 'Timestamp'"),
    (DMA_ROW.replace("27/02/2024 00:00:00", "2024-02-27 00:00:00", 1), "column 'Timestamp'"),
    (DMA_ROW.replace(",12.4,", ",fast,"), "column 'SOG': 'fast' is not a number"),
    (DMA_ROW + ",extra", "expected 26 columns, got 27"),
])
def test_bad_dma_rows(row: str, detail: str) -> None:
    result = csv_decoder("dma").decode([row])
    assert [x.reason for x in result.dead_letters] == ["bad_csv_row"] and detail in result.dead_letters[0].detail


# -- accounting over the sample files ------------------------------------------------------------

@pytest.mark.parametrize(("path", "used", "dead"), [(MC_FILE, 6, 4), (DMA_FILE, 4, 2)], ids=["marinecadastre", "dma"])
@pytest.mark.parametrize("chunk_lines", [1, 4, 1000])
def test_every_csv_line_is_accounted_for(path: Path, used: int, dead: int, chunk_lines: int) -> None:
    lines = read_lines(path)
    d = csv_decoder()
    total = DecodeResult()
    header = None
    for start in range(0, len(lines), chunk_lines):
        result = d.decode(lines[start:start + chunk_lines], header=header)
        header = d.header  # as the producer does: later records carry the header beside the lines
        assert result.balanced
        total.extend(result)
    total.extend(d.flush())
    assert total.lines_in == len(lines) and total.balanced and total.buffered_delta == 0
    assert (total.lines_used, total.lines_dead) == (used, dead)
