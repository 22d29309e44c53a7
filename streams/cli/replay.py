"""`picket replay`: the detection core over AIS files, in process, no broker."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from streams.config import Settings
from streams.domain.alerts import Alert, alert_payload
from streams.domain.events import DeadLetter
from streams.errors import UserError
from streams.launch import FORMATS as LAUNCH_FORMATS
from streams.refdata import load_reference_data
from streams.replay import Progress, Replay, ReplaySummary, require_file
from streams.watchlist import load_watchlist
from streams.wire import AIS_FORMATS, dead_letter_payload, dumps

PROGRESS_INTERVAL_S = 1.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("replay", help="run the detection core over feed files (no broker)")
    parser.add_argument("--ais", nargs="+", default=[], metavar="FILE", help="AIS files (plain or .gz)")
    parser.add_argument("--format", default="auto", choices=("auto", *AIS_FORMATS), help="AIS input format")
    parser.add_argument(
        "--launches", nargs="+", default=[], metavar="FILE",
        help="launch detections: launch.detection JSON lines or the CNS missile-test CSV",
    )
    parser.add_argument("--launch-format", default="auto", choices=("auto", *LAUNCH_FORMATS))
    parser.add_argument("--out", help="write alerts as JSON lines here (default: standard output)")
    parser.add_argument("--deadletter-out", metavar="FILE", help="write dead letters as JSON lines here")
    parser.add_argument("--areas", metavar="GEOJSON", help="areas of interest replacing the bundled ones")
    parser.add_argument(
        "--watchlist", nargs="+", default=[], metavar="FILE",
        help="sanctions lists: OFAC sdn.csv (+ alt.csv), UN consolidated XML, or our JSON lines/CSV",
    )
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show progress on standard error (default: when it is a terminal)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    paths = [Path(p) for p in args.ais]
    launch_paths = [Path(p) for p in args.launches]
    if not paths and not launch_paths:
        raise UserError("nothing to replay: pass --ais FILE... and/or --launches FILE...")
    for path in [*paths, *launch_paths]:
        require_file(path)
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    reference = load_reference_data(args.areas)
    started = time.perf_counter()
    with _output(args.out, sys.stdout) as alerts_out, _output(args.deadletter_out, None) as dead_out:
        def on_alert(alert: Alert) -> None:
            alerts_out.write(dumps(alert_payload(alert, time.time())).decode() + "\n")

        def on_dead_letter(letter: DeadLetter) -> None:
            dead_out.write(dumps(dead_letter_payload(letter, "replay", time.time())).decode() + "\n")

        replay = Replay(
            settings, reference, on_alert, on_dead_letter, _progress_printer() if show_progress else None,
            watchlist=load_watchlist(args.watchlist) if args.watchlist else None,
        )
        for path in paths:
            replay.run_file(path, args.format)
        for path in launch_paths:
            replay.run_launch_file(path, args.launch_format)
        summary = replay.finish()
    if show_progress:
        print(file=sys.stderr)
    print_summary(summary, time.perf_counter() - started, file=sys.stderr if args.out is None else sys.stdout)
    return 0


def print_summary(summary: ReplaySummary, elapsed_s: float, file: TextIO) -> None:
    rate = summary.lines_in / elapsed_s if elapsed_s > 0 else 0.0
    print(f"files: {summary.files}  lines: {summary.lines_in}  ({rate:,.0f} lines/s, {elapsed_s:.1f} s)", file=file)
    print(f"positions: {summary.positions}  statics: {summary.statics}  vessels: {summary.vessels}", file=file)
    if summary.launch_detections:
        print(f"launch detections: {summary.launch_detections}", file=file)
    print(f"ignored: {summary.ignored} {_counts(summary.ignored_by_reason)}", file=file)
    print(f"dead letters: {summary.dead_letters} {_counts(summary.dead_letters_by_reason)}", file=file)
    print(
        f"alerts: {sum(summary.alerts_by_type.values())} {_counts(summary.alerts_by_type)}"
        f"  by severity {_counts(summary.alerts_by_severity)}  (emissions incl. updates: {summary.alert_emissions})",
        file=file,
    )


def _counts(counter) -> str:
    return "(" + ", ".join(f"{k}: {v}" for k, v in sorted(counter.items())) + ")" if counter else ""


def _progress_printer():
    last = [0.0]

    def show(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_S:
            return
        last[0] = now
        percent = 100.0 * progress.bytes_read / progress.bytes_total if progress.bytes_total else 100.0
        print(f"\r{progress.path}: {percent:5.1f} %  {progress.lines_in:,} lines", end="", file=sys.stderr, flush=True)

    return show


@contextmanager
def _output(path: str | None, default: TextIO | None) -> Iterator[TextIO]:
    """A file to write; for None, `default`, or nowhere when there is no default."""
    if path is None:
        if default is not None:
            yield default
            return
        path = os.devnull
    try:
        handle = open(path, "w", encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from error
    with handle:
        yield handle
