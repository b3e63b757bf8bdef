"""`stretchbreak stats | history | export | db`: reading, exporting and repairing the history.

Errors from the store are already worded for the user; they go to stderr with exit code 1 and
never as a traceback. The reading commands (stats, history, export) open the history read-only,
so they work in a read-only data folder and never change the file; rows they cannot read are
skipped and named on stderr.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

import click

from stretchbreak import paths
from stretchbreak.core.clock import Clock, SystemClock
from stretchbreak.core.display import printable
from stretchbreak.core.feedback import pain_from_comfort

if TYPE_CHECKING:
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
            f"warning: {problems[0]} ({len(problems)} problem(s) in the config; each bad value"
            " falls back to its default)",
            err=True,
        )
    return config.streak


def _open_store(clock: Clock, goal: StreakGoal) -> HistoryStore:
    """Open the history for reading: read-only when it exists, so nothing is written.

    A file in an older layout is opened writable once to upgrade it; a missing one is created
    (the stats of a fresh install are zeros). A read-only folder still reads.
    """
    from stretchbreak.core.store import (
        HistoryStore,
        StoreCorrupt,
        StoreError,
        StoreNewerSchema,
        StoreUnavailable,
    )

    path = paths.database_file()
    try:
        exists = path.stat().st_size > 0
    except OSError:
        exists = False
    try:
        if exists:
            try:
                return HistoryStore(path, clock, day_start=goal.day_start, read_only=True)
            except (StoreNewerSchema, StoreCorrupt):
                raise
            except StoreUnavailable as error:
                try:  # an older layout: upgrade it if the folder allows
                    return HistoryStore(path, clock, day_start=goal.day_start)
                except StoreError:
                    raise error from None
        return HistoryStore(path, clock, day_start=goal.day_start)
    except StoreError as error:
        raise click.ClickException(str(error)) from error


def _report_unreadable(store: HistoryStore) -> None:
    """Name the rows a read had to skip (on stderr, so exports and JSON stay clean)."""
    rows = store.unreadable_rows
    if not rows:
        return
    shown = "; ".join(printable(row.describe()) for row in rows[:5])
    more = f"; and {len(rows) - 5} more" if len(rows) > 5 else ""
    noun = "row" if len(rows) == 1 else "rows"
    click.echo(
        f"warning: {len(rows)} {noun} could not be read: {shown}{more}. They were skipped;"
        " `stretchbreak db check` lists them all.",
        err=True,
    )


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so Python's final flush cannot fail again."""
    with suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


@contextmanager
def _writing_stdout() -> Iterator[None]:
    """Turn a failed write to standard output into a message, never a traceback.

    A closed pipe (`| head`) ends quietly with 141, like other tools killed by SIGPIPE; a closed
    standard output ends quietly with 1; anything else (`> /dev/full`) names the reason.
    """
    try:
        yield
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        raise SystemExit(141) from None
    except OSError as error:
        _quiet_stdout()
        if error.errno == errno.EBADF:
            raise SystemExit(1) from None
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise click.ClickException(f"could not write to standard output: {reason}") from None


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
    _report_unreadable(store)
    with _writing_stdout():
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
    pain = pain_from_comfort(record.comfort)  # the one pain scale: 0 = no pain
    comfort = "-" if pain is None else f"{pain}/10"
    if record.worse:
        comfort += " worse"
    return (
        f"{record.id:>6}  {started}  {printable(record.routine_id):<24} {record.status:<10}"
        f" {record.trigger:<9} {length:>6}  {steps:>5}  {comfort}"
    )


EVENT_NAMES = {"deferred": "waited", "natural_break": "natural break", "abandoned": "too short"}
"""How `history --breaks` names a stored break-event kind (others read as stored)."""


_Row = TypeVar("_Row")


def _read_then_close(store: HistoryStore, read: Callable[[HistoryStore], list[_Row]]) -> list[_Row]:
    """`read(store)`, the store closed either way, unreadable rows reported; a store error is
    the command's error."""
    from stretchbreak.core.store import StoreError

    try:
        rows = read(store)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    finally:
        store.close()
    _report_unreadable(store)
    return rows


def _echo_json(items: list[object]) -> None:
    with _writing_stdout():
        click.echo(json.dumps(items, indent=2))


