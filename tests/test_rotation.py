"""Movement breaks and equipment: the rotation picks routines that fit what the person has
(`[routines] equipment`), and the player plays stand-ins for exercises needing anything else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from engine_support import EngineHarness, advance, started

from stretchbreak import paths
from stretchbreak.cli import main
from stretchbreak.cli import start as start_module
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, RoutinesConfig, StrengthConfig, read_config_text
from stretchbreak.core.loader import Catalog, load_catalog
from stretchbreak.core.rotation import fitting_routines, movement_routine
from stretchbreak.core.substitutes import fitted_routine
from stretchbreak.core.tips import WORKSTATION_TIPS

BAND_BREAK = """\
#:schema ./schema/routine.schema.json
schema_version = 1
id = "band-break"
name = "Band break"
areas = ["upper_trap"]
equipment = ["resistance_band"]

[[steps]]
exercise = "band-lateral-raise"
"""
"""A routine whose one required step needs a band and names no stand-in or easier version."""


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    user = tmp_path / "routines"
    user.mkdir()
    (user / "band-break.toml").write_text(BAND_BREAK, encoding="utf-8")
    loaded = load_catalog(paths.bundled_routines_dir(), user)
    assert loaded.problems == [] and "band-break" in loaded.routines
    return loaded


def test_a_routine_needing_a_missing_band_does_not_fit(catalog: Catalog) -> None:
    office = fitting_routines(catalog.routines, catalog.library, ("chair", "wall", "doorway"))
    assert "band-break" not in office
    assert {"neck-reset", "upper-trap-release", "thoracic-mobility"} <= office
    assert "strength" in office  # its band steps have stand-ins
    with_band = fitting_routines(catalog.routines, catalog.library, ("chair", "resistance_band"))
    assert "band-break" in with_band


def test_floor_routines_fit_only_with_room_to_lie_down(catalog: Catalog) -> None:
    have = ("chair", "wall", "pillow", "towel")
    assert "thoracic-floor" not in fitting_routines(catalog.routines, catalog.library, have)
    have_floor = (*have, "floor")
    assert "thoracic-floor" in fitting_routines(catalog.routines, catalog.library, have_floor)


def test_the_rotation_passes_over_routines_that_do_not_fit() -> None:
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    rotation = ("band-break", "neck-reset", "upper-trap-release")
    last_done = {"neck-reset": now - timedelta(hours=1), "upper-trap-release": now}

    def choose(fitting: frozenset[str] | None) -> str:
        return movement_routine(
            rotation,
            at=now,
            zone=UTC,
            last_done=last_done,
            strength=StrengthConfig(),
            fitting=fitting,
        )

    assert choose(None) == "band-break"  # never done: first in line
    assert choose(frozenset({"neck-reset", "upper-trap-release"})) == "neck-reset"
    assert choose(frozenset()) == "band-break"  # nothing fits: the rotation as it is


async def test_the_engine_offers_only_routines_that_fit_the_equipment_setting(
    tmp_path: Path, catalog: Catalog
) -> None:
    config = Config()
    config = replace(
        config,
        breaks=replace(
            config.breaks,
            micro_every=None,
            movement_every=timedelta(minutes=20),
            movement_routines=("band-break", "neck-reset"),
        ),
    )
    harness = EngineHarness(tmp_path, config=config, load_catalog=lambda: catalog)
    engine, _log = await started(harness)
    try:
        assert engine.snapshot().next_routine == "neck-reset"
        with_band = replace(config, routines=RoutinesConfig(("chair", "resistance_band")))
        engine.apply_config(with_band)
        await advance(engine, harness, 5)
        assert engine.snapshot().next_routine == "band-break"
    finally:
        await engine.stop()


def test_the_player_gets_stand_ins_for_missing_equipment(catalog: Catalog) -> None:
    strength = catalog.routines["strength"]
    played, notes = fitted_routine(strength, catalog.library, ("chair", "wall"))
    exercises = [step.exercise for step in played.played_steps()]
    assert "band-row" not in exercises and "band-pull-apart" not in exercises
    assert "shoulder-blade-squeeze" in exercises and "w-raise" in exercises
    assert len(played.steps) == len(strength.steps)
    assert any("needs a resistance band" in note for note in notes)
    same, none = fitted_routine(strength, catalog.library, ("wall", "resistance_band"))
    assert (same, none) == (strength, ())


def test_thoracic_mobility_leaves_out_the_backrest_extension_without_a_stable_chair(
    catalog: Catalog,
) -> None:
    routine = catalog.routines["thoracic-mobility"]
    played, _notes = fitted_routine(routine, catalog.library, ("chair",), include_optional=True)
    assert "thoracic-extension-chair" not in {step.exercise for step in played.steps}
    kept, _ = fitted_routine(routine, catalog.library, ("chair", "stable_chair"))
    assert "thoracic-extension-chair" in {step.exercise for step in kept.steps}


def test_the_equipment_setting_is_read_and_checked() -> None:
    assert Config().routines.equipment == ("chair", "wall", "doorway")
    text = '[routines]\nequipment = ["chair", "resistance_band", "floor"]\n'
    config, problems = read_config_text(text, Path("config.toml"))
    assert problems == [] and config is not None
    assert config.routines.equipment == ("chair", "resistance_band", "floor")
    bad = '[routines]\nequipment = ["chair", "band"]\n'
    config, problems = read_config_text(bad, Path("config.toml"))
    assert config is not None and config.routines == RoutinesConfig()
    [problem] = problems
    assert (problem.key_path, problem.line) == ("routines.equipment[2]", 2)
    assert "'band'" in problem.message and "resistance_band" in problem.message


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """`stretchbreak start`'s clock and sleep, replaced so a plain run takes no real time."""
    clock = FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    monkeypatch.setattr(start_module, "SystemClock", lambda: clock)
    monkeypatch.setattr(start_module, "time", SimpleNamespace(sleep=clock.advance))
    return clock


def test_start_plain_plays_stand_ins_and_says_so_first(fake_time: FakeClock) -> None:
    result = CliRunner().invoke(main, ["start", "strength", "--plain"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Shoulder-blade squeeze instead: it needs a resistance band."
    assert "Band row" not in result.output


def test_start_plain_shows_a_tip_in_an_eye_break(fake_time: FakeClock) -> None:
    result = CliRunner().invoke(main, ["start", "eye-micro", "--plain"])
    assert result.exit_code == 0, result.output
    tips = [line for line in result.output.splitlines() if line.startswith("Tip: ")]
    assert len(tips) == 1 and tips[0].removeprefix("Tip: ") in WORKSTATION_TIPS
