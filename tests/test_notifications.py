"""The engine's desktop notifications (service/notifications.py) on a FakeClock with a fake
notifier: one per break, buttons answered like the dashboard keys, Start, Do Not Disturb."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from engine_support import EngineHarness, advance, break_rows, sample_config, started

from stretchbreak.adapters.fakes import FakeActionNotifier
from stretchbreak.adapters.notify_actions import (
    CATEGORY_DUE,
    CATEGORY_WARNING,
    ActionCallback,
    ClosedCallback,
    Urgency,
)
from stretchbreak.adapters.terminal_launch import LaunchResult
from stretchbreak.core.config import Config
from stretchbreak.service.engine import BreakEngine
from stretchbreak.service.events import PlayRoutine, Toast
from stretchbreak.service.notifications import DesktopDeps, snooze_label

KEY = "movement@2026-03-02T09:20:00+00:00"
"""The break due at 10:20 Berlin (20 min after the harness's 10:00)."""


@dataclass
class Desktop:
    """A fake desktop: the notifier, a DnD switch, a terminal launcher that records."""

    notifier: FakeActionNotifier = field(default_factory=FakeActionNotifier)
    dnd: bool | None = False
    terminal_ok: bool = True
    terminal_raises: bool = False
    launched: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list)

    def deps(self) -> DesktopDeps:
        def make(on_action: ActionCallback, on_closed: ClosedCallback) -> FakeActionNotifier:
            self.notifier.on_action = on_action
            self.notifier.on_closed = on_closed
            return self.notifier

        def open_terminal(argv: Sequence[str], setting: str | None) -> LaunchResult:
            self.launched.append((tuple(argv), setting))
            if self.terminal_raises:
                raise OSError("Too many open files")
            if self.terminal_ok:
                return LaunchResult(True, "fake-term", tuple(argv))
            return LaunchResult(False, None, (), "no terminal could be opened (none here)")

        return DesktopDeps(
            make_notifier=make,
            read_dnd=lambda: self.dnd,
            open_terminal=open_terminal,
            start_argv=lambda routine: ["stretchbreak", "start", routine],
        )


def harness_with(tmp_path: Path, desktop: Desktop, config: Config | None = None) -> EngineHarness:
    harness = EngineHarness(tmp_path, config=config)
    harness.deps.desktop = desktop.deps()
    return harness


async def click(engine: BreakEngine, desktop: Desktop, action: str, key: str = KEY) -> None:
    desktop.notifier.click(key, action)
    await asyncio.sleep(0)  # the answer hops to the engine's loop
    await asyncio.sleep(0)
    await engine.wait_for_background()


def rows(harness: EngineHarness) -> list[tuple[str, str | None, str]]:
    return break_rows(harness.clock)


def kinds(harness: EngineHarness) -> list[str]:
    return [kind for kind, _routine, _detail in rows(harness)]


async def test_the_warning_becomes_the_due_notice_with_start_snooze_skip(tmp_path: Path) -> None:
    desktop = Desktop()
    harness = harness_with(tmp_path, desktop)
    engine, _log = await started(harness, player=True)
    try:
        await advance(engine, harness, 19 * 60)
        warning = desktop.notifier.shown[KEY]
        assert warning.title == "Break in 1 min: Desk move"
        assert warning.actions == (("snooze", "Snooze 5 min"),)
        assert warning.category == CATEGORY_WARNING
        assert warning.timeout_ms == 90_000  # until it falls due, and 30 s for the due notice
        await advance(engine, harness, 60)
        assert list(desktop.notifier.shown) == [KEY]  # one notification per break
        due = desktop.notifier.shown[KEY]
        assert due.notification_id == warning.notification_id
        assert due.replaced == 1
        assert due.title == "Time for a break: Desk move"
        assert due.actions == (
            ("default", "Start"),
            ("start", "Start"),
            ("snooze", "Snooze 5 min"),
            ("skip", "Skip"),
        )
        assert due.category == CATEGORY_DUE
        assert due.urgency == Urgency.NORMAL
        assert due.timeout_ms == 10 * 60_000  # until it counts as missed
        assert "stretchbreak snooze" not in due.body  # the buttons say it
        assert kinds(harness) == ["notified", "due", "notified"]
    finally:
        await engine.stop()
    assert desktop.notifier.stopped
    assert desktop.notifier.shown == {}


