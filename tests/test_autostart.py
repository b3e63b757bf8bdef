"""`stretchbreak service install | uninstall | status`: the files it writes are checked by the
tools that read them (systemd-analyze, desktop-file-validate), and uninstall leaves the folders
byte-identical to before."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from stretchbreak.adapters import autostart
from stretchbreak.adapters.bounded_process import ProcessOutcome, run_bounded
from stretchbreak.cli.autostart import register

SHIPPED_DESKTOP = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "stretchbreak"
    / "data"
    / "stretchbreak.desktop"
)


def require(program: str, package: str) -> str:
    found = shutil.which(program)
    if found is None:
        pytest.fail(f"missing {program}: install with `apt-get install {package}`", pytrace=False)
    return found


def snapshot(root: Path) -> dict[str, tuple[int, bytes | str | None]]:
    """Every path under root with its mode and content (or link target)."""
    tree: dict[str, tuple[int, bytes | str | None]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            if path.is_symlink():
                tree[str(path)] = (info.st_mode, os.readlink(path))
            elif path.is_dir():
                tree[str(path)] = (info.st_mode, None)
            else:
                tree[str(path)] = (info.st_mode, path.read_bytes())
    return tree


def fake_stretchbreak(folder: Path) -> Path:
    """An executable named stretchbreak in a folder whose name needs quoting."""
    folder.mkdir(parents=True)
    program = folder / "stretchbreak"
    program.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    program.chmod(0o755)
    return program


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    return {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
        "XDG_RUNTIME_DIR": str(runtime),  # no systemd/private in it: no user manager
        "PATH": os.environ["PATH"],
    }


def test_xdg_entry_is_valid_and_quotes_its_command(tmp_path: Path, home: dict[str, str]) -> None:
    validate = require("desktop-file-validate", "desktop-file-utils")
    program = fake_stretchbreak(tmp_path / "my apps $HOME 100%")
    argv = autostart.service_argv(str(program), home)
    assert argv == [str(program), "service"]
    assert autostart.default_method("linux", home) == "xdg"
    report = autostart.install("xdg", argv, home)
    path = Path(home["XDG_CONFIG_HOME"]) / "autostart" / "stretchbreak.desktop"
    assert report.path == path and report.changed
    result = subprocess.run([validate, str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    text = path.read_text(encoding="utf-8")
    assert autostart.MARKER in text.splitlines()[0]
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    quoted_folder = str(program.parent).replace("$", "\\\\$").replace("%", "%%")
    assert exec_line == f'Exec="{quoted_folder}/stretchbreak" service'
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_the_shipped_desktop_file_is_valid() -> None:
    validate = require("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, str(SHIPPED_DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_systemd_unit_passes_systemd_analyze(tmp_path: Path, home: dict[str, str]) -> None:
    analyze = require("systemd-analyze", "systemd")
    program = fake_stretchbreak(tmp_path / "my apps $HOME 100%")
    report = autostart.install("systemd", [str(program), "service"], home)
    unit = Path(home["XDG_CONFIG_HOME"]) / "systemd" / "user" / "stretchbreak.service"
    assert report.path == unit
    assert any("systemctl --user enable --now" in line for line in report.lines)
    text = unit.read_text(encoding="utf-8")
    assert "# written by stretchbreak service install" in text
    assert "Restart=on-failure" in text
    env = dict(os.environ, XDG_RUNTIME_DIR=home["XDG_RUNTIME_DIR"], HOME=home["HOME"])
    result = subprocess.run(
        [analyze, "verify", "--user", str(unit)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" and result.stdout.strip() == ""
    # the unit really points at the program: a wrong path is rejected by the same check
    broken_unit = autostart.render("systemd", [f"{program}-gone", "service"], [])
    (tmp_path / "broken.service").write_text(broken_unit, encoding="utf-8")
    broken = subprocess.run(
        [analyze, "verify", "--user", str(tmp_path / "broken.service")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "is not executable" in broken.stderr


@pytest.mark.parametrize("before", ["nothing", "config-home", "autostart-folder"])
def test_uninstall_leaves_the_tree_as_it_was(home: dict[str, str], before: str) -> None:
    root = Path(home["HOME"])
    root.mkdir()
    config = Path(home["XDG_CONFIG_HOME"])
    if before in ("config-home", "autostart-folder"):
        config.mkdir(mode=0o755)
        (config / "other.conf").write_text("x = 1\n", encoding="utf-8")
    if before == "autostart-folder":
        (config / "autostart").mkdir(mode=0o755)
    original = snapshot(root)
    for method in ("xdg", "systemd"):
        autostart.install(method, ["/usr/bin/stretchbreak", "service"], home)
    assert snapshot(root) != original
    reports = autostart.uninstall(home, "linux")
    assert sorted(report.method for report in reports) == ["systemd", "xdg"]
    assert snapshot(root) == original


def test_install_is_idempotent_and_refuses_foreign_files(home: dict[str, str]) -> None:
    argv = ["/usr/bin/stretchbreak", "service"]
    first = autostart.install("xdg", argv, home)
    content = first.path.read_bytes()
    again = autostart.install("xdg", argv, home)
    assert not again.changed and again.path.read_bytes() == content
    assert again.lines[0].startswith("already installed")
    moved = autostart.install("xdg", ["/opt/new/stretchbreak", "service"], home)
    assert moved.changed and b"/opt/new/stretchbreak" in moved.path.read_bytes()

    foreign = autostart.entry_for("systemd", home).path
    foreign.parent.mkdir(parents=True)
    foreign.write_text("[Service]\nExecStart=/bin/mine\n", encoding="utf-8")
    with pytest.raises(autostart.AutostartError, match="not written by stretchbreak"):
        autostart.install("systemd", argv, home)
    assert foreign.read_text(encoding="utf-8") == "[Service]\nExecStart=/bin/mine\n"
    reports = autostart.uninstall(home, "linux")
    assert foreign.exists()
    assert any("left" in line for report in reports for line in report.lines)


def fake_systemctl(folder: Path, log: Path, wants: Path) -> None:
    """Records its arguments; enable links the unit into default.target.wants, disable removes
    the link (and, like systemctl, leaves the folder)."""
    folder.mkdir()
    script = folder / "systemctl"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        'case "$2" in\n'
        f'  enable) mkdir -p "{wants}" && ln -sf ../stretchbreak.service "{wants}/$4" ;;\n'
        f'  disable) rm -f "{wants}/$4" ;;\n'
        "  is-enabled) echo enabled ;;\n"
        "  is-active) echo active ;;\n"
        "esac\n",
        encoding="utf-8",
    )
    script.chmod(0o755)


def test_systemd_enable_disable_round_trip(tmp_path: Path, home: dict[str, str]) -> None:
    (Path(home["XDG_RUNTIME_DIR"]) / "systemd").mkdir()
    (Path(home["XDG_RUNTIME_DIR"]) / "systemd" / "private").touch()  # a user manager "runs"
    wants = Path(home["XDG_CONFIG_HOME"]) / "systemd" / "user" / "default.target.wants"
    log = tmp_path / "systemctl.log"
    fake_systemctl(tmp_path / "bin", log, wants)

    def run(argv: Sequence[str]) -> ProcessOutcome:
        return run_bounded(argv, 10, env={**home, "PATH": f"{tmp_path}/bin:/usr/bin:/bin"})

    Path(home["HOME"]).mkdir()
    original = snapshot(Path(home["HOME"]))
    assert autostart.default_method("linux", home) == "systemd"
    report = autostart.install("systemd", ["/usr/bin/stretchbreak", "service"], home, run=run)
    assert "enabled and started stretchbreak.service (systemctl --user)" in report.lines
    assert (wants / "stretchbreak.service").is_symlink()
    found = autostart.status(home, "linux", run=run)
    assert found.installed and found.method == "systemd" and "(enabled, active)" in found.detail
    autostart.uninstall(home, "linux", run=run)
    assert log.read_text(encoding="utf-8").splitlines() == [
        "--user enable --now stretchbreak.service",
        "--user is-enabled stretchbreak.service",
        "--user is-active stretchbreak.service",
        "--user disable --now stretchbreak.service",
        "--user daemon-reload",
    ]
    assert snapshot(Path(home["HOME"])) == original


def test_cli_install_status_uninstall(
    home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in home.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("sys.platform", "linux")

    @click.group()
    def service() -> None:
        """The engine's group (cli/service.py) in the real app."""

    register(service)
    runner = CliRunner()
    assert runner.invoke(service, ["status"]).exit_code == 3
    result = runner.invoke(service, ["install"])
    assert result.exit_code == 0, result.output
    path = Path(home["XDG_CONFIG_HOME"]) / "autostart" / "stretchbreak.desktop"
    assert f"wrote {path}" in result.output
    assert "undo with: stretchbreak service uninstall" in result.output
    status = runner.invoke(service, ["status"])
    assert status.exit_code == 0 and f"xdg: {path}" in status.output
    assert runner.invoke(service, ["install", "--method", "launchd"]).exit_code == 2
    result = runner.invoke(service, ["uninstall"])
    assert result.exit_code == 0 and f"removed {path}" in result.output
    assert not path.exists()
    assert "nothing to remove" in runner.invoke(service, ["uninstall"]).output


def test_launchd_agent_and_windows_startup_entry(home: dict[str, str]) -> None:
    argv = ["/Applications/My Tools/stretchbreak", "service"]
    agent = autostart.install("launchd", argv, home)
    assert agent.path.name == "org.stretchbreak.service.plist"
    assert autostart.MARKER in agent.path.read_text(encoding="utf-8")
    loaded = plistlib.loads(agent.path.read_bytes())
    assert loaded["ProgramArguments"] == argv and loaded["RunAtLoad"] is True
    assert autostart.uninstall(home, "darwin")[0].path == agent.path
    assert not agent.path.exists()

    windows = dict(home, APPDATA=str(Path(home["HOME"]) / "AppData"))
    entry = autostart.install("startup", ["C:\\Tools\\stretchbreak.exe", "service"], windows)
    text = entry.path.read_text(encoding="utf-8")
    assert entry.path.parent.name == "Startup"
    assert 'start "" /min "C:\\Tools\\stretchbreak.exe" "service"' in text
    assert autostart.status(windows, "win32").installed
