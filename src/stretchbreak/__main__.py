"""`python -m stretchbreak` runs the same command as `stretchbreak`."""

from stretchbreak.launcher import run

run()