async def test_snooze_from_the_notification_is_the_snooze_command(tmp_path: Path) -> None:
    clicked, typed = Desktop(), Desktop()
    by_click = harness_with(tmp_path / "click", clicked)
    by_command = harness_with(tmp_path / "command", typed)
    for harness, desktop in ((by_click, clicked), (by_command, typed)):
        engine, _log = await started(harness, player=True)
        try:
            await advance(engine, harness, 20 * 60)
            if desktop is clicked:
                await click(engine, desktop, "snooze")
            else:
                engine.snooze()
                await engine.wait_for_background()
            state = engine.state
            assert state is not None and state.status == "snoozed"
            assert desktop.notifier.shown == {}  # closed when snoozed
        finally:
            await engine.stop()
    assert rows(by_click) == rows(by_command)
    assert kinds(by_click)[-1] == "snoozed"


async def test_snooze_refused_at_the_limit_is_shown_and_the_button_goes(tmp_path: Path) -> None:
    desktop = Desktop()
    harness = harness_with(tmp_path, desktop, sample_config(max_snoozes=0))
    engine, log = await started(harness, player=True)
    try:
        await advance(engine, harness, 20 * 60)
        assert "snooze" not in dict(desktop.notifier.shown[KEY].actions)
        await click(engine, desktop, "skip")
        assert kinds(harness)[-1] == "skipped"
        assert desktop.notifier.shown == {}
        assert any(toast.text == "Skipped: Desk move." for toast in log.of(Toast))
    finally:
        await engine.stop()


async def test_start_opens_the_player_on_the_dashboard(tmp_path: Path) -> None:
    desktop = Desktop()
    harness = harness_with(tmp_path, desktop)
    engine, log = await started(harness, player=True)
    try:
        await advance(engine, harness, 20 * 60)
        await click(engine, desktop, "default")  # the body
        assert log.of(PlayRoutine) == [PlayRoutine("desk-move", "scheduled")]
        assert desktop.launched == []
        assert desktop.notifier.shown == {}  # closed once started
        assert kinds(harness)[-1] == "started"
    finally:
        await engine.stop()


async def test_start_without_a_dashboard_opens_a_terminal(tmp_path: Path) -> None:
    desktop = Desktop()
    config = sample_config()
    config = replace(config, notify=replace(config.notify, terminal_command="myterm -e"))
    harness = harness_with(tmp_path, desktop, config)
    engine, log = await started(harness, player=False)
    try:
        await advance(engine, harness, 20 * 60)
        await click(engine, desktop, "start")
        assert desktop.launched == [(("stretchbreak", "start", "desk-move"), "myterm -e")]
        assert log.of(PlayRoutine) == []
        state = engine.state
        assert state is not None and state.status == "break_due"  # until the player reports
        engine.session_started("desk-move", 22)
        await engine.wait_for_background()
        assert desktop.notifier.shown == {}
        assert kinds(harness)[-1] == "started"
    finally:
        await engine.stop()


async def test_no_terminal_tells_how_to_start_and_the_break_stays_due(tmp_path: Path) -> None:
    desktop = Desktop(terminal_ok=False)
    harness = harness_with(tmp_path, desktop)
    engine, log = await started(harness, player=False)
    try:
        await advance(engine, harness, 20 * 60)
        await click(engine, desktop, "start")
        assert desktop.launched == [(("stretchbreak", "start", "desk-move"), None)]
        (toast,) = [t for t in log.of(Toast) if "terminal" in t.text]
        assert toast.severity == "warning"
        assert "Run `stretchbreak break` in a terminal" in toast.text
        assert "none here" in toast.text
        shown = desktop.notifier.shown[KEY]
        assert shown.body.startswith("Could not open a terminal. Run `stretchbreak break`")
        state = engine.state
        assert state is not None and state.status == "break_due"
        # the warning and the due notice; the update after the failed Start is no delivery
        assert sorted(kinds(harness)) == ["due", "notified", "notified"]
    finally:
        await engine.stop()


async def test_a_terminal_launcher_that_fails_is_reported_like_no_terminal(
    tmp_path: Path,
) -> None:
    desktop = Desktop(terminal_raises=True)
    harness = harness_with(tmp_path, desktop)
    engine, log = await started(harness, player=False)
    try:
        await advance(engine, harness, 20 * 60)
        await click(engine, desktop, "start")
        assert desktop.launched == [(("stretchbreak", "start", "desk-move"), None)]
        (toast,) = [t for t in log.of(Toast) if "terminal" in t.text]
        assert "Run `stretchbreak break` in a terminal" in toast.text
        assert "opening a terminal failed: Too many open files" in toast.text
        state = engine.state
        assert state is not None and state.status == "break_due"
    finally:
        await engine.stop()