def _list_break_events(store: HistoryStore, clock: Clock, limit: int, as_json: bool) -> None:
    events = _read_then_close(store, lambda opened: opened.recent_break_events(limit))
    if as_json:
        from stretchbreak.core.export import break_event_dict

        _echo_json([break_event_dict(event) for event in events])
        return
    with _writing_stdout():
        if not events:
            click.echo("No break events recorded yet.")
            return
        click.echo(f"{'WHEN':<16}  {'EVENT':<13} {'ROUTINE':<24} DETAIL")
        for event in events:
            when = event.at_utc.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M")
            name = EVENT_NAMES.get(event.kind, event.kind)
            routine = printable(event.routine_id or "-")
            click.echo(f"{when:<16}  {name:<13} {routine:<24} {printable(event.detail)}".rstrip())


@click.command()
@click.option(
    "--limit",
    "-n",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many sessions (or break events) to list (more than the history holds: all).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON array of sessions (with --breaks: of break events), as the export's"
    " objects, times in UTC.",
)
@click.option(
    "--breaks",
    is_flag=True,
    help="List break events instead: due, snoozed, skipped, missed, waited for a meeting...",
)
def history(limit: int, as_json: bool, breaks: bool) -> None:
    """List the most recent routine sessions, newest first (times in your local zone).

    STEPS is done+skipped; LENGTH is the active time. With --breaks, the break events instead
    (a break that "waited" fell due during a meeting or a call; DETAIL says why).
    """
    clock = clock_factory()
    store = _open_store(clock, _load_goal())
    if breaks:
        _list_break_events(store, clock, limit, as_json)
        return
    records = _read_then_close(store, lambda opened: opened.recent_sessions(limit))
    if as_json:
        from stretchbreak.core.export import session_dict

        _echo_json([session_dict(record) for record in records])
        return
    with _writing_stdout():
        if not records:
            click.echo("No sessions recorded yet. Start one with `stretchbreak start`.")
            return
        click.echo(
            f"{'ID':>6}  {'STARTED':<16}  {'ROUTINE':<24} {'STATUS':<10} {'TRIGGER':<9}"
            f" {'LENGTH':>6}  {'STEPS':>5}  PAIN"
        )
        for record in records:
            click.echo(_history_line(record, clock))


_TABLE_NAMES = ("sessions", "break_events", "reminder_events", "exercise_feedback")
"""The export tables (`core.export.TABLES`), listed here so `--help` needs no import."""


@click.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["csv", "json"]),
    help="json: one document; csv: one file per table, into the folder -o names.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="json, or csv with --table: write to this file instead of standard output. csv: the"
    " folder for the table files (created if missing).",
)
@click.option(
    "--table",
    type=click.Choice(_TABLE_NAMES),
    help="csv: only this table, to standard output (or the file -o names).",
)
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@click.option(
    "--schema",
    "print_schema",
    is_flag=True,
    help="Print the JSON Schema of the JSON export (and where it is installed), then exit.",
)
def export(
    export_format: str | None,
    output: Path | None,
    table: str | None,
    force: bool,
    print_schema: bool,
) -> None:
    """Export every session, break event, reminder event and exercise feedback.

    Nothing stays trapped in the database. CSV cells are typed: integers as digits, booleans as
    true/false, times as ISO 8601 with the UTC offset, a missing value as an empty cell.

    \b
    Exit codes: 0 exported; 1 the history cannot be read or the output cannot be written (or
    exists: pass --force); 2 bad usage.
    """
    from stretchbreak.core.export import SCHEMA_FILE
    from stretchbreak.core.safe_files import UnsafeFile, UnsafeFolder
    from stretchbreak.core.store import StoreError

    if print_schema:
        with _writing_stdout():
            click.echo(SCHEMA_FILE.read_text(encoding="utf-8"), nl=False)
        click.echo(f"(installed at {printable(str(SCHEMA_FILE))})", err=True)
        return
    if export_format is None:
        raise click.UsageError("Missing option '--format' (csv or json).")
    if table is not None and export_format != "csv":
        raise click.UsageError("--table picks one CSV table; use it with --format csv.")
    folder = export_format == "csv" and table is None
    if folder and output is None:
        raise click.UsageError(
            "CSV is one file per table: give -o FOLDER for all of them, or --table NAME for"
            f" one on standard output ({', '.join(_TABLE_NAMES)})."
        )
    target = None
    if output is not None:
        target = _folder_target(output, force) if folder else _export_target(output, force)
    clock = clock_factory()
    store = _open_store(clock, _load_goal())
    try:
        if output is None:
            if sys.stdout is None:  # started with standard output closed
                raise SystemExit(1)
            with _writing_stdout():
                _write_one(store, sys.stdout, export_format, table, clock)
            _report_unreadable(store)
            return
        counts = _export_to_folder(store, output) if folder else None
        if counts is None:
            counts = _export_to_file(store, output, export_format, table, clock)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    except (UnsafeFile, UnsafeFolder) as error:
        raise click.ClickException(printable(str(error))) from error
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.ClickException(f"could not write {printable(str(output))}: {reason}") from error
    finally:
        store.close()
    _report_unreadable(store)
    shown = printable(str(output))
    if target != output.absolute():
        shown += f" (through the link, to {printable(str(target))})"
    what = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
    click.echo(f"Exported {what} to {shown}.", err=True)


