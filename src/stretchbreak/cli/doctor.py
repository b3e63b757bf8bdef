"""`stretchbreak doctor`: what works on this machine, and what to fix when something does not.

Checks, in order: desktop notifications (each backend probed within its time limit; a real test
notification with `--send-test`), terminal notifications, the idle source, config.toml, the
routine files, the history database, the terminal, and whether a dashboard is running. It only
reads: nothing is created or changed. Exit 1 when something is broken (a config or routine
file with problems, a damaged history, desktop notifications switched on but no backend
working); things that merely fall back (no idle source) are reported, not counted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import click

from stretchbreak.core.display import printable


@dataclass
class Report:
    """Lines per section, and the problems that make the exit code 1.

    Every line goes through `printable`: paths, routine text and error messages are shown
    literally (a file name holding an escape sequence cannot recolour or clear the terminal).
    """

    broken: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        click.echo("")
        click.echo(printable(title))

    def ok(self, text: str) -> None:
        click.echo(f"  ok    {printable(text)}")

    def info(self, text: str) -> None:
        click.echo(f"        {printable(text)}")

    def warn(self, text: str) -> None:
        click.echo(f"  note  {printable(text)}")

    def fail(self, text: str, summary: str | None = None) -> None:
        click.echo(f"  FAIL  {printable(text)}")
        self.broken.append(printable(summary or text))


@click.command()
@click.option(
    "--send-test",
    is_flag=True,
    help="Also send a real test notification through the first desktop backend that works.",
)
def doctor(send_test: bool) -> None:
    """Check notifications, idle detection, config, routines, history and the terminal.

    \b
    Exit codes: 0 everything works (notes are fine); 1 something is broken.
    """
    from stretchbreak.cli.doctor_idle import check_lock
    from stretchbreak.core.config import load_config

    report = Report()
    click.echo("stretchbreak doctor")
    config, _problems = load_config()
    _check_notifications(report, config.notify.desktop, send_test)
    _check_terminal_notifications(report, os.environ, config.notify.terminal)
    _check_idle(report, config.idle.enabled)
    check_lock(report)
    from stretchbreak.cli.doctor_busy import busy_lines

    report.section("Busy signals")
    for line in busy_lines(config.busy):
        report.info(line)
    _check_voice(report, config.player.voice)
    _check_config(report)
    _check_safety(report, config.safety.recheck_after)
    _check_routines(report, config.breaks.micro_routine, config.breaks.movement_routines)
    _check_history(report)
    _check_terminal(report, os.environ)
    engine_host = _check_dashboard(report)
    _check_autostart(report, engine_host)
    click.echo("")
    if report.broken:
        count = len(report.broken)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found:")
        for problem in report.broken:
            click.echo(f"  - {problem}")
        raise SystemExit(1)
    click.echo("Everything works.")


def _check_notifications(report: Report, desktop_on: bool, send_test: bool) -> None:
    from stretchbreak.adapters.notify import build_notifier

    report.section("Desktop notifications")
    notifier = build_notifier()
    descriptions = dict(line.split(": ", 1) for line in notifier.describe() if ": " in line)
    probes = notifier.probe()
    for probe in probes:
        what = f"{probe.backend} ({descriptions.get(probe.backend, '')}): {probe.detail}"
        if probe.ok:
            report.ok(what)
        else:
            report.warn(what)
    for line in notifier.describe()[len(probes) :]:
        report.info(line)
    working = [probe.backend for probe in probes if probe.ok]
    if not desktop_on:
        report.info("desktop notifications are off in config.toml ([notify] desktop = false)")
    elif not working:
        report.fail(
            "no desktop notification backend works here",
            "desktop notifications are on but none can be delivered: start a notification"
            " daemon, or set [notify] desktop = false in config.toml",
        )
    if desktop_on:
        _check_recent_deliveries(report)
    if send_test:
        result = notifier.send("stretchbreak test", "If you can read this, notifications work.")
        if result.ok:
            report.ok(f"test notification delivered via {result.backend} in {result.seconds:.2f} s")
        else:
            report.fail(f"test notification not delivered: {result.error}")


def _check_recent_deliveries(report: Report) -> None:
    """Backends can probe fine and still deliver nothing: look at what the history says."""
    from stretchbreak import paths
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.store import HistoryStore, StoreError
    from stretchbreak.service.delivery_check import recent_delivery_problem

    database = paths.database_file()
    if not database.exists():
        return
    clock = SystemClock()
    try:
        with HistoryStore(database, clock, read_only=True) as store:
            problem = recent_delivery_problem(store, clock.now(), desktop_on=True)
    except StoreError:
        return  # the history section reports an unreadable history
    if problem:
        report.fail(problem, "desktop notifications are not arriving")


def _check_terminal_notifications(report: Report, env: Mapping[str, str], enabled: bool) -> None:
    from stretchbreak.adapters.terminal import detect_terminal_notify

    report.section("Terminal notifications (OSC)")
    support = detect_terminal_notify(env)
    if support is not None:
        report.ok(support.describe())
    else:
        term = env.get("TERM_PROGRAM") or env.get("TERM") or "unknown"
        report.warn(
            f"this terminal ({term}) is not one known to show OSC notifications; the bell and"
            " the in-app notice still work"
        )
    if not enabled:
        report.info("terminal notifications are off in config.toml ([notify] terminal = false)")


def _check_idle(report: Report, enabled: bool) -> None:
    from stretchbreak.adapters.idle import NoIdleSource, choose_idle_source

    report.section("Idle detection")
    source = choose_idle_source()
    if isinstance(source, NoIdleSource):
        report.warn(f"none: {source.reason}")
        report.info("the dashboard counts its own key presses, and `a` marks you away")
    else:
        seconds = source.idle_seconds()
        idle = f"{seconds:.0f} s since the last input" if seconds is not None else "no reading"
        report.ok(f"{source.name}: {idle}")
    close = getattr(source, "close", None)
    if close is not None:
        close()
    if not enabled:
        report.info("idle time is not credited as a break ([idle] enabled = false)")


def _check_voice(report: Report, enabled: bool) -> None:
    """Which speech engine the player's voice would use (nothing is spoken here)."""
    from stretchbreak.adapters.speech import find_engine, install_hint

    report.section("Voice guidance")
    engine = find_engine()
    if engine is not None:
        report.ok(f"speech engine: {engine.name}")
    elif enabled:
        report.fail(
            f"no speech engine found: {install_hint()}",
            f"voice is on ([player] voice = true) but no speech engine is installed: "
            f"{install_hint()}, or set voice = false",
        )
    else:
        report.warn(f"no speech engine found (voice is optional): {install_hint()}")
    if not enabled:
        report.info(
            "voice is off in config.toml ([player] voice = false); press v in the player to try it"
        )


