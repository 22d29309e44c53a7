"""Replays the CNS North Korea Missile Test Database through the launch detector and prints, as
Markdown, the counts per class and the confusion table of our class against the database's own
missile type (the generated part of docs/launch-classes.md; a test checks the two agree).

    python examples/launch_class_table.py [CSV]     # default: examples/nk_missile_tests.csv

Our label is the kind for satellite and sea launches ("SLV", "SLBM"), otherwise the range class
from the estimated full range, or "none" when the row gives neither apogee nor distance.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.domain.events import DeadLetter  # noqa: E402
from streams.launch import LaunchConfig, LaunchDetector, latest_alerts, load_launch_reference, parse_cns_csv, run_detections  # noqa: E402

OURS = ("SRBM", "MRBM", "IRBM", "ICBM", "SLBM", "SLV", "none")
THEIRS = ("SRBM", "MRBM", "IRBM", "ICBM", "SLBM", "SLV", "HGV")


def our_label(evidence: dict) -> str:
    if evidence["kind"] == "satellite":
        return "SLV"
    if evidence["kind"] == "sea":
        return "SLBM"
    return evidence["range_class"] or "none"


def table(csv_path: Path) -> str:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        records = list(parse_cns_csv(handle, source="cns"))
    dead = [r for r in records if isinstance(r, DeadLetter)]
    detections = [r for r in records if not isinstance(r, DeadLetter)]
    detector = LaunchDetector(LaunchConfig(), load_launch_reference())
    emitted = run_detections(detector, detections)
    alerts = latest_alerts(emitted)
    reported = {d.detection_id: d.reported_type for d in detections}
    first_report = {a.alert_id: a.evidence["reports"][0]["detection_id"] for a in alerts}

    lines = [f"Rows: {len(records)}; detections: {len(detections)}; dead letters: {len(dead)}"
             + "".join(f" ({d.reason}: {d.detail})" for d in dead) + f"; alerts: {len(alerts)}.", ""]

    kinds = Counter((a.evidence["kind"], a.evidence["range_class"] or "none") for a in alerts)
    lines += ["| kind | " + " | ".join(OURS[:4]) + " | none | total |", "|---|" + "---:|" * 6]
    for kind in ("ballistic", "sea", "satellite"):
        counts = [kinds[(kind, c)] for c in (*OURS[:4], "none")]
        lines.append(f"| {kind} | " + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |")
    severities = Counter(a.severity for a in alerts)
    lofted = sum(1 for a in alerts if a.evidence["lofted"])
    overflights = sum(1 for a in alerts if a.evidence["overflies_japan"])
    in_eez = sum(1 for a in alerts if a.evidence["impact_in_japan_eez"])
    burst_days = sorted({a.evidence["inputs"]["launch_time"][:10] for a in alerts if a.evidence["tempo"]["burst"]})
    lines += [
        "",
        "Severity: " + ", ".join(f"{s} {severities[s]}" for s in ("critical", "high", "medium", "low", "info") if severities[s])
        + f". Lofted: {lofted}. Overflights of Japan: {overflights}. Impacts in Japan's EEZ (approximate outline): {in_eez}."
        + f" Burst days: {len(burst_days)} ({', '.join(burst_days)}).",
        "",
    ]

    confusion: Counter[tuple[str, str]] = Counter()
    untyped: Counter[str] = Counter()
    for alert in alerts:
        theirs = reported[first_report[alert.alert_id]]
        if theirs is not None:
            confusion[(theirs, our_label(alert.evidence))] += 1
        else:
            untyped[our_label(alert.evidence)] += 1
    lines += ["| database type \\ ours | " + " | ".join(OURS) + " | rows | agree |", "|---|" + "---:|" * (len(OURS) + 2)]
    agree_total = rows_total = labelled = agree_labelled = 0
    for theirs in THEIRS:
        counts = [confusion[(theirs, ours)] for ours in OURS]
        rows = sum(counts)
        agree = confusion[(theirs, theirs)]
        rows_total += rows
        agree_total += agree
        labelled += rows - confusion[(theirs, "none")]
        agree_labelled += agree
        lines.append(f"| {theirs} | " + " | ".join(str(c) if c else "." for c in counts) + f" | {rows} | {agree} |")
    lines += [
        "",
        f"Agreement: {agree_total} of {rows_total} rows with a database type ({100 * agree_total / rows_total:.0f} %); "
        f"{agree_labelled} of {labelled} rows we could label ({100 * agree_labelled / labelled:.0f} %).",
        "",
        f"Rows whose database type is Unknown ({sum(untyped.values())}), as we label them: "
        + ", ".join(f"{label} {untyped[label]}" for label in OURS if untyped[label]) + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "examples" / "nk_missile_tests.csv"
    sys.stdout.write(table(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
