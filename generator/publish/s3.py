"""The site on object storage: `publish --to s3://bucket/prefix` (AWS S3, Cloudflare R2, MinIO, any
S3-compatible store).

The site is built into the local site folder exactly as for a folder target (generator.publish.site: the
folder is the staging area and the record of what was published, its issue numbers and correction times),
then synced to the bucket. boto3 is imported here only, and only when an s3:// target is given: it costs
about 0.4 s to import and 0.3 s to make a client, more than the whole CLI's start.

Where and as whom come from boto3's standard chain, never from settings.yaml: the endpoint from
AWS_ENDPOINT_URL (unset for AWS itself), the credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
AWS_PROFILE, ~/.aws or an instance role, the region from AWS_REGION/AWS_DEFAULT_REGION. With a custom
endpoint, buckets are addressed by path (http://host/bucket/key), which MinIO, R2 and the others all accept.

Only changed files are uploaded. The bucket holds a manifest, `<prefix>.capweekly-manifest.json`, with each
file's sha256, the ETag the store answered for its upload, its size and its headers. A file is up to date
when the manifest's sha256 is the local file's AND the listed object still has that ETag and size (so an
object overwritten or removed by hand is uploaded again) AND its headers are the ones this version gives.
An ETag alone is not a content hash (it is an MD5 only for single-part, unencrypted uploads), so it is only
ever compared with itself; each object also carries its sha256 as `x-amz-meta-sha256` for anyone checking
by hand. The manifest is written after the uploads; a missing or damaged one means every file is uploaded
once more, never that a change is missed.

Order, so that no page ever links to an object not yet there: assets (charts, PDFs, metrics) first, then
issue pages, then the other pages (archive, about, methodology, 404), then the sitemap, the feed and the
home page last; within each group new objects before replaced ones. Each PUT is atomic (a reader gets the
old object or the new, never part of one), but a set of PUTs is not. What is guaranteed: the bucket is
listed before the site folder is built, and a write succeeds (the manifest, rewritten as it was) before
the first file, so no credentials, no bucket, access denied and an endpoint that is down all stop with the
bucket unchanged (all but a key that may read and not write stop before the site folder is touched too).
A failure later leaves the bucket with the new assets and pages uploaded so far and the old home page and
feed, and the next publish uploads the rest. Nothing is deleted unless asked (`--delete`), and then only
under the prefix, after every upload succeeded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from generator.errors import CapweeklyError, RefusedError, ServiceError
from generator.publish.site import PublishError

MANIFEST = ".capweekly-manifest.json"
MANIFEST_VERSION = 1

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".json": "application/json", ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif", ".svg": "image/svg+xml",
    ".ico": "image/vnd.microsoft.icon", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".woff2": "font/woff2", ".woff": "font/woff", ".txt": "text/plain; charset=utf-8",
}
FEED_TYPE = "application/atom+xml; charset=utf-8"

# Cache lifetimes. A name with a content hash in it (style.3f9a1c2e.css) never changes: a year, immutable.
# An issue's charts, PDF and metrics keep their names when the issue is rebuilt (a correction), so a day.
# Pages change when a neighbour appears (the pager), the home page and feed every week: minutes.
IMMUTABLE = "public, max-age=31536000, immutable"
ISSUE_FILE = "public, max-age=86400"
PAGE = "public, max-age=300"
FRONT = "public, max-age=60"
FRONT_PAGES = ("index.html", "feed.xml", "sitemap.xml")
# A hash has a letter in it: chart-20240628.png is a date, not a content hash.
HASHED_NAME = re.compile(r"[.-](?=[0-9]*[a-f])[0-9a-f]{8,64}\.[a-z0-9]+$")


def content_type(name: str) -> str:
    """The Content-Type a browser needs: html and text with their charset, the feed as Atom."""
    if name == "feed.xml":
        return FEED_TYPE
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def cache_control(name: str) -> str:
    if HASHED_NAME.search(name):
        return IMMUTABLE
    if name in FRONT_PAGES:
        return FRONT
    if name.endswith((".html", ".xml")) or Path(name).name == "published.json":
        return PAGE
    return ISSUE_FILE


def stage(name: str) -> int:
    """Upload group: 0 assets, 1 issue pages, 2 other pages, then the sitemap, the feed and the home page."""
    if name in FRONT_PAGES:
        return 5 - FRONT_PAGES.index(name)  # the home page last of all
    if name.endswith(".html"):
        return 1 if name.startswith("issues/") else 2
    return 0


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str  # "" (the bucket's root) or "a/b/"

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, name: str) -> str:
        return self.prefix + name


def parse_target(url: str) -> Target:
    """s3://bucket/prefix: a bucket name as S3 allows it, the prefix a folder (a trailing / is added)."""
    match = re.fullmatch(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?", url)
    if not match:
        raise PublishError(f"{url}: not an S3 target", "write --to s3://bucket/prefix (a lower-case bucket name)")
    prefix = "/".join(part for part in (match.group(2) or "").split("/") if part)
    return Target(match.group(1), prefix + "/" if prefix else "")


@dataclass(frozen=True)
class Upload:
    name: str  # relative to the site folder and to the prefix
    sha256: str
    size: int
    content_type: str
    cache_control: str
    new: bool  # not in the bucket yet (else: replaces an object)


@dataclass(frozen=True)
class Plan:
    uploads: tuple[Upload, ...]
    extra: tuple[str, ...]  # objects under the prefix that are not in the site (deleted only with --delete)
    unchanged: int


@dataclass(frozen=True)
class Remote:
    objects: dict  # name under the prefix -> (etag, size)
    manifest: dict  # name -> {"sha256", "etag", "size", "content_type", "cache_control"}
    manifest_found: bool


def _etag(value: str | None) -> str:
    return (value or "").strip('"')


def local_files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def plan(site: Path, remote: Remote) -> Plan:
    """What a sync of the site folder to the bucket would do, in upload order."""
    files = local_files(site)
    uploads, unchanged = [], 0
    for name, path in files.items():
        digest, size = _sha256(path), path.stat().st_size
        ctype, cache = content_type(name), cache_control(name)
        known, listed = remote.manifest.get(name) or {}, remote.objects.get(name)
        if (listed and known.get("sha256") == digest and known.get("etag") == listed[0] and known.get("size") == size
                and listed[1] == size and known.get("content_type") == ctype and known.get("cache_control") == cache):
            unchanged += 1
            continue
        uploads.append(Upload(name, digest, size, ctype, cache, listed is None))
    uploads.sort(key=lambda u: (stage(u.name), not u.new, u.name))
    extra = tuple(sorted(n for n in remote.objects if n not in files and n != MANIFEST))
    return Plan(tuple(uploads), extra, unchanged)


@dataclass(frozen=True)
class SyncResult:
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int
    kept: tuple[str, ...]  # not in the site, left alone (no --delete)
    bytes: int


class Store:
    """One bucket target through boto3, every failure turned into one line that names the target."""

    def __init__(self, target: Target, client=None) -> None:
        self.target = target
        try:
            self.client = client or make_client()
        except ValueError as exc:  # botocore's word for a malformed AWS_ENDPOINT_URL
            raise PublishError(f"{target}: {' '.join(str(exc).split())}",
                               "set AWS_ENDPOINT_URL to the store's URL, e.g. https://host:9000, or unset it for "
                               "AWS") from None
        except Exception as exc:  # noqa: BLE001 - botocore's own errors, e.g. a broken ~/.aws/config
            error = s3_error(exc, target, "reach", None)
            if error is None:
                raise
            raise error from None

    @property
    def endpoint(self) -> str:
        return self.client.meta.endpoint_url

    def remote(self) -> Remote:
        """List the prefix and read the manifest: the first calls, so a wrong setup stops here, before any write."""
        objects = {}
        with self._failures("list"):
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.target.bucket,
                                                                          Prefix=self.target.prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    objects[item["Key"][len(self.target.prefix):]] = (_etag(item.get("ETag")), item["Size"])
        manifest: dict = {}
        found = MANIFEST in objects
        if found:
            with self._failures("read the manifest of"):
                body = self.client.get_object(Bucket=self.target.bucket, Key=self.target.key(MANIFEST))["Body"].read()
            try:
                doc = json.loads(body)
                manifest = doc["files"] if doc.get("version") == MANIFEST_VERSION else {}
            except (ValueError, KeyError, TypeError, AttributeError):
                manifest = {}  # damaged: every file is uploaded again, and a good manifest written
        return Remote(objects, manifest if isinstance(manifest, dict) else {}, found)

    def put(self, name: str, body: bytes, ctype: str, cache: str, sha256: str | None = None) -> str:
        with self._failures("upload to"):
            answer = self.client.put_object(Bucket=self.target.bucket, Key=self.target.key(name), Body=body,
                                            ContentType=ctype, CacheControl=cache,
                                            Metadata={"sha256": sha256} if sha256 else {})
        return _etag(answer.get("ETag"))

    def put_manifest(self, files: dict) -> None:
        body = (json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=1, sort_keys=True) + "\n").encode()
        self.put(MANIFEST, body, "application/json", "no-store")

    def delete(self, names: list[str]) -> None:
        for start in range(0, len(names), 1000):  # the API's limit per request
            batch = [{"Key": self.target.key(n)} for n in names[start:start + 1000]]
            with self._failures("delete from"):
                answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise PublishError(f"{self.target}: could not delete {len(answer['Errors'])} object(s), e.g. "
                                   f"{first.get('Key')} ({first.get('Code')})",
                                   "give these credentials s3:DeleteObject on the prefix, then publish --delete again")

    def _failures(self, doing: str):
        return _translated(self, doing)