async def test_do_not_disturb_holds_the_notification_until_it_ends(tmp_path: Path) -> None:
    desktop = Desktop(dnd=True)
    harness = harness_with(tmp_path, desktop, sample_config(warning=None))
    engine, _log = await started(harness, player=True)
    try:
        await advance(engine, harness, 20 * 60)
        assert desktop.notifier.history == []
        state = engine.state
        assert state is not None and state.status == "break_due"  # due for the dashboard
        assert engine.snapshot().state == "break_due"  # and the status bars
        assert kinds(harness) == ["due"]  # not notified yet
        await advance(engine, harness, 60)
        assert desktop.notifier.history == []
        desktop.dnd = False
        await advance(engine, harness, 5)  # the next tick asks again
        assert list(desktop.notifier.shown) == [KEY]
        assert kinds(harness) == ["due", "notified"]
    finally:
        await engine.stop()


async def test_a_break_answered_during_do_not_disturb_is_never_shown(tmp_path: Path) -> None:
    desktop = Desktop(dnd=True)
    harness = harness_with(tmp_path, desktop, sample_config(warning=None))
    engine, _log = await started(harness, player=True)
    try:
        await advance(engine, harness, 20 * 60)
        engine.skip()
        desktop.dnd = False
        await advance(engine, harness, 60)
        assert desktop.notifier.history == []
        assert "notified" not in kinds(harness)
    finally:
        await engine.stop()


async def test_do_not_disturb_low_sends_with_low_urgency(tmp_path: Path) -> None:
    desktop = Desktop(dnd=True)
    config = sample_config(warning=None)
    config = replace(config, notify=replace(config.notify, when_dnd="low"))
    harness = harness_with(tmp_path, desktop, config)
    engine, _log = await started(harness, player=True)
    try:
        await advance(engine, harness, 20 * 60)
        assert desktop.notifier.shown[KEY].urgency == Urgency.LOW
    finally:
        await engine.stop()


async def test_missed_closes_the_notification(tmp_path: Path) -> None:
    desktop = Desktop()
    harness = harness_with(tmp_path, desktop)
    engine, _log = await started(harness, player=True)
    try:
        await advance(engine, harness, 20 * 60)
        assert KEY in desktop.notifier.shown
        await advance(engine, harness, 10 * 60)
        assert kinds(harness)[-1] == "missed"
        assert desktop.notifier.shown == {}
    finally:
        await engine.stop()


async def test_without_buttons_the_body_says_how_to_answer(tmp_path: Path) -> None:
    desktop = Desktop(notifier=FakeActionNotifier(actions_supported=False))
    harness = harness_with(tmp_path, desktop)
    engine, _log = await started(harness, player=True)
    try:
        await advance(engine, harness, 19 * 60)
        assert desktop.notifier.shown[KEY].body.endswith(
            "Snooze it with `stretchbreak snooze`, or s in the dashboard."
        )
        await advance(engine, harness, 60)
        assert desktop.notifier.shown[KEY].body.endswith(
            "Answer with `stretchbreak break`, `stretchbreak snooze` or `stretchbreak skip`, or"
            " b / s / k in the dashboard."
        )
    finally:
        await engine.stop()


async def test_a_click_on_a_notification_no_longer_shown_does_nothing(tmp_path: Path) -> None:
    desktop = Desktop()
    harness = harness_with(tmp_path, desktop)
    engine, _log = await started(harness, player=True)
    try:
        await advance(engine, harness, 20 * 60)
        stale = desktop.notifier.shown[KEY]
        engine.snooze()
        await engine.wait_for_background()
        desktop.notifier.shown[KEY] = stale  # as if the server still had it
        before = rows(harness)
        await click(engine, desktop, "skip")
        assert rows(harness) == before
    finally:
        await engine.stop()


def test_snooze_labels_read_naturally() -> None:
    assert snooze_label(timedelta(minutes=5)) == "Snooze 5 min"
    assert snooze_label(timedelta(hours=1)) == "Snooze 1 h"
    assert snooze_label(timedelta(seconds=90)) == "Snooze 90 s"
