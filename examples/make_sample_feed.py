"""Writes examples/sample_feed.nmea: a small synthetic AIS feed that exercises the detectors.

Synthetic (encoded with pyais), so it can ship with the project and its truth is known:
- 445_112_000 "CHON MA SAN" (DPRK tanker) goes dark for 14 h in Korea Bay  -> ais_gap, high
- 352_001_234 "OCEAN GRACE" (Panama cargo) goes dark for 7 h in the East China Sea -> ais_gap, medium
- 477_001_777 "LUCKY STAR" (Hong Kong tanker) drops out for 2 h -> no alert (below 6 h)
- 667_001_555 "SEA BRAVE" (Sierra Leone tanker) goes dark in the Yellow Sea 10 h before the end
  of the feed                                       -> ais_gap still open (end null), medium
- 412_000_808 (Chinese class B fishing boat) silent for 8 h -> no alert (class B)
- 440_000_321 (Korean cargo reporting every 3 h) -> no alert (not reporting regularly)
plus a few damaged sentences that must land in the dead-letter topic. Courses keep to open sea.

Run: python examples/make_sample_feed.py [OUT]   (deterministic: same bytes every run)
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from pyais.encode import encode_dict

FEED_START_S = 1_700_000_000  # 2023-11-14T22:13:20Z
FEED_HOURS = 30
REPORT_INTERVAL_S = 600
SOURCE = "sample-receiver"


@dataclass(frozen=True)
class Voyage:
    mmsi: int
    name: str
    ship_type: int
    start_lat: float
    start_lon: float
    course_deg: float
    speed_kn: float
    dark_from_h: float | None = None
    dark_hours: float = 0.0
    ais_class: str = "A"
    interval_s: int = REPORT_INTERVAL_S
    imo: int = 0
    callsign: str = ""


VOYAGES = (
    Voyage(445_112_000, "CHON MA SAN", 80, 38.30, 122.80, 60.0, 3.0, dark_from_h=8, dark_hours=14, imo=8660313, callsign="HMZK"),
    Voyage(352_001_234, "OCEAN GRACE", 70, 29.50, 124.20, 20.0, 9.0, dark_from_h=6, dark_hours=7, imo=9107203, callsign="3FZA9"),
    Voyage(477_001_777, "LUCKY STAR", 80, 30.80, 122.90, 0.0, 6.0, dark_from_h=10, dark_hours=2, imo=9216975, callsign="VRAB3"),
    Voyage(667_001_555, "SEA BRAVE", 80, 35.50, 123.50, 0.0, 8.0, dark_from_h=FEED_HOURS - 10, dark_hours=10, imo=9036064, callsign="9LY2551"),
    Voyage(412_000_808, "MIN YU 1", 30, 31.20, 123.60, 90.0, 4.0, dark_from_h=12, dark_hours=8, ais_class="B"),
    Voyage(440_000_321, "HANA", 70, 35.00, 125.50, 200.0, 12.0, interval_s=3 * 3600, imo=9301237, callsign="DSQA7"),
)

DAMAGED_LINES = (
    # checksum altered
    "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*27",
    # truncated in transit
    "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0",
    # not an AIS sentence at all
    "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47",
)


def tag_block(epoch_s: int) -> str:
    body = f"c:{epoch_s},s:{SOURCE}"
    checksum = reduce(lambda acc, ch: acc ^ ord(ch), body, 0)
    return f"\\{body}*{checksum:02X}\\"


def advance(lat: float, lon: float, course_deg: float, distance_nm: float) -> tuple[float, float]:
    dlat = distance_nm * math.cos(math.radians(course_deg)) / 60.0
    dlon = distance_nm * math.sin(math.radians(course_deg)) / (60.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def voyage_lines(voyage: Voyage) -> list[tuple[int, int, str]]:
    """(epoch, order, line) triples; order keeps a multi-part message's fragments together."""
    out: list[tuple[int, int, str]] = []
    channel = "A"
    static_type = 5 if voyage.ais_class == "A" else 24
    lat, lon = voyage.start_lat, voyage.start_lon
    for step, epoch in enumerate(range(FEED_START_S, FEED_START_S + FEED_HOURS * 3600, voyage.interval_s)):
        hours = (epoch - FEED_START_S) / 3600
        if step:
            lat, lon = advance(lat, lon, voyage.course_deg, voyage.speed_kn * voyage.interval_s / 3600)
        if voyage.dark_from_h is not None and voyage.dark_from_h <= hours < voyage.dark_from_h + voyage.dark_hours:
            continue
        position = {
            "type": 1 if voyage.ais_class == "A" else 18,
            "mmsi": voyage.mmsi,
            "status": 0,
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "speed": voyage.speed_kn,
            "course": voyage.course_deg,
            "heading": int(voyage.course_deg),
        }
        sentences = encode_dict(position, radio_channel=channel, talker_id="AI", sentence_type="VDM")
        out.extend((epoch, 0, tag_block(epoch) + s) for s in sentences)
        if step % 36 == 0:  # static data every 6 h, as ITU-R M.1371 rates allow
            if static_type == 5:
                static = {
                    "type": 5, "mmsi": voyage.mmsi, "imo": voyage.imo, "callsign": voyage.callsign,
                    "shipname": voyage.name, "ship_type": voyage.ship_type, "to_bow": 120, "to_stern": 40,
                    "to_port": 12, "to_starboard": 12, "draught": 8.5, "destination": "NAMPO" if voyage.mmsi // 1_000_000 == 445 else "ZHOUSHAN",
                }
                parts = encode_dict(static, radio_channel=channel, talker_id="AI", sentence_type="VDM", seq_id=step % 10)
            else:
                parts = encode_dict({"type": 24, "mmsi": voyage.mmsi, "partno": 0, "shipname": voyage.name}, radio_channel=channel, talker_id="AI", sentence_type="VDM")
            out.extend((epoch + 1, i + 1, tag_block(epoch + 1) + s) for i, s in enumerate(parts))
    return out


def build_feed() -> list[str]:
    lines: list[tuple[int, int, int, str]] = []
    for rank, voyage in enumerate(VOYAGES):
        lines.extend((epoch, rank, order, line) for epoch, order, line in voyage_lines(voyage))
    for i, damaged in enumerate(DAMAGED_LINES):
        epoch = FEED_START_S + 3600 * (i + 1) + 5
        lines.append((epoch, len(VOYAGES), 0, tag_block(epoch) + damaged))
    lines.sort()
    return [line for *_, line in lines]


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("sample_feed.nmea")
    out.write_text("\n".join(build_feed()) + "\n", encoding="ascii")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