def _write_one(
    store: HistoryStore, out: TextIO, export_format: str, table: str | None, clock: Clock
) -> dict[str, int]:
    from stretchbreak.core.export import write_csv_table, write_json

    if export_format == "json":
        return write_json(store, out, clock.now())
    assert table is not None
    return {table: write_csv_table(store, table, out)}


def _export_target(output: Path, force: bool) -> Path:
    """The file an export to `output` really writes (a link's target), checked for --force.

    `safe_files.atomic_write` does the rest: a link is written through (the link stays), and a
    FIFO, device, folder or socket is refused with what it is, with or without --force.
    """
    if output.exists() and not force:
        raise click.ClickException(
            f"{printable(str(output))} already exists; add --force to replace it."
        )
    return Path(os.path.realpath(output))


def _folder_target(output: Path, force: bool) -> Path:
    """The folder a CSV export writes its table files into, checked for --force."""
    from stretchbreak.core.export import csv_files

    if output.exists() and not output.is_dir():
        raise click.ClickException(
            f"{printable(str(output))} is not a folder: a CSV export writes one file per table"
            " into a folder (or pass --table NAME for one table)."
        )
    existing = [file.name for file in csv_files(output) if file.exists() or file.is_symlink()]
    if existing and not force:
        raise click.ClickException(
            f"{printable(str(output))} already holds {', '.join(existing)}; add --force to"
            " replace them."
        )
    return Path(os.path.realpath(output))


def _export_to_file(
    store: HistoryStore, output: Path, export_format: str, table: str | None, clock: Clock
) -> dict[str, int]:
    """Build the export, then replace the file in one step: never half a file.

    New files are private (0600), like the history they come from.
    """
    from stretchbreak.core.safe_files import atomic_write

    buffer = io.StringIO(newline="")
    counts = _write_one(store, buffer, export_format, table, clock)
    atomic_write(output, buffer.getvalue().encode("utf-8"))
    return counts


def _export_to_folder(store: HistoryStore, folder: Path) -> dict[str, int]:
    """Every table into `folder` (created 0700), each file written whole or not at all."""
    from stretchbreak.core.export import TABLES, csv_file_name, write_csv_table
    from stretchbreak.core.safe_files import atomic_write, ensure_private_dir

    ensure_private_dir(folder)
    counts: dict[str, int] = {}
    for table in TABLES:
        buffer = io.StringIO(newline="")
        counts[table] = write_csv_table(store, table, buffer)
        atomic_write(folder / csv_file_name(table), buffer.getvalue().encode("utf-8"))
    return counts


@click.group()
def db() -> None:
    """Check the history database, or move a damaged one aside.

    stretchbreak never moves or deletes your history by itself. If it reports that the
    history file is damaged, run `stretchbreak db check` to see what SQLite found, then
    `stretchbreak db recover`: it renames the file to history.sqlite3.damaged-<time> (kept,
    not deleted) and starts a fresh one holding every row that could still be read.
    """


EXIT_DAMAGED = 1
"""`db check`: the file is damaged (or holds rows that cannot be read)."""
EXIT_IN_USE = 3
"""`db check` / `db recover`: another program holds the file; try again when it is closed."""
EXIT_UNREADABLE = 4
"""`db check`: the file could not be read at all (permissions, a failing disk)."""


def _users_text(pids: tuple[int, ...]) -> str:
    if not pids:
        return ""
    return " (pid " + ", ".join(str(pid) for pid in pids) + ")"


