"""`stretchbreak start [ROUTINE_ID]`: play a routine now, full-screen or as plain lines."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from stretchbreak.cli.completion import complete_routine_id
from stretchbreak.core.clock import SystemClock
from stretchbreak.core.config import Config, load_config
from stretchbreak.core.display import printable
from stretchbreak.core.loader import Catalog, load_catalog
from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.routine import Routine
from stretchbreak.core.store import Trigger
from stretchbreak.core.substitutes import fitted_routine
from stretchbreak.core.tips import tip_for

if TYPE_CHECKING:
    from stretchbreak.cli.credit import EngineCredit
    from stretchbreak.service.feedback_book import FeedbackBook
    from stretchbreak.service.history import SessionRecorder

EXIT_COMPLETED = 0
EXIT_NOT_COMPLETED = 1
EXIT_INTERRUPTED = 130


class _StartCommand(click.Command):
    """`start`, refusing `--with-optional` and `--without-optional` together (click would let
    the last one win silently)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = args[: args.index("--")] if "--" in args else args
        if "--with-optional" in options and "--without-optional" in options:
            raise click.UsageError(
                "--with-optional and --without-optional cannot be used together.", ctx
            )
        return super().parse_args(ctx, args)


@click.command(cls=_StartCommand)
@click.argument(
    "routine_id", required=False, metavar="[ROUTINE_ID]", shell_complete=complete_routine_id
)
@click.option(
    "--plain",
    is_flag=True,
    help="No full-screen UI: print one line per phase and a countdown, and need no keys "
    "(for screen readers, dumb terminals and logs). Chosen by itself when TERM=dumb or "
    "the output is not a terminal.",
)
@click.option(
    "--with-optional/--without-optional",
    "with_optional",
    default=None,
    help="Play the routine's optional steps too (default: the `include_optional` setting).",
)
@click.option(
    "--voice/--no-voice",
    "voice",
    default=None,
    help="Spoken guidance in the full-screen player (default: the `voice` setting; "
    "`v` toggles it while playing). Not with --plain, where your screen reader speaks.",
)
@click.pass_context
def start(
    ctx: click.Context,
    routine_id: str | None,
    plain: bool,
    with_optional: bool | None,
    voice: bool | None,
) -> None:
    """Play a routine now. With no ROUTINE_ID, choose one from a list.

    Keys: space pause/resume, n or → skip, p or ← back, r restart the step, Enter to finish a
    self-paced set, q or Esc quit (asks first; what you did is saved as a partial session).

    \b
    When a break engine runs (`stretchbreak service` or the dashboard), it is told, and the run
    counts as a break exactly as one started from the dashboard.

    \b
    Exit codes: 0 completed; 1 stopped early or no routine chosen; 2 unknown routine id or bad
    usage; 130 interrupted with Ctrl-C (--plain), saved as a partial session.
    """
    if plain and voice:
        raise click.UsageError(
            "--voice is for the full-screen player; --plain prints lines for a screen reader."
        )
    ctx.exit(play(routine_id, plain=plain, with_optional=with_optional, voice=voice))


def play(
    routine_id: str | None,
    *,
    plain: bool,
    with_optional: bool | None,
    trigger: Trigger = "on_demand",
    voice: bool | None = None,
) -> int:
    """Play a routine here (as `start` does), crediting a running engine; the exit code."""
    from stretchbreak.cli.credit import EngineCredit
    from stretchbreak.logs import configure_file_logging

    configure_file_logging()
    plain = plain or _needs_plain(routine_id)
    config = _config()
    include_optional = config.player.include_optional if with_optional is None else with_optional
    catalog = load_catalog()
    routine = None
    if routine_id is None:
        if plain:
            raise click.UsageError("--plain needs a ROUTINE_ID (`stretchbreak routines list`).")
    else:
        routine = _find_routine(catalog, routine_id)
        if not routine.played_steps(include_optional):
            raise click.UsageError(f"every step of {routine_id} is optional; add --with-optional.")
    refusal = _safety_hold_refusal(routine)
    if refusal is not None:
        click.echo(f"stretchbreak: {printable(refusal)}", err=True)
        return 1
    credit = EngineCredit.connect()
    try:
        if routine is not None and plain:
            routine, notes = fitted_routine(
                routine,
                catalog.library,
                config.routines.equipment,
                include_optional=include_optional,
            )
            for note in notes:
                click.echo(printable(note))
            if "eyes" in routine.tags:
                click.echo(f"Tip: {printable(tip_for(SystemClock().now()))}")
            code = _run_plain(routine, config, include_optional, credit, trigger)
        else:
            use_voice = config.player.voice if voice is None else voice
            code = _run_full_screen(catalog, routine, config, include_optional, credit, use_voice)
    finally:
        if credit is not None:
            credit.close()
    if credit is not None:
        for problem in credit.problems:
            click.echo(f"stretchbreak: {printable(problem)}", err=True)
        if not credit.problems and credit.last_message:
            click.echo(printable(credit.last_message))
    return code