def _check_config(report: Report) -> None:
    from stretchbreak import paths
    from stretchbreak.core.config import load_config

    report.section("Config")
    path = paths.config_file()
    if not path.exists():
        report.ok(f"{path}: not written yet, the defaults apply (the first-run welcome writes it)")
        return
    _config, problems = load_config(path)
    if not problems:
        report.ok(f"{path}: valid")
        return
    whole_file = any(not problem.key_path for problem in problems)
    consequence = (
        "the file cannot be read as a whole, so every setting is on its default until it is fixed"
        if whole_file
        else "each bad value is on its default; every other setting is in force"
    )
    report.fail(
        f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}; {consequence}",
        f"{path} has problems",
    )
    for problem in problems:
        report.info(str(problem))


def _check_safety(report: Report, recheck_after: timedelta | None) -> None:
    """The safety check: a hold in force is a note (a deliberate state, not a fault)."""
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.first_run import eye_only_hold_file, load_eye_only_hold
    from stretchbreak.core.safety_check import (
        describe_safety_state,
        load_safety_check,
        safety_check_file,
    )

    report.section("Safety check")
    clock = SystemClock()
    now = clock.now()
    hold_path = eye_only_hold_file()
    hold = load_eye_only_hold(hold_path)
    check = load_safety_check(safety_check_file(hold_path))
    lines = describe_safety_state(check, hold, recheck_after, now, clock.zone())
    held = hold is not None and hold.active_at(now)
    for number, line in enumerate(lines):
        if number == 1 and held:
            report.warn(line)
        elif number == 0:
            report.ok(line)
        else:
            report.info(line)


def _check_routines(report: Report, micro: str, movement: tuple[str, ...]) -> None:
    from stretchbreak import paths
    from stretchbreak.core.loader import load_catalog

    report.section("Routines")
    catalog = load_catalog()
    bundled = sum(1 for routine in catalog.routines.values() if routine.source == "bundled")
    user = len(catalog.routines) - bundled
    report.info(f"bundled: {paths.bundled_routines_dir()} ({bundled} routines)")
    report.info(f"yours:   {paths.user_routines_dir()} ({user} routines)")
    for routine_id, replaced in sorted(catalog.overridden.items()):
        report.info(f"your {routine_id} replaces the bundled {replaced}")
    broken_files = sorted({problem.path for problem in catalog.problems})
    if not broken_files:
        report.ok(f"{len(catalog.routines)} routines load without problems")
    for path in broken_files:
        report.fail(f"{path} could not be loaded:", f"{path} has problems")
        for problem in catalog.problems:
            if problem.path == path:
                report.info(str(problem))
    missing = [r for r in (micro, *movement) if r not in catalog.routines]
    if missing:
        report.fail("config.toml [breaks] names routines that do not exist: " + ", ".join(missing))
    from stretchbreak.core.schema_files import schema_problems

    for problem in schema_problems():
        report.warn(str(problem))