@db.command("check")
def db_check() -> None:
    """Run SQLite's integrity check on the history file (read-only).

    Exit codes: 0 ok or no history yet; 1 damaged, or rows that cannot be read; 3 in use by
    another program (try again when it is closed); 4 the file cannot be read at all.
    """
    from stretchbreak.core.store_recovery import check_database

    report = check_database(paths.database_file())
    shown = printable(str(report.path))
    if report.state == "missing":
        click.echo(f"No history yet at {shown}.")
        return
    if report.state == "empty":
        click.echo(f"{shown} is an empty file (no history yet); it is set up on the first break.")
        return
    if report.state == "in_use":
        click.echo(
            f"{shown} is in use by another program{_users_text(report.users)} that holds it"
            " locked — try again when it is closed. (It is not damaged.)",
            err=True,
        )
        raise SystemExit(EXIT_IN_USE)
    if report.state == "unreadable":
        click.echo(f"{shown} could not be read: {printable(report.error)}.", err=True)
        click.echo("Check the file's permissions and the disk; nothing was changed.", err=True)
        raise SystemExit(EXIT_UNREADABLE)
    if report.damaged:
        click.echo(f"{shown} is damaged:")
        for problem in report.problems[:10]:
            click.echo(f"  {printable(problem)}")
        click.echo("Run `stretchbreak db recover` to move it aside and keep what can be read.")
        raise SystemExit(EXIT_DAMAGED)
    if report.newer:
        raise click.ClickException(
            f"{shown} is intact but was written by a newer stretchbreak (layout"
            f" v{report.schema_version}); upgrade stretchbreak to use it."
        )
    click.echo(
        f"{shown} is ok: layout v{report.schema_version}, {report.sessions} sessions,"
        f" {report.break_events} break events."
    )
    if report.unreadable_rows:
        rows = report.unreadable_rows
        noun = "row" if len(rows) == 1 else "rows"
        click.echo(
            f"But {len(rows)} {noun} could not be read (history, stats and export skip them):"
        )
        for row in rows[:20]:
            click.echo(f"  {printable(row.describe())}")
        if len(rows) > 20:
            click.echo(f"  and {len(rows) - 20} more")
        click.echo(
            "They were written by hand or by another program; correct or delete them with the"
            " sqlite3 tool (make a copy first). `stretchbreak export` saves everything else."
        )
        raise SystemExit(EXIT_DAMAGED)


@db.command("recover")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def db_recover(yes: bool) -> None:
    """Move a damaged history file aside and start fresh with the rows still readable.

    Only a damaged file is touched, and never while any program has it open (exit code 3).
    """
    from stretchbreak.core.store import StoreError
    from stretchbreak.core.store_recovery import check_database, find_users, recover_database

    path = paths.database_file()
    shown = printable(str(path))
    report = check_database(path)
    if report.state in ("missing", "empty"):
        click.echo(f"No history at {shown}; nothing to recover.")
        return
    if report.state == "in_use":
        _refuse_in_use(shown, report.users)
    if report.state == "unreadable":
        raise click.ClickException(
            f"{shown} could not be read ({printable(report.error)}), which is not damage:"
            " nothing was moved. Check its permissions and the disk."
        )
    if not report.damaged:
        click.echo(f"{shown} is not damaged; nothing to do.")
        return
    in_use, pids = find_users(path)
    if in_use or _history_in_use(path):
        _refuse_in_use(shown, pids)
    clock = clock_factory()
    if not yes:
        click.confirm(
            f"{shown} is damaged. Move it aside (it is kept, renamed) and start a fresh"
            " history with every row that can still be read?",
            abort=True,
        )
    in_use, pids = find_users(path)  # again: the question may have waited a long time
    if in_use or _history_in_use(path):
        _refuse_in_use(shown, pids)
    try:
        result = recover_database(path, clock)
    except (OSError, StoreError) as error:
        raise click.ClickException(f"recovery failed, nothing was lost: {error}") from error
    click.echo(f"Moved the damaged file to {printable(str(result.moved_to))}.")
    click.echo(
        f"Started a fresh history at {shown} with {result.sessions_saved} sessions and"
        f" {result.break_events_saved} break events recovered."
    )


def _refuse_in_use(shown: str, pids: tuple[int, ...]) -> None:
    click.echo(
        f"{shown} is in use by another program{_users_text(pids)} (stretchbreak, or an SQLite"
        " browser); nothing was moved. Close it, then run `stretchbreak db recover` again.",
        err=True,
    )
    raise SystemExit(EXIT_IN_USE)


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
