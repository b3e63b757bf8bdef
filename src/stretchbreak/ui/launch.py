"""Placeholder: builds and runs the dashboard app (being written)."""


def run_dashboard() -> int:
    raise SystemExit("the dashboard is not written yet")
