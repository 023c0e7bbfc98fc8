"""`python -m generator.cli`: the capweekly command."""

from generator.cli import run

run()