def _check_history(report: Report) -> None:
    from stretchbreak import paths
    from stretchbreak.core.store import SCHEMA_VERSION
    from stretchbreak.core.store_recovery import check_database

    report.section("History database")
    health = check_database(paths.database_file())
    if health.state in ("missing", "empty"):
        report.ok(f"{health.path}: no history yet (created on the first break)")
    elif health.state in ("in_use", "unreadable"):
        report.warn(f"{health.path} could not be checked: {health.error}")
    elif health.damaged:
        report.fail(
            f"{health.path} is damaged; `stretchbreak db recover` keeps what can be read",
            f"the history database {health.path} is damaged",
        )
        for problem in health.problems[:10]:
            report.info(problem)
    elif health.newer:
        report.fail(
            f"{health.path} was written by a newer stretchbreak (layout v{health.schema_version},"
            f" this one knows v{SCHEMA_VERSION}); upgrade stretchbreak"
        )
    else:
        report.ok(
            f"{health.path}: integrity ok, layout v{health.schema_version},"
            f" {health.sessions} sessions, {health.break_events} break events"
        )


def _check_terminal(report: Report, env: Mapping[str, str]) -> None:
    report.section("Terminal")
    term = env.get("TERM", "")
    colorterm = env.get("COLORTERM", "")
    if colorterm in ("truecolor", "24bit"):
        colours = "24-bit colour (COLORTERM)"
    elif "256color" in term:
        colours = "256 colours (TERM)"
    elif term in ("", "dumb"):
        colours = "no colour information"
    else:
        colours = "basic colours"
    report.info(f"TERM={term or '(not set)'}  COLORTERM={colorterm or '(not set)'}: {colours}")
    if term == "dumb" or not term:
        report.warn("a dumb terminal: use `stretchbreak start ROUTINE --plain` to play routines")
    if "NO_COLOR" in env:
        report.info("NO_COLOR is set: the screens are shown without colour")
    if env.get("TMUX"):
        report.info("inside tmux: OSC notifications need `set -g allow-passthrough on` (tmux 3.3+)")
    if env.get("STY"):
        report.info("inside GNU screen: OSC notifications do not pass through")
    if env.get("SSH_CONNECTION"):
        report.info("over SSH: desktop notifications go to the remote machine's desktop, if any")


def _check_dashboard(report: Report) -> str | None:
    """Whether a break engine runs (the headless service or a dashboard), asked over its socket;
    the host that runs it ("service", "dashboard"), None if none answers."""
    from stretchbreak.core.display import printable
    from stretchbreak.service.client import ControlClient, ControlError, NotRunning
    from stretchbreak.service.protocol import socket_path

    report.section("Break engine")
    try:
        with ControlClient.connect() as client:
            reply = client.request("status")
    except NotRunning:
        report.info(
            "not running (start it with `stretchbreak service` or open the dashboard with "
            "`stretchbreak`)"
        )
        return None
    except ControlError as error:
        where = printable(str(socket_path()))
        report.warn(f"the engine at {where} does not answer: {printable(str(error))}")
        return None
    status = reply.get("status")
    if not isinstance(status, dict):
        report.warn(f"the engine answered without a status: {reply.get('message')}")
        return None
    host = status.get("host") or "unknown host"
    report.ok(
        f"running: the {host} (pid {status.get('pid')}), state {status.get('state')}, "
        f"socket {printable(str(socket_path()))}"
    )
    return str(host)


def _check_autostart(report: Report, engine_host: str | None) -> None:
    """Whether the service starts at login (`stretchbreak service install`) and runs now."""
    import sys

    from stretchbreak.adapters import autostart
    from stretchbreak.core.display import printable

    found = autostart.status(os.environ, sys.platform)
    detail = printable(found.detail)
    if found.installed:
        report.ok(f"starts at login: {detail}")
    elif found.path is not None:
        report.warn(f"autostart: {detail}")
    else:
        report.info("does not start at login: `stretchbreak service install` sets that up")
    if engine_host == "service":
        report.ok("the background service runs now")
    elif found.installed:
        report.info(
            "the background service is not running now: it starts at the next login"
            + (
                " (or now: `systemctl --user start stretchbreak`)"
                if found.method == "systemd"
                else " (or now: `stretchbreak service`)"
            )
        )
    else:
        report.info("the background service is not running (`stretchbreak service` starts it)")
