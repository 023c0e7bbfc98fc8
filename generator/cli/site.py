"""Commands that publish: publish (the static site, and --to a bucket) and weekly (update, build, publish,
send: the Friday job)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.build import build_summary, build_warnings, report_flags
from generator.cli.common import (SETTINGS_OPTION, WAIT_OPTION, detail, expected_errors, hold_lock, info,
                                  list_health_line, load_settings_file, open_list, open_printer)
from generator.cli.mail import send_report, send_with_progress
from generator.errors import RefusedError

if TYPE_CHECKING:
    from generator.settings import Settings


def unstable_feed_ids(settings: Settings, base_url: str) -> str | None:
    """A publish whose feed ids will change later: no site.feed_id and a host that is not the real one."""
    from urllib.parse import urlparse

    host = urlparse(base_url).hostname or ""
    if settings.site.feed_id or not (host in ("localhost", "::1") or host.startswith("127.")
                                     or host.endswith((".local", ".test", ".invalid", ".localhost"))):
        return None
    return (f"site.feed_id is unset, so the feed's ids come from the host {host}: when the real site.base_url "
            "is set they change and feed readers show every issue again; set site.feed_id to a urn:uuid "
            "(python3 -c 'import uuid; print(uuid.uuid4().urn)') before the real publish")


@click.command()
@SETTINGS_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Reports folder (default: output.dir).")
@click.option("--site-dir", type=click.Path(file_okay=False),
              help="Site folder (default: site.dir); with --to, where the site is built before it is uploaded.")
@click.option("--base-url", help="Public URL of the site (default: site.base_url).")
@click.option("--to", "to", metavar="s3://BUCKET/PREFIX",
              help="Also upload the site to S3-compatible object storage (endpoint from AWS_ENDPOINT_URL, "
                   "credentials and region from the AWS_* variables or ~/.aws); only changed files are sent.")
@click.option("--delete", is_flag=True, help="With --to: remove objects under the prefix that the site no longer has.")
@click.option("--dry-run", is_flag=True, help="With --to: list what would be uploaded or deleted; change nothing.")
@click.option("--allow-sample-data", is_flag=True, help="RISK: also publish issues built from synthetic sample data.")
@click.option("--allow-flagged", is_flag=True, help="RISK: also publish issues whose fact-check has open flags.")
@WAIT_OPTION
@expected_errors
def publish(settings_path, out_dir, site_dir, base_url, to, delete, dry_run, allow_sample_data, allow_flagged,
            wait) -> None:
    """Build or update the static site: issue pages, home, archive, Atom feed, sitemap (and upload it, --to)."""
    from generator.publish.site import publish_site

    if (delete or dry_run) and not to:
        raise click.UsageError("--delete and --dry-run go with --to s3://bucket/prefix")
    settings = load_settings_file(settings_path)
    reports = Path(out_dir) if out_dir else settings.resolve(settings.output.dir)
    target = Path(site_dir) if site_dir else settings.resolve(settings.site.dir)
    options = dict(allow_sample=allow_sample_data, allow_flagged=allow_flagged)
    synced = None
    with hold_lock(settings, "publish", wait):
        if to:
            result, synced = _publish_to_bucket(settings, reports, target, base_url or settings.site.base_url, to,
                                                delete, dry_run, options)
        else:
            result = publish_site(settings, reports, target, base_url or settings.site.base_url, **options)
    if result.skipped:
        info(f"not published (sample data, incomplete, or open fact-check flags): {', '.join(result.skipped)}")
    feed_warning = unstable_feed_ids(settings, base_url or settings.site.base_url)
    if feed_warning:
        info(f"warning: {feed_warning}")
    if dry_run:
        return
    if not result.changed:
        click.echo(f"{target}: up to date ({result.total} issues); nothing to publish")
    else:
        again = f", republished {len(result.republished)} rebuilt ({', '.join(result.republished)})" \
            if result.republished else ""
        click.echo(f"{target}: published {len(result.added)} new issue(s){again}, {result.total} in all")
    if synced:
        _report_sync(synced, delete)


def _publish_to_bucket(settings: Settings, reports: Path, site: Path, base_url, to: str, delete: bool, dry_run: bool,
                       options: dict):
    """Build the site in its folder as for a folder target, then sync the folder to the bucket. The bucket is
    listed first, so a wrong setup stops before the folder changes (all but a key that may read and not write)
    and before the bucket does (generator.publish.s3). A dry run builds into a hard-linked copy of the folder."""
    import tempfile

    from generator.publish import s3
    from generator.publish.site import publish_site

    bucket, store, remote = _open_bucket(to, site)
    if not dry_run:
        result = publish_site(settings, reports, site, base_url, **options)
        synced = s3.sync(store, site, remote, delete=delete, on_upload=lambda up: detail(f"  put {up.name}"))
        return result, (bucket, synced)
    with tempfile.TemporaryDirectory(prefix=".capweekly-dry-run-") as scratch:
        copy = Path(scratch) / "site"
        if site.is_dir():  # a hard-linked copy: publish_site never writes through an existing file
            from generator.publish.site import link_tree

            link_tree(site, copy)
        result = publish_site(settings, reports, copy, base_url, **options)
        todo = s3.plan(copy, remote)
    for up in todo.uploads:
        click.echo(f"would upload {'new' if up.new else 'changed'} {bucket.key(up.name)} "
                   f"({up.content_type}; {up.cache_control}; {up.size:,} bytes)")
    for name in todo.extra:
        click.echo(f"would {'delete' if delete else 'keep (not in the site; --delete removes it)'} "
                   f"{bucket.key(name)}")
    click.echo(f"{bucket}: dry run: {len(todo.uploads)} to upload, {todo.unchanged} unchanged, "
               f"{len(todo.extra) if delete else 0} to delete; nothing was changed")
    return result, None


def _report_sync(sent, delete: bool) -> None:
    bucket, synced = sent
    if not synced.uploaded and not synced.deleted:
        click.echo(f"{bucket}: up to date ({synced.unchanged} files); nothing uploaded")
    else:
        click.echo(f"{bucket}: uploaded {len(synced.uploaded)} file(s) ({synced.bytes:,} bytes), "
                   f"{synced.unchanged} unchanged" + (f", deleted {len(synced.deleted)}" if delete else ""))
    if synced.kept:
        info(f"{bucket}: {len(synced.kept)} object(s) under the prefix are not in the site and were kept "
             "(--delete removes them)")


@click.command()
@SETTINGS_OPTION
@click.option("--skip-send", is_flag=True, help="Run update, build and publish only.")
@click.option("--allow-flagged", is_flag=True, help="RISK: publish and send even if the fact-check has open flags.")
@click.option("--strict", is_flag=True, help="Treat the build's warnings as errors: nothing published or sent.")
@click.option("--to", "to", metavar="s3://BUCKET/PREFIX",
              help="Also upload the site to object storage (as publish --to) before anything is sent.")
@WAIT_OPTION
@expected_errors
def weekly(settings_path, skip_send, allow_flagged, strict, to, wait) -> None:
    """The Friday job: data update, build, publish, send; stops at the first failure with nothing sent."""
    settings = load_settings_file(settings_path)
    if settings.data.source == "sample":
        raise RefusedError("the weekly job never runs on sample data", "set data.source to yfinance or csv")
    if not skip_send:
        from generator.publish.mail import require_postal_address

        require_postal_address(settings, settings_path)  # before the build: nothing done without it
    with hold_lock(settings, "weekly", wait):
        bucket = _open_bucket(to, settings.resolve(settings.site.dir)) if to else None  # a wrong setup stops here
        _weekly(settings, skip_send, allow_flagged, strict, bucket)


def _open_bucket(to: str, site: Path):
    """The bucket of --to, listed: no credentials, no bucket, access denied or an endpoint down stop here,
    before anything is built or written (generator.publish.s3)."""
    from generator.publish import s3

    bucket = s3.parse_target(to)
    s3.require_boto3(bucket)
    started = time.perf_counter()
    store = s3.Store(bucket)
    detail(f"{bucket}: endpoint {store.endpoint}, boto3 client ready in {time.perf_counter() - started:.2f}s")
    remote = store.remote()
    s3.refuse_a_lost_folder(site, remote, bucket)
    return bucket, store, remote


def _weekly(settings: Settings, skip_send: bool, allow_flagged: bool, strict: bool = False, bucket=None) -> None:
    from datetime import datetime, timezone

    from generator.pipeline import build_issue
    from generator.publish.mail import check_sendable, load_issue
    from generator.publish.site import publish_site

    with open_printer() as printer:  # the build refreshes the yfinance cache first; stale or bad data stops here
        built = build_issue(settings, printer=printer)
    click.echo(f"built {built.folder}")
    warnings = build_warnings(settings, built)
    for warning in warnings:
        # Printed whatever the verbosity but --quiet: from cron this is the only place they show.
        info(f"warning: {warning}")
    report_flags(built)
    info(build_summary(built.folder, built.gaps))
    if warnings and strict:
        raise RefusedError(f"issue {built.as_of}: {len(warnings)} build warning(s) and --strict; nothing published "
                           "or sent", "fix what the warnings name and run again, or run without --strict")
    if built.open_flags and not allow_flagged:
        raise RefusedError(f"issue {built.as_of} has {len(built.open_flags)} open fact-check flag(s); "
                             "nothing published or sent",
                             f"read {built.folder / 'review.txt'}, fix or override in the editor's note, "
                             "or pass --allow-flagged")
    result = publish_site(settings, settings.resolve(settings.output.dir), settings.resolve(settings.site.dir),
                          settings.site.base_url, allow_flagged=allow_flagged)
    click.echo(f"site: {len(result.added)} new issue(s)" + (f", {len(result.republished)} republished"
               if result.republished else "") if result.changed else "site: up to date")
    if bucket:  # the web edition is up before any email links to it
        from generator.publish import s3

        target, store, remote = bucket
        _report_sync((target, s3.sync(store, settings.resolve(settings.site.dir), remote)), False)
    if skip_send:
        return
    issue = load_issue(built.folder)
    with open_list(settings) as store:
        check_sendable(issue, store, today=datetime.now(timezone.utc).date(),
                       max_age_days=settings.email.max_age_days, allow_sample=False, allow_stale=False,
                       allow_older=False, allow_flagged=allow_flagged)
        summary = send_with_progress(settings, store, issue)
        health = list_health_line(store)
    send_report(summary, health=health)
