"""Launch feeds: every CNS row and every JSON line ends as one detection or one dead letter."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from streams.domain.events import DeadLetter
from streams.errors import UserError
from streams.launch import LaunchDetection, parse_cns_csv, parse_json_line, parse_json_lines, parse_launch_lines, sniff_format
from streams.launch.parse import CNS_COLUMNS
from streams.launch.wire import parse_time
from tests.unit.launch_support import CNS_CSV, cns_records

HEADER = ",".join((*CNS_COLUMNS, "glide", "description"))


def _cns(*rows: str) -> list:
    return list(parse_cns_csv(io.StringIO("\n".join([HEADER, *rows]) + "\n"), source="test"))


ROW = "2017-11-28,18:18 (UTC),,hwasong-15,Hwasong-15,ICBM,pyongsong,Pyongsong Field,39.282,125.869,sea-of-japan,4475,950,76,success,,text"


def test_every_cns_row_is_a_detection_or_a_dead_letter() -> None:
    records = cns_records()
    with CNS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
    assert len(records) == rows == 339
    dead = [r for r in records if isinstance(r, DeadLetter)]
    assert [(d.reason, d.detail) for d in dead] == [("no_launch_point", "facility: 'unknown' is a placeholder: its coordinates are Pyongyang International Airport's")]
    assert dead[0].epoch_s == parse_time("2019-04-17T00:00:00Z") and dead[0].raw.startswith("2019-04-17,unknown,")
    detections = [r for r in records if isinstance(r, LaunchDetection)]
    assert len({d.detection_id for d in detections}) == len(detections) == 338
    precision = Counter(d.time_precision for d in detections)
    assert precision == {"second": 255, "day": 75, "month": 8}


def test_a_timed_cns_row() -> None:
    (d,) = _cns(ROW)
    assert d == LaunchDetection(
        detection_id="cns-2017-11-28-0", detected_s=parse_time("2017-11-28T18:18:00Z"), source="CNS", launch_lat=39.282,
        launch_lon=125.869, site="pyongsong", azimuth_deg=76.0, apogee_km=4475.0, range_km=950.0, time_precision="second",
        missile_name="Hwasong-15", reported_type="ICBM", outcome="success", landing_area="sea-of-japan",
    )


def test_cns_rows_without_time_day_or_numbers() -> None:
    day, month = _cns(
        "1993-05-29,unknown,1,nodong,Nodong,MRBM,tonghae,Tonghae,40.85,129.67,unknown,unknown,na,90,unknown,,",
        "1984-09,unknown,1,scud-b,Scud-B,SRBM,tonghae,Tonghae,40.85,129.67,unknown,unknown,unknown,90,failure,,",
    )
    assert (day.detected_s, day.time_precision) == (parse_time("1993-05-29T00:00:00Z"), "day")
    assert (month.detected_s, month.time_precision) == (parse_time("1984-09-01T00:00:00Z"), "month")
    assert day.apogee_km is None and day.range_km is None and day.landing_area is None and day.outcome == "unknown"


def test_cns_coordinates_from_the_site_table_or_dead_letter() -> None:
    resolved, unknown_site, placeholder = _cns(
        ROW.replace("39.282,125.869", "unknown,unknown"),
        ROW.replace("pyongsong,Pyongsong Field,39.282,125.869", "nowhere,Nowhere,,"),
        ROW.replace("pyongsong,Pyongsong Field", "unknown,Unknown"),
    )
    assert (resolved.launch_lat, resolved.launch_lon) == (39.282, 125.869)
    assert isinstance(unknown_site, DeadLetter) and unknown_site.reason == "no_launch_point" and "'nowhere'" in unknown_site.detail
    assert isinstance(placeholder, DeadLetter) and placeholder.reason == "no_launch_point"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (ROW.replace("2017-11-28", "2017-13-28", 1), "detected_s"),
        (ROW.replace("18:18 (UTC)", "25:18 (UTC)"), "detected_s"),
        (ROW.replace(",4475,", ",high,"), "apogee_km"),
        (ROW.replace(",950,", ",-950,"), "range_km"),
        (ROW.replace(",76,", ",400,"), "azimuth_deg"),
        (ROW.replace("39.282", "139.282"), "launch_lat"),
    ],
)
def test_bad_cns_rows_name_the_field(row: str, field: str) -> None:
    (dead,) = _cns(row)
    assert isinstance(dead, DeadLetter) and dead.reason == "bad_launch_record"
    assert dead.detail.startswith(f"{field}: ") and dead.source == "test"


def test_cns_row_with_missing_fields_and_duplicate_ids() -> None:
    short, first, second = _cns("2017-11-28,18:18 (UTC)", ROW, ROW)
    assert isinstance(short, DeadLetter) and short.detail == "row: 2 fields, header has 17"
    assert (first.detection_id, second.detection_id) == ("cns-2017-11-28-0", "cns-2017-11-28-0-2")


def test_a_csv_that_is_not_cns_is_a_user_error() -> None:
    with pytest.raises(UserError, match="missing column"):
        list(parse_cns_csv(io.StringIO("a,b\n1,2\n")))


GOOD = {"schema_version": 1, "detection_id": "jp-1", "detected_at": "2017-11-28T18:18:00Z", "source": "JP-MoD", "launch_lat": 39.28, "launch_lon": 125.87, "apogee_km": 4475}


def test_json_lines() -> None:
    d = parse_json_line(json.dumps(GOOD), "feed")
    assert isinstance(d, LaunchDetection) and d.apogee_km == 4475 and d.missiles == 1 and d.time_precision == "second"
    by_site = parse_json_line(json.dumps({k: v for k, v in GOOD.items() if not k.startswith("launch")} | {"site": "Sohae Satellite Launching Station"}), "feed")
    assert isinstance(by_site, LaunchDetection) and (by_site.site, by_site.launch_lat, by_site.launch_lon) == ("sohae", 39.6596, 124.7057)
    offset = parse_json_line(json.dumps(GOOD | {"detected_at": "2017-11-29T03:18:00+09:00"}), "feed")
    assert isinstance(offset, LaunchDetection) and offset.detected_s == d.detected_s


@pytest.mark.parametrize(
    ("line", "reason", "detail"),
    [
        ("{not json", "bad_launch_record", "not JSON"),
        ("[1, 2]", "bad_launch_record", "$: a launch record is a JSON object"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "detected_at"}), "bad_launch_record", "detected_at: required"),
        (json.dumps(GOOD | {"detected_at": "2017-11-28T18:18:00"}), "bad_launch_record", "detected_at: needs a UTC offset"),
        (json.dumps(GOOD | {"schema_version": 2}), "bad_launch_record", "schema_version: must be 1"),
        (json.dumps(GOOD | {"launch_lat": 91}), "bad_launch_record", "launch_lat: must be a finite number in -90..90"),
        (json.dumps(GOOD | {"launch_lon": None}), "bad_launch_record", "launch_lon: give both"),
        (json.dumps(GOOD | {"apogee_km": "4475"}), "bad_launch_record", "apogee_km: must be a number"),
        (json.dumps(GOOD | {"apogee": 4475}), "bad_launch_record", "apogee: unknown field"),
        (json.dumps(GOOD | {"missiles": 0}), "bad_launch_record", "missiles: must be an integer >= 1"),
        (json.dumps(GOOD | {"impact_lat": 40.0}), "bad_launch_record", "impact_lon: give both"),
        (json.dumps(GOOD | {"outcome": "great"}), "bad_launch_record", "outcome: must be one of"),
        (json.dumps(GOOD | {"confidence": 1.5}), "bad_launch_record", "confidence:"),
        (json.dumps({k: v for k, v in GOOD.items() if not k.startswith("launch")}), "no_launch_point", "launch_lat: no launch_lat/launch_lon and no site"),
        (json.dumps({k: v for k, v in GOOD.items() if not k.startswith("launch")} | {"site": "Atlantis"}), "no_launch_point", "site: site 'Atlantis' is not in the site table"),
    ],
)
def test_bad_json_lines_are_dead_letters(line: str, reason: str, detail: str) -> None:
    dead = parse_json_line(line, "feed")
    assert isinstance(dead, DeadLetter)
    assert (dead.reason, dead.raw, dead.source) == (reason, line, "feed")
    assert dead.detail.startswith(detail), dead.detail


def test_dead_letters_keep_the_time_when_it_was_read() -> None:
    dead = parse_json_line(json.dumps(GOOD | {"launch_lat": 91}), "feed")
    assert isinstance(dead, DeadLetter) and dead.epoch_s == parse_time(GOOD["detected_at"])


def test_blank_lines_are_skipped_and_formats_are_sniffed() -> None:
    lines = ["\n", json.dumps(GOOD) + "\n", "   \n", "{bad\n"]
    assert [type(r).__name__ for r in parse_json_lines(lines, "feed")] == ["LaunchDetection", "DeadLetter"]
    assert [type(r).__name__ for r in parse_launch_lines(lines, "feed")] == ["LaunchDetection", "DeadLetter"]
    assert sniff_format(json.dumps(GOOD)) == "jsonl" and sniff_format(HEADER) == "cns_csv"
    assert len(list(parse_launch_lines(io.StringIO("\n" + HEADER + "\n" + ROW + "\n"), "feed"))) == 1
    assert list(parse_launch_lines([], "feed")) == []
    with pytest.raises(UserError, match="expected JSON lines"):
        sniff_format("MMSI,LAT,LON")
    with pytest.raises(UserError, match="unknown launch feed format"):
        list(parse_launch_lines(["x"], "feed", fmt="xml"))
