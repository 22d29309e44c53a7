"""The launch detector end to end: state that survives pickle and JSON, a replay of the whole CNS
database with stable counts, and the example script that makes docs/launch-classes.md."""

from __future__ import annotations

import contextlib
import io
import json
import pickle
import runpy
from collections import Counter

import pytest

from streams.launch import LaunchConfig, LaunchDetection, LaunchState, latest_alerts, run_detections
from streams.launch.detector import RULE
from tests.unit.launch_support import ROOT, T0, cns_records, cns_replay, detection, detector


def _detections() -> list[LaunchDetection]:
    return [r for r in cns_records() if isinstance(r, LaunchDetection)]


def test_replay_of_the_whole_cns_database() -> None:
    emitted, state = cns_replay()
    alerts = latest_alerts(emitted)
    assert len(emitted) == len(alerts) == 338  # one source: nothing fuses, every row is its own launch
    classes = Counter((a.evidence["kind"], a.evidence["range_class"]) for a in alerts)
    assert classes == {
        ("ballistic", "SRBM"): 215, ("ballistic", "MRBM"): 21, ("ballistic", "IRBM"): 5, ("ballistic", "ICBM"): 11,
        ("ballistic", None): 59, ("sea", "SRBM"): 12, ("sea", "MRBM"): 1, ("sea", None): 4,
        ("satellite", "SRBM"): 3, ("satellite", "MRBM"): 4, ("satellite", "IRBM"): 2, ("satellite", None): 1,
    }
    assert Counter(a.severity for a in alerts) == {"medium": 270, "high": 37, "critical": 31}
    overflights = sorted(a.evidence["inputs"]["launch_time"][:10] for a in alerts if a.evidence["overflies_japan"])
    assert overflights == ["1998-08-31", "2009-04-05", "2017-08-28", "2017-09-14", "2022-10-03"]  # every one Japan reported
    assert sum(1 for a in alerts if a.evidence["impact_in_japan_eez"]) == 21
    bursts = sorted({a.evidence["inputs"]["launch_time"][:10] for a in alerts if a.evidence["tempo"]["burst"]})
    assert bursts == ["2013-05-20", "2016-04-28", "2019-08-05", "2022-01-16", "2022-09-30", "2022-10-03", "2022-10-05", "2022-11-03"]
    assert sum(1 for a in alerts if a.evidence["tempo"]["several_in_one_day"]) == 88
    assert sum(1 for a in alerts if a.evidence["tempo"]["new_site"]) == 55
    assert state.tempo.launches == 338 and len(state.tempo.sites_seen) == 55
    assert all(a.rule == RULE and a.vessels == () and a.position is not None for a in alerts)


def test_replay_is_deterministic() -> None:
    first = [(a.alert_id, a.severity, a.score) for a in run_detections(detector(), _detections()[:80])]
    again = [(a.alert_id, a.severity, a.score) for a in run_detections(detector(), _detections()[:80])]
    assert first == again and len({i for i, _, _ in first}) == 80


def test_state_survives_pickle_and_a_json_round_trip_mid_replay() -> None:
    detections = _detections()
    whole = [a for a in cns_replay()[0]]
    run, state = detector(), LaunchState()
    part = run_detections(run, detections[:150], state)
    assert pickle.loads(pickle.dumps(state)) == state
    restored = LaunchState.from_dict(json.loads(json.dumps(state.to_dict(), allow_nan=False)))
    assert restored == state
    rest = run_detections(run, detections[150:], restored)
    assert part + rest == whole


def test_state_round_trip_with_open_fused_launches() -> None:
    run, state = detector(), LaunchState()
    run.on_detection(state, detection("a", T0, "JP-MoD", confidence=0.8, time_precision="second", apogee_km=4475.0))
    copy = LaunchState.from_dict(json.loads(json.dumps(state.to_dict())))
    (left,) = run.on_detection(state, detection("b", T0 + 60.0, "ROK-JCS", range_km=950.0))
    (right,) = run.on_detection(copy, detection("b", T0 + 60.0, "ROK-JCS", range_km=950.0))
    assert left == right and left.evidence["report_count"] == 2


def test_the_alert_id_follows_the_contract() -> None:
    from streams.domain.alerts import make_alert_id

    alert = run_detections(detector(), [detection("jp-9", T0, "JP-MoD", range_km=950.0)])[0]
    assert alert.alert_id == make_alert_id("launch", ["pyongsong", "jp-9"], T0, RULE)
    away = run_detections(detector(), [detection("jp-9", T0, "JP-MoD", lat=40.33, lon=127.31)])[0]
    assert away.alert_id == make_alert_id("launch", ["40.3,127.3", "jp-9"], T0, RULE)  # no site within 10 km
    assert alert.start_s == T0 and alert.end_s == T0  # no flight time: an instant


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="class_bounds_km"):
        LaunchConfig(class_bounds_km=(3000.0, 1000.0, 5500.0))
    with pytest.raises(ValueError, match="fusion_retention_s"):
        LaunchConfig(fusion_window_s=7200.0, fusion_retention_s=3600.0)
    with pytest.raises(ValueError, match="burst_p_value"):
        LaunchConfig(burst_p_value=0.0)


def test_example_script_runs_and_docs_carry_its_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["launch_class_table.py"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as done:
        runpy.run_path(str(ROOT / "examples" / "launch_class_table.py"), run_name="__main__")
    assert done.value.code == 0
    table = out.getvalue()
    assert "| SRBM | 149 |" in table and "Agreement: 193 of 273" in table
    docs = (ROOT / "docs" / "launch-classes.md").read_text(encoding="utf-8")
    assert table in docs, "docs/launch-classes.md is stale: paste the output of examples/launch_class_table.py"
