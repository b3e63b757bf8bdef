"""`python -m stretchbreak` runs the same CLI as the `stretchbreak` command."""

from stretchbreak.cli import main

main()