class _translated:
    """A context that turns botocore's exceptions into the project's one-line errors."""

    def __init__(self, store: Store, doing: str) -> None:
        self.store, self.doing = store, doing

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, CapweeklyError) or not isinstance(exc, Exception):
            return False
        error = s3_error(exc, self.store.target, self.doing, self.store.endpoint)
        if error is None:
            return False
        raise error from None


def s3_error(exc: Exception, target: Target, doing: str, endpoint: str | None) -> CapweeklyError | None:
    """One line for each way a bucket can fail: what, where, what to do. None for anything unforeseen."""
    from botocore import exceptions as b

    where = f"{target} (endpoint {endpoint})" if endpoint else str(target)
    if isinstance(exc, (b.NoCredentialsError, b.PartialCredentialsError)):
        return PublishError(f"{where}: no credentials to {doing} the bucket",
                            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)")
    if isinstance(exc, (b.EndpointConnectionError, b.ConnectTimeoutError, b.ReadTimeoutError,
                        b.ConnectionClosedError)):
        return ServiceError(f"{where}: cannot reach the store to {doing} it ({type(exc).__name__})",
                            "check AWS_ENDPOINT_URL and the network, then publish again: what was uploaded "
                            "stays, the next publish uploads the rest")
    if isinstance(exc, b.ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        message = " ".join(str(exc.response.get("Error", {}).get("Message", "")).split())
        if code in ("NoSuchBucket", "404", "NotFound"):
            return PublishError(f"{where}: no bucket named {target.bucket}",
                                "create it first, or fix the bucket in --to s3://bucket/prefix")
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
                    "AuthorizationHeaderMalformed"):
            return PublishError(f"{where}: the store refused the credentials ({code})",
                                "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION (or AWS_PROFILE)")
        if code in ("AccessDenied", "403", "Forbidden", "AllAccessDisabled"):
            return PublishError(f"{where}: access denied when trying to {doing} the bucket",
                                "give these credentials s3:ListBucket, s3:GetObject and s3:PutObject on the "
                                "bucket (and s3:DeleteObject for --delete)")
        return ServiceError(f"{where}: the store answered {code or 'an error'} when trying to {doing} the bucket"
                            + (f": {message}" if message else ""), "publish again later")
    if isinstance(exc, b.BotoCoreError):
        return ServiceError(f"{where}: {' '.join(str(exc).split())}", "check the AWS_* settings, then publish again")
    return None


