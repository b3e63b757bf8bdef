"""`stretchbreak stats | history | export | db`: reading, exporting and repairing the history.

Errors from the store are already worded for the user; they go to stderr with exit code 1 and
never as a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stretchbreak import paths
from stretchbreak.core.clock import Clock, SystemClock

if TYPE_CHECKING:
    from stretchbreak.core.export import ExportFormat
    from stretchbreak.core.store import HistoryStore, SessionRecord
    from stretchbreak.core.streaks import StreakGoal

clock_factory: Callable[[], Clock] = SystemClock
"""Where the commands get the time from; tests swap in a FakeClock."""


def _load_goal() -> StreakGoal:
    """The `[streak]` goal from config.toml; a broken file means defaults plus a warning."""
    from stretchbreak.core.config import load_config

    config, problems = load_config()
    if problems:
        click.echo(
            f"warning: {problems[0]} ({len(problems)} problem(s) in the config; using the"
            " default settings)",
            err=True,
        )
    return config.streak


def _open_store(clock: Clock, goal: StreakGoal) -> HistoryStore:
    """Open the history for reading; a read-only file is still readable."""
    from stretchbreak.core.store import (
        HistoryStore,
        StoreCorrupt,
        StoreError,
        StoreNewerSchema,
        StoreUnavailable,
    )

    try:
        return HistoryStore.open_default(clock, day_start=goal.day_start)
    except (StoreNewerSchema, StoreCorrupt) as error:
        raise click.ClickException(str(error)) from error
    except StoreUnavailable as error:
        try:
            return HistoryStore.open_default(clock, day_start=goal.day_start, read_only=True)
        except StoreError:
            raise click.ClickException(str(error)) from error
    except StoreError as error:
        raise click.ClickException(str(error)) from error


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as one JSON object.")
def stats(as_json: bool) -> None:
    """Streaks, today, this week, a 26-week heatmap, minutes, breaks and comfort."""
    from stretchbreak.cli.stats_text import render_stats
    from stretchbreak.core.stats import summarize
    from stretchbreak.core.store import StoreError

    clock = clock_factory()
    goal = _load_goal()
    store = _open_store(clock, goal)
    try:
        summary = summarize(store, clock, goal)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=2))
        return
    colour = False if os.environ.get("NO_COLOR") else None
    for line in render_stats(summary):
        click.echo(line, color=colour)


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


def _history_line(record: SessionRecord, clock: Clock) -> str:
    started = record.started_utc.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M")
    finished = record.status in ("completed", "partial", "aborted")
    length = _duration(record.active_seconds) if finished else "-"
    steps = f"{record.steps_done}+{record.steps_skipped}" if finished else "-"
    comfort = "-" if record.comfort is None else f"{record.comfort}/10"
    if record.worse:
        comfort += " worse"
    return (
        f"{record.id:>6}  {started}  {record.routine_id:<24} {record.status:<10}"
        f" {record.trigger:<9} {length:>6}  {steps:>5}  {comfort}"
    )


@click.command()
@click.option(
    "--limit",
    "-n",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many sessions to list.",
)
def history(limit: int) -> None:
    """List the most recent routine sessions, newest first (times in your local zone).

    STEPS is done+skipped; LENGTH is the active time.
    """
    from stretchbreak.core.store import StoreError

    clock = clock_factory()
    store = _open_store(clock, _load_goal())
    try:
        records = store.recent_sessions(limit)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    finally:
        store.close()
    if not records:
        click.echo("No sessions recorded yet. Start one with `stretchbreak start`.")
        return
    click.echo(
        f"{'ID':>6}  {'STARTED':<16}  {'ROUTINE':<24} {'STATUS':<10} {'TRIGGER':<9}"
        f" {'LENGTH':>6}  {'STEPS':>5}  COMFORT"
    )
    for record in records:
        click.echo(_history_line(record, clock))


@click.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["csv", "json"]),
    required=True,
    help="json: one document; csv: one table with a `record` column.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def export(export_format: str, output: Path | None, force: bool) -> None:
    """Export every session and break event (nothing stays trapped in the database)."""
    from stretchbreak.core.export import write_export
    from stretchbreak.core.store import StoreError

    if output is not None and output.exists() and not force:
        raise click.ClickException(f"{output} already exists; add --force to replace it.")
    fmt: ExportFormat = "csv" if export_format == "csv" else "json"
    clock = clock_factory()
    store = _open_store(clock, _load_goal())
    try:
        if output is None:
            write_export(store, sys.stdout, fmt, clock.now())
            return
        sessions, events = _export_to_file(store, output, fmt, clock)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"could not write {output}: {error.strerror}") from error
    finally:
        store.close()
    click.echo(f"Exported {sessions} sessions and {events} break events to {output}.", err=True)


def _export_to_file(
    store: HistoryStore, output: Path, fmt: ExportFormat, clock: Clock
) -> tuple[int, int]:
    """Write next to the target, then rename: a failed export never leaves half a file."""
    from stretchbreak.core.export import write_export

    folder = output.resolve().parent
    handle, temp_name = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            counts = write_export(store, out, fmt, clock.now())
        os.replace(temp_name, output)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return counts


@click.group()
def db() -> None:
    """Check the history database, or move a damaged one aside.

    stretchbreak never moves or deletes your history by itself. If it reports that the
    history file is damaged, run `stretchbreak db check` to see what SQLite found, then
    `stretchbreak db recover`: it renames the file to history.sqlite3.damaged-<time> (kept,
    not deleted) and starts a fresh one holding every row that could still be read.
    """


@db.command("check")
def db_check() -> None:
    """Run SQLite's integrity check on the history file (read-only)."""
    from stretchbreak.core.store_recovery import check_database

    report = check_database(paths.database_file())
    if not report.exists:
        click.echo(f"No history yet at {report.path}.")
        return
    if report.damaged:
        click.echo(f"{report.path} is damaged:")
        for problem in report.problems[:10]:
            click.echo(f"  {problem}")
        click.echo("Run `stretchbreak db recover` to move it aside and keep what can be read.")
        raise SystemExit(1)
    if report.newer:
        raise click.ClickException(
            f"{report.path} is intact but was written by a newer stretchbreak (layout"
            f" v{report.schema_version}); upgrade stretchbreak to use it."
        )
    click.echo(
        f"{report.path} is ok: layout v{report.schema_version}, {report.sessions} sessions,"
        f" {report.break_events} break events."
    )


