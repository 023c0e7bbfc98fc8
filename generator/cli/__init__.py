"""The capweekly command: parse options, load settings, call one pipeline function.

Expected failures print one line (what, where, what to do) and exit with their
kind's code (generator.errors: 2 usage, 3 data or settings, 4 refused by a safety
rule, 5 an outside service); an unexpected exception is a bug and keeps its
traceback. `-q` leaves stderr to errors; `-v` adds timings, every fact-check flag and where
the settings and the run lock are.

The commands live by group, one module each; this is their table of contents:

    build.py   build, backfill, factcheck, preview      (issues)
    data.py    data update, data status                 (the price cache)
    mail.py    subscribers, send, serve, db, bounces    (the list)
    site.py    publish, weekly                          (the site, the Friday job)
    setup.py   init, settings                           (a newsletter's folder)
    common.py  options, verbosity, errors, the run lock (what every command shares)
"""

from __future__ import annotations

import gc

import click

from generator.cli import build, data, mail, setup, site
from generator.cli.common import set_verbosity


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capweekly")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr (results still go to stdout).")
@click.option("-v", "--verbose", is_flag=True, help="Also timings, every fact-check flag, settings and lock paths.")
def main(quiet: bool, verbose: bool) -> None:
    """capweekly: build the weekly small-cap versus large-cap issue.

    Exit codes: 0 done, 1 a bug or factcheck flags, 2 usage, 3 data or settings error,
    4 refused by a safety rule (or another run holds the lock), 5 an outside service failed."""
    set_verbosity(quiet, verbose)


COMMANDS = (
    build.build, build.backfill, build.factcheck, build.preview,
    data.data,
    mail.subscribers, mail.send, mail.serve, mail.db, mail.bounces,
    site.publish, site.weekly,
    setup.init, setup.settings_group,
)
for _command in COMMANDS:
    main.add_command(_command)


def run() -> None:
    """The `capweekly` entry point.

    When the command is done, what it built (frames, figures, fonts, templates) is frozen out of the cyclic
    garbage collector. The interpreter then shuts down as usual (exit handlers, open files, child processes)
    but skips the collector's final passes over those objects, which took about 0.8 s of every build
    (scripts/bench_exit.py).
    """
    try:
        main()
    finally:
        gc.freeze()
