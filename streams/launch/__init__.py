"""Missile launches -> `launch` alerts (issue 6): the pure core.

Feed records (`launch.detection` JSON lines or the CNS missile-test CSV) are parsed into
`LaunchDetection`s or `DeadLetter`s (`parse`); `LaunchDetector.on_detection(state, detection)`
classifies each launch by its estimated full range (`trajectory`, `classify`), places its ground
track against Japan's land and EEZ (`geography`), fuses reports of one launch from several sources
(`fusion`) and scores the launch tempo (`tempo`). `LaunchState` is plain data for a Faust table.

    from streams.domain.events import DeadLetter
    from streams.launch import LaunchConfig, LaunchDetector, LaunchState, load_launch_reference, parse_launch_lines
    detector = LaunchDetector(LaunchConfig(), load_launch_reference())
    state = LaunchState()
    for record in parse_launch_lines(open("examples/nk_missile_tests.csv", newline=""), source="cns"):
        alerts = [] if isinstance(record, DeadLetter) else detector.on_detection(state, record)
"""

from streams.launch.config import LaunchConfig
from streams.launch.detector import RULE, LaunchDetector, LaunchState, latest_alerts, run_detections
from streams.launch.events import LaunchDetection, LaunchFieldError
from streams.launch.parse import FORMATS, parse_cns_csv, parse_json_line, parse_json_lines, parse_launch_lines, sniff_format
from streams.launch.reference import LaunchReference, load_launch_reference, load_sites
from streams.launch.wire import KIND, LaunchRecordError, detection_from_payload, detection_payload

__all__ = [
    "FORMATS",
    "KIND",
    "RULE",
    "LaunchConfig",
    "LaunchDetection",
    "LaunchDetector",
    "LaunchFieldError",
    "LaunchRecordError",
    "LaunchReference",
    "LaunchState",
    "detection_from_payload",
    "detection_payload",
    "latest_alerts",
    "load_launch_reference",
    "load_sites",
    "parse_cns_csv",
    "parse_json_line",
    "parse_json_lines",
    "parse_launch_lines",
    "run_detections",
    "sniff_format",
]