def make_client():
    """An S3 client from boto3's standard chain. Path-style addressing with a custom endpoint
    (AWS_ENDPOINT_URL): MinIO and most self-hosted stores serve no bucket subdomains."""
    import boto3
    from botocore.config import Config

    custom = any(os.environ.get(v) for v in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"))
    config = Config(s3={"addressing_style": "path"}) if custom else None
    return boto3.session.Session().client("s3", config=config)


def require_boto3(target: Target) -> None:
    try:
        import boto3  # noqa: F401
    except ImportError:
        raise PublishError(f"{target}: publishing to object storage needs boto3, which is not installed",
                           "pip install 'capweekly[s3]' (or pip install boto3)") from None


def refuse_a_lost_folder(site: Path, remote: Remote, target: Target) -> None:
    """The local folder is the record of issue numbers and correction times; publishing from an empty one
    over a bucket that holds a site would renumber and re-date it."""
    has_local = (site / "issues").is_dir() and any((site / "issues").iterdir())
    if not has_local and any(n.startswith("issues/") for n in remote.objects):
        raise RefusedError(f"{target} already holds a published site, but the local site folder {site} has none "
                           "(it keeps the issue numbers and correction times the site was published with)",
                           f"copy the bucket into {site} first (aws s3 sync {target} {site}), or pass "
                           "--site-dir with the folder last published from")


UPLOAD_THREADS = 8  # a PUT mostly waits on the network; botocore keeps 10 connections per client


def sync(store: Store, site: Path, remote: Remote, *, delete: bool = False, on_upload=None) -> SyncResult:
    """Upload what changed, in order; then the manifest; then, with `delete`, remove what the site no longer has.
    Each group of the order (generator.publish.s3.stage, new before replaced) is uploaded on several threads and
    finished before the next starts, so the order between groups holds."""
    todo = plan(site, remote)
    manifest = {n: v for n, v in remote.manifest.items() if n in remote.objects}
    if todo.uploads:
        # The write probe: the manifest as it was (or an empty one). Read-only credentials stop here, before
        # any page goes out.
        store.put_manifest(manifest)
    sent = 0
    try:
        for _, group in groupby(todo.uploads, key=lambda u: (stage(u.name), not u.new)):
            for up, etag in _put_all(store, site, list(group)):
                manifest[up.name] = {"sha256": up.sha256, "etag": etag, "size": up.size,
                                     "content_type": up.content_type, "cache_control": up.cache_control}
                sent += up.size
                if on_upload:
                    on_upload(up)
    except BaseException:
        _try_manifest(store, manifest)  # what did go up is not sent again next time, if the store still answers
        raise
    deleted = list(todo.extra) if delete else []
    for name in deleted:
        manifest.pop(name, None)
    if todo.uploads or deleted or not remote.manifest_found:
        store.put_manifest({n: manifest[n] for n in sorted(manifest)})
    if deleted:
        store.delete(deleted)
    return SyncResult(tuple(u.name for u in todo.uploads), tuple(deleted), todo.unchanged,
                      () if delete else todo.extra, sent)


def _put_all(store: Store, site: Path, group: list[Upload]):
    """Upload one group on a few threads; yield (upload, etag) in the group's order; stop at the first failure."""
    from concurrent.futures import ThreadPoolExecutor

    put = lambda up: store.put(up.name, (site / up.name).read_bytes(), up.content_type,  # noqa: E731
                               up.cache_control, up.sha256)
    pool = ThreadPoolExecutor(max_workers=min(UPLOAD_THREADS, len(group)))
    try:
        futures = [(up, pool.submit(put, up)) for up in group]
        for up, future in futures:
            yield up, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _try_manifest(store: Store, manifest: dict) -> None:
    try:
        store.put_manifest({n: manifest[n] for n in sorted(manifest)})
    except Exception:  # noqa: BLE001 - the first failure is the one to report
        pass