@db.command("recover")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def db_recover(yes: bool) -> None:
    """Move a damaged history file aside and start fresh with the rows still readable."""
    from stretchbreak.core.store import StoreError
    from stretchbreak.core.store_recovery import check_database, recover_database

    path = paths.database_file()
    report = check_database(path)
    if not report.exists:
        click.echo(f"No history file at {path}; nothing to recover.")
        return
    if not report.damaged:
        click.echo(f"{path} is not damaged; nothing to do.")
        return
    if _history_in_use(path):
        raise click.ClickException(
            "stretchbreak is running (the dashboard or a routine); close it, then run"
            " `stretchbreak db recover` again."
        )
    clock = clock_factory()
    if not yes:
        click.confirm(
            f"{path} is damaged. Move it aside (it is kept, renamed) and start a fresh"
            " history with every row that can still be read?",
            abort=True,
        )
    try:
        result = recover_database(path, clock)
    except (OSError, StoreError) as error:
        raise click.ClickException(f"recovery failed, nothing was lost: {error}") from error
    click.echo(f"Moved the damaged file to {result.moved_to}.")
    click.echo(
        f"Started a fresh history at {path} with {result.sessions_saved} sessions and"
        f" {result.break_events_saved} break events recovered."
    )


def _history_in_use(path: Path) -> bool:
    """True if the dashboard holds its instance lock, or a process has a session running."""
    from filelock import FileLock, Timeout

    lock_files = [paths.instance_lock_file()]
    owners = path.with_name(path.name + "-owners")
    if owners.is_dir():
        lock_files.extend(owners.glob("*.lock"))
    for lock_file in lock_files:
        if not lock_file.exists():
            continue
        probe = FileLock(lock_file, timeout=0)
        try:
            probe.acquire()
        except Timeout:
            return True
        except OSError:
            continue
        probe.release()
    return False


COMMANDS: list[click.Command] = [stats, history, export, db]
