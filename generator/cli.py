"""The capweekly command: parse options, load settings, call one pipeline function.

Expected failures print one line (what, where, what to do) and exit 2; an
unexpected exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from datetime import date

import click

from generator.errors import CapweeklyError


def _as_of(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capweekly")
def main() -> None:
    """capweekly: build the weekly small-cap versus large-cap issue."""


@main.command()
@click.option("--settings", "settings_path", default="settings.yaml", show_default=True,
              type=click.Path(dir_okay=False), help="Settings file.")
@click.option("--source", type=click.Choice(["sample", "csv", "yfinance"]),
              help="Price source (default: data.source in settings).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of <TICKER>.csv files (csv source).")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
              help="Build the week whose last session is the last one on or before this date.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output folder (default: output.dir).")
@click.option("--timings", is_flag=True, help="Print the time each stage took.")
def build(settings_path, source, data_dir, as_of, out_dir, timings) -> None:
    """Build one weekly issue: report.html, report.pdf, metrics.json and charts/."""
    from generator.pipeline import build_issue
    from generator.settings import load_settings

    try:
        settings = load_settings(settings_path)
        built = build_issue(settings, source=source, data_dir=data_dir, as_of=as_of, out_dir=out_dir)
    except CapweeklyError as exc:
        click.echo(exc.one_line(), err=True)
        sys.exit(2)
    if built.source == "sample":
        click.echo("note: built from SAMPLE DATA (synthetic, not market data); never publish it", err=True)
    if timings:
        for stage, seconds in built.timings.items():
            click.echo(f"{stage:>8}: {seconds * 1000:7.0f} ms", err=True)
    click.echo(str(built.folder))


if __name__ == "__main__":
    main()
