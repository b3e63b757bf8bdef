"""The pure core must never pull in the UI or platform libraries."""

import subprocess
import sys


def test_core_imports_without_textual_apscheduler_or_plyer() -> None:
    code = (
        "import pkgutil, importlib, sys\n"
        "import stretchbreak.core as core\n"
        "for info in pkgutil.walk_packages(core.__path__, 'stretchbreak.core.'):\n"
        "    importlib.import_module(info.name)\n"
        "import stretchbreak.paths\n"
        "banned = {'textual', 'rich', 'apscheduler', 'plyer'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in banned)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
