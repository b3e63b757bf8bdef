"""The voice switches outside the player: `[player] voice` / `voice_rate` in config.toml and on the
settings screen, and `start --voice` (refused with --plain, where a screen reader speaks)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_settings import choose, field, host, put, settings

from stretchbreak.cli import main
from stretchbreak.core.config import Config, load_config, parse_config_text


def test_voice_is_off_by_default_and_read_from_the_player_table(tmp_path: Path) -> None:
    assert Config().player.voice is False
    path = tmp_path / "config.toml"
    config, problems = parse_config_text("[player]\nvoice = true\nvoice_rate = 140\n", path)
    assert problems == [] and config is not None
    assert (config.player.voice, config.player.voice_rate) == (True, 140)


def test_a_bad_voice_value_names_the_file_line_key_and_what_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    _config, problems = parse_config_text('[player]\nvoice = "yes"\nvoice_rate = 20\n', path)
    text = "\n".join(str(problem) for problem in problems)
    assert "config.toml:2" in text and "player.voice" in text
    assert "config.toml:3" in text and "player.voice_rate" in text and "80" in text


async def test_the_settings_screen_switches_voice_on_and_saves_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    app = host(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert field(pilot, "player", "voice_rate").value == "170"
        choose(pilot, "player", "voice", True)
        await put(pilot, "player", "voice_rate", "150")
        await pilot.pause()
        assert settings(pilot).problems == []
        await pilot.press("ctrl+s")
        await pilot.pause()
    reread, problems = load_config(path)
    assert problems == []
    assert (reread.player.voice, reread.player.voice_rate) == (True, 150)


def test_start_refuses_voice_with_plain() -> None:
    result = CliRunner().invoke(main, ["start", "--plain", "--voice", "neck-reset"])
    assert result.exit_code == 2
    assert "--plain prints lines for a screen reader" in result.output
