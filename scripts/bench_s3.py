"""Measure `publish --to s3://`: a site folder synced to moto's S3 server, run in its own process on loopback.

    .venv/bin/python scripts/bench_s3.py SITE_FOLDER [--threads 1 8]

For each thread count: a first sync into an empty bucket (every file uploaded) and a second one (nothing
changed: one listing and the manifest read). Loopback has no network latency, so a real store gains more
from threads than this shows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.publish import s3  # noqa: E402
from tests.smtp_server import free_port  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, s3.UPLOAD_THREADS])
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from moto.server import main; main()", "-H", "127.0.0.1",
                               "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="bench",
                      AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    try:
        client = s3.make_client()
        for _ in range(100):  # the server's start
            try:
                client.list_buckets()
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.1)
        for threads in args.threads:
            bucket = f"bench-{threads}-{time.time_ns()}"
            client.create_bucket(Bucket=bucket)
            s3.UPLOAD_THREADS = threads
            store = s3.Store(s3.Target(bucket, "www/"), client)
            started = time.perf_counter()
            first = s3.sync(store, args.site, store.remote())
            middle = time.perf_counter()
            second = s3.sync(store, args.site, store.remote())
            print(f"threads {threads}: first sync {len(first.uploaded)} files ({first.bytes:,} bytes) in "
                  f"{middle - started:.2f} s; unchanged sync {len(second.uploaded)} uploads in "
                  f"{time.perf_counter() - middle:.2f} s")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
