"""The CLI end to end, as a user runs it: `picket replay` on files, the example generator, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from streams.schemas import validate

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FEED = ROOT / "examples" / "sample_feed.nmea"


def picket(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_replay_of_sample_feed_writes_valid_alerts_dead_letters_and_a_summary(tmp_path):
    alerts_path, dead_path = tmp_path / "alerts.jsonl", tmp_path / "dead.jsonl"
    result = picket("replay", "--ais", str(SAMPLE_FEED), "--out", str(alerts_path), "--deadletter-out", str(dead_path))
    assert result.returncode == 0, result.stderr
    alerts = read_jsonl(alerts_path)
    for alert in alerts:
        validate("alerts", alert)
    by_vessel = {a["vessels"][0]["mmsi"]: a for a in alerts}
    assert set(by_vessel) == {445_112_000, 352_001_234, 667_001_555}
    assert by_vessel[445_112_000]["severity"] == "high" and by_vessel[445_112_000]["vessels"][0]["name"] == "CHON MA SAN"
    assert by_vessel[352_001_234]["end"] is not None
    assert by_vessel[667_001_555]["end"] is None
    dead = read_jsonl(dead_path)
    for letter in dead:
        validate("deadletter", letter)
    assert sorted(d["reason"] for d in dead) == ["bad_checksum", "malformed_sentence", "unknown_sentence"]
    assert "alerts: 3 (ais_gap: 3)" in result.stdout
    assert "dead letters: 3" in result.stdout


def test_replaying_twice_gives_the_same_alert_ids(tmp_path):
    ids = []
    for run in ("first", "second"):
        out = tmp_path / f"{run}.jsonl"
        assert picket("replay", "--ais", str(SAMPLE_FEED), "--out", str(out)).returncode == 0
        ids.append([a["alert_id"] for a in read_jsonl(out)])
    assert ids[0] == ids[1]


def test_replay_reads_gzip_and_csv_inputs(tmp_path):
    import gzip

    packed = tmp_path / "feed.nmea.gz"
    packed.write_bytes(gzip.compress(SAMPLE_FEED.read_bytes()))
    csvs = sorted((ROOT / "tests" / "data" / "csv").glob("*.csv"))
    result = picket("replay", "--ais", str(packed), *map(str, csvs), "--out", str(tmp_path / "a.jsonl"))
    assert result.returncode == 0, result.stderr
    assert "files: 3" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["replay", "--ais", "no-such-file.nmea"], "input file not found"),
        (["replay", "--ais", "tests"], "is a folder"),
        (["--config", "absent.toml", "replay", "--ais", "examples/sample_feed.nmea"], "cannot read config file"),
        (["replay"], "nothing to replay"),
        (["produce", "ais", "no-such-file.nmea", "--broker", "127.0.0.1:1"], "input file not found"),
        (["produce", "launches", "tests", "--broker", "127.0.0.1:1"], "is a folder"),
    ],
)
def test_bad_input_is_a_clear_error_without_traceback(args, message):
    result = picket(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_sample_feed_matches_its_generator(tmp_path):
    regenerated = tmp_path / "feed.nmea"
    subprocess.run([sys.executable, str(ROOT / "examples" / "make_sample_feed.py"), str(regenerated)], check=True, timeout=120)
    assert regenerated.read_bytes() == SAMPLE_FEED.read_bytes()


def test_replay_with_the_ofac_list_flags_the_listed_tanker_by_imo(tmp_path):
    out = tmp_path / "alerts.jsonl"
    ofac = ROOT / "tests" / "data" / "sanctions" / "ofac_sdn_excerpt.csv"
    result = picket("replay", "--ais", str(SAMPLE_FEED), "--watchlist", str(ofac), "--out", str(out))
    assert result.returncode == 0, result.stderr
    matches = [a for a in read_jsonl(out) if a["type"] == "watchlist_match"]
    assert [(m["vessels"][0]["mmsi"], m["severity"], m["evidence"]["hit_kind"]) for m in matches] == [
        (445_112_000, "critical", "imo")
    ]
