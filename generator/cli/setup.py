"""Commands that set a newsletter up: init (a new folder) and settings (check, schema)."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import SETTINGS_OPTION, expected_errors, info, load_settings_file


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--site-url", help="Public URL of the site (site.base_url), e.g. https://example.com/smallcaps/.")
@click.option("--signup-url", help="Public URL of `capweekly serve` (web.public_url): turns on the sign-up forms.")
@expected_errors
def init(directory, site_url, signup_url) -> None:
    """Start a new newsletter in DIRECTORY (default: here): settings.yaml with every key commented,
    notes/ with an example note, an empty templates/ override folder, a JSON schema and .gitignore."""
    from generator.init import SIGNUP_HELP, new_newsletter

    target = Path(directory)
    written = new_newsletter(target, site_url, signup_url)
    for path in written:
        info(f"  wrote {path}")
    where = "" if target.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    click.echo(f"new newsletter in {target.resolve()}; next: {where}capweekly build --source sample "
               "(then edit settings.yaml: branding, disclosures, data.source)")
    if not signup_url:
        info(SIGNUP_HELP)


@click.group("settings")
def settings_group() -> None:
    """Inspect the settings file: check it, or print its JSON schema."""


@settings_group.command("schema")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def settings_schema_command(out_file) -> None:
    """Print the JSON schema of settings.yaml (for editor completion: yaml-language-server, VS Code, PyCharm)."""
    from generator.init import schema_text

    text = schema_text()
    if out_file:
        from generator.writer import write_text

        write_text(Path(out_file), text)
        info(f"wrote {out_file}")
    else:
        click.echo(text, nl=False)


@settings_group.command("check")
@SETTINGS_OPTION
@expected_errors
def settings_check(settings_path) -> None:
    """Validate the settings file (and CAPWEEKLY__... overrides); list every problem with its line."""
    settings = load_settings_file(settings_path)
    click.echo(f"{settings_path}: ok ({settings.branding.title}: {settings.pair.small}/{settings.pair.large}, "
               f"{len(settings.optional_tickers())} optional tickers, data from {settings.data.source})")
