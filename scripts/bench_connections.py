"""Measure `send --connections N`: messages per second at 1, 4 and 8 relay connections, and the time that
projects to for 100,000 readers (issue 22).

    .venv/bin/python scripts/bench_connections.py [--readers 1000] [--connections 1,4,8]
        [--latency 0.02] [--backend sqlite|postgresql|both]

The relay is aiosmtpd on loopback in a process of its own (so it does not share our GIL), answering each
final dot after `--latency` seconds: 0 is a relay with nothing to do; a real one takes milliseconds to queue
a message, which is where several connections pay. Each measurement sends the sample issue to fresh
confirmed readers with no rate limit; `postgresql` starts a throwaway cluster as the tests do
(tests/postgres.py: Debian's initdb and pg_ctl).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from secrets import token_urlsafe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline import build_issue  # noqa: E402
from generator.publish.mail import load_issue, send_issue  # noqa: E402
from generator.publish.subscribers import SubscriberStore  # noqa: E402
from generator.settings import load_settings  # noqa: E402
from tests.smtp_server import free_port  # noqa: E402

RELAY = """
import asyncio, sys, time
from aiosmtpd.controller import Controller
latency, port, log = float(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "a")
class Relay:
    async def handle_DATA(self, server, session, envelope):
        if latency:
            await asyncio.sleep(latency)
        log.write(" ".join(envelope.rcpt_tos) + "\\n"); log.flush()
        return "250 queued"
Controller(Relay(), hostname="127.0.0.1", port=port).start()
while True:
    time.sleep(3600)
"""


def measure(settings, issue, database: str, readers: int, connections: int, latency: float,
            work: Path) -> tuple[float, int]:
    """(messages per second, duplicates) for one send of `readers` over `connections` connections."""
    port = free_port()
    log = work / f"relay-{port}.log"
    relay = subprocess.Popen([sys.executable, "-c", RELAY, str(latency), str(port), str(log)])
    try:
        time.sleep(1.0)
        with SubscriberStore(database) as store:
            csv = work / f"readers-{port}.csv"
            csv.write_text("email\n" + "".join(f"reader{i}@example.com\n" for i in range(readers)))
            store.import_csv(csv)
            e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                                                  "rate_per_second": 1e9, "unsubscribe_url": "https://example.com/u"})
            start = time.perf_counter()
            summary = send_issue(settings.model_copy(update={"email": e}), store, issue, connections=connections)
            took = time.perf_counter() - start
        assert summary.sent == readers, summary.line()
        time.sleep(0.2)
        copies = Counter(log.read_text().split())
        assert len(copies) == readers, f"{len(copies)} readers got a copy, not {readers}"
        return readers / took, sum(n - 1 for n in copies.values())
    finally:
        relay.terminate()
        relay.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--connections", default="1,4,8")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the relay takes per message")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    os.environ.setdefault("CAPWEEKLY_SECRET", token_urlsafe(32))
    settings = load_settings(ROOT / "tests" / "fixtures" / "settings.yaml")  # it has a postal address
    work = Path(tempfile.mkdtemp())
    issue = load_issue(build_issue(settings, source="sample", out_dir=work / "reports").folder)
    cluster = None
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends:
        from tests.postgres import Cluster, binaries

        cluster = Cluster(binaries()).start()
    try:
        print(f"{args.readers} readers, relay latency {args.latency * 1000:g} ms, {os.cpu_count()} cores")
        for backend in backends:
            for n in [int(c) for c in args.connections.split(",")]:
                database = cluster.fresh_database() if backend == "postgresql" else str(work / f"list-{n}.sqlite")
                rate, duplicates = measure(settings, issue, database, args.readers, n, args.latency, work)
                hours = 100_000 / rate / 3600
                print(f"{backend:>10} {n} connections: {rate:7.1f} messages/s; 100,000 readers in "
                      f"{hours * 60:5.0f} min ({hours:.2f} h); duplicates {duplicates}", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
