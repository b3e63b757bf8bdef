"""The verbs with what people mistype (wave-2 walkthrough): one clear line, exit 2, and no
request reaches the engine."""

from __future__ import annotations

import control_support
import pytest
from click.testing import CliRunner
from control_support import EngineHost

from stretchbreak.cli import main

host = control_support.host
short_data_dir = control_support.short_data_dir


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), prog_name="stretchbreak")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["pause", "-5m"], "a duration cannot be negative"),
        (["snooze", "-90s"], "a duration cannot be negative"),
        (["pause", "99999h"], "'99999h' is too long: durations go up to 9999h"),
        (["snooze", "99999999999999999999m"], "is too long: durations go up to 9999h"),
        (["pause", "--jsn"], "No such option '--jsn'"),
        (["snooze", "abc"], "'abc' is not a duration"),
    ],
)
def test_mistyped_durations_get_one_clear_line(
    host: EngineHost, args: list[str], words: str
) -> None:
    code, err = cli(*args)
    assert code == 2
    assert words in err
    assert "Traceback" not in err and "No such option '-5'" not in err
    assert host.engine.calls == []  # nothing was sent