def _needs_plain(routine_id: str | None) -> bool:
    """True when there is no terminal for the full-screen player (TERM=dumb, a pipe): a
    named routine then plays as plain lines; choosing one from the list needs the screen, so
    that is refused (exit 2, with what to do)."""
    from stretchbreak.launcher import full_screen_problem

    problem = full_screen_problem()
    if problem is None:
        return False
    if routine_id is None:
        raise click.UsageError(
            f"choosing a routine needs a terminal ({problem}); name one: "
            "`stretchbreak start ROUTINE_ID` (`stretchbreak routines list` shows them)."
        )
    return True


def _config() -> Config:
    config, problems = load_config()
    for problem in problems:
        click.echo(f"config: {problem} (using the default)", err=True)
    return config


def _find_routine(catalog: Catalog, routine_id: str) -> Routine:
    """The routine, or exit 2: a broken file is reported as such, else did-you-mean ids."""
    from stretchbreak.cli.routines import UnknownRoutineError

    routine = catalog.routines.get(routine_id)
    if routine is not None:
        return routine
    broken = [problem for problem in catalog.problems if problem.path.stem == routine_id]
    for problem in broken:
        click.echo(str(problem), err=True)
    if broken:
        raise click.ClickException(
            f"the routine {routine_id} cannot be played until these are fixed."
        )
    raise UnknownRoutineError(routine_id, catalog.routines)


def _run_plain(
    routine: Routine,
    config: Config,
    include_optional: bool,
    credit: EngineCredit | None = None,
    trigger: Trigger = "on_demand",
) -> int:
    from stretchbreak.plain_player import PlainPlayer
    from stretchbreak.service.feedback_book import adjusted_for_person
    from stretchbreak.service.history import StoreRecorder

    clock = SystemClock()
    recorder: SessionRecorder = StoreRecorder(clock, config.streak)
    if credit is not None:
        recorder = credit.wrap(recorder)
    adjusted = adjusted_for_person(routine, _feedback_book(clock, config))
    for note in adjusted.notes:
        click.echo(printable(note))
    player = PlainPlayer(
        adjusted.routine,
        clock=clock,
        sleep=time.sleep,
        recorder=recorder,
        echo=click.echo,
        include_optional=include_optional,
        trigger=trigger,
    )
    try:
        outcome = player.run()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        recorder.close()
    return _exit_code(outcome)


def _run_full_screen(
    catalog: Catalog,
    routine: Routine | None,
    config: Config,
    include_optional: bool,
    credit: EngineCredit | None = None,
    voice: bool = False,
) -> int:
    from stretchbreak.service.history import HistoryWriter, StoreRecorder
    from stretchbreak.ui.player_app import PlayerApp, PlayerSettings

    clock = SystemClock()
    recorder: SessionRecorder = StoreRecorder(clock, config.streak)
    if credit is not None:
        recorder = credit.wrap(recorder)
    history = HistoryWriter(recorder)
    settings = PlayerSettings(
        bell=config.player.bell,
        include_optional=include_optional,
        voice=voice,
        voice_rate=config.player.voice_rate,
        keys=config.keys,
        equipment=config.routines.equipment,
    )
    playable = [r for r in catalog.routines.values() if r.played_steps(include_optional)]
    app = PlayerApp(
        playable,
        clock=clock,
        history=history,
        start_with=routine,
        settings=settings,
        problem_count=len({problem.path for problem in catalog.problems}),
        feedback=_feedback_book(clock, config),
    )
    try:
        outcome = app.run()
    finally:
        history.close()
    return _exit_code(outcome)


def _feedback_book(clock: SystemClock, config: Config) -> FeedbackBook:
    """Symptom answers and left-out exercises, in the history database."""
    from stretchbreak.core.store import HistoryStore
    from stretchbreak.service.feedback_book import StoreFeedbackBook

    day_start = config.streak.day_start
    return StoreFeedbackBook(lambda: HistoryStore.open_default(clock, day_start=day_start))


def _exit_code(outcome: SessionOutcome | None) -> int:
    """0 only for a completed run; a stopped, abandoned or never-chosen one is 1."""
    completed = outcome is not None and outcome.status == "completed"
    return EXIT_COMPLETED if completed else EXIT_NOT_COMPLETED


def _safety_hold_refusal(routine: Routine | None) -> str | None:
    """Why no routine plays here during a safety hold (None: it may play). With no routine named
    (the picker), any hold refuses: only a named eye-only routine can be checked."""
    from stretchbreak.core.first_run import eye_only_hold_file, load_eye_only_hold
    from stretchbreak.service.views import safety_hold_refusal

    hold = load_eye_only_hold(eye_only_hold_file())
    if hold is None or not hold.active_at(SystemClock().now()):
        return None
    if routine is not None and hold.allows(routine.areas):
        return None
    return safety_hold_refusal(hold, printable(routine.name) if routine else "A routine")
