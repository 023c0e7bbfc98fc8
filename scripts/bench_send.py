"""Measure sending: messages per second to a local SMTP server (aiosmtpd) for N readers.

    .venv/bin/python scripts/bench_send.py [--readers 2000] [--runs 3]

Builds the sample issue once, then for each run sends it to N fresh confirmed
readers through a real SMTP conversation on loopback, with no rate limit,
and reports the median messages per second and the email HTML size.
"""

from __future__ import annotations

import argparse
import os
from secrets import token_urlsafe
import subprocess
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline import build_issue  # noqa: E402
from generator.publish.mail import load_issue, send_issue  # noqa: E402
from generator.publish.subscribers import SubscriberStore  # noqa: E402
from generator.settings import load_settings  # noqa: E402
from tests.smtp_server import free_port  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hosted", action="store_true", help="images hosted on the site instead of attached inline")
    args = parser.parse_args()
    os.environ.setdefault("CAPWEEKLY_SECRET", token_urlsafe(32))
    settings = load_settings(ROOT / "settings.yaml")
    if args.hosted:
        settings = settings.model_copy(update={"site": settings.site.model_copy(
            update={"base_url": "https://example.com/smallcaps/"})})
    work = Path(tempfile.mkdtemp())
    folder = build_issue(settings, source="sample", out_dir=work / "reports").folder
    issue = load_issue(folder)
    rates, duplicates = [], 0
    for run in range(args.runs):
        port = free_port()
        # The server runs in its own process, as a real one would, so it does not share our GIL.
        server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                                   "-l", f"127.0.0.1:{port}"])
        time.sleep(1.0)
        with SubscriberStore(work / f"subs{run}.sqlite") as store:
            csv = work / f"readers{run}.csv"
            csv.write_text("email\n" + "".join(f"reader{i}@example.com\n" for i in range(args.readers)))
            store.import_csv(csv)
            e = settings.email.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port,
                                                  "security": "none", "rate_per_second": 1e9,
                                                  "unsubscribe_url": "https://example.com/u"})
            start = time.perf_counter()
            summary = send_issue(settings.model_copy(update={"email": e}), store, issue)
            elapsed = time.perf_counter() - start
            rates.append(summary.sent / elapsed)
            ledger = store.ledger(issue.as_of)
            duplicates += summary.sent - sum(1 for state in ledger.values() if state == "sent")
        server.terminate()
    print(f"{'hosted' if args.hosted else 'inline'} images; readers {args.readers}, runs {args.runs}: median {statistics.median(rates):.0f} messages/s "
          f"(min {min(rates):.0f}, max {max(rates):.0f}); ledger mismatches {duplicates}")
    print(f"email.html {len((folder / 'email.html').read_bytes()) / 1024:.1f} KB")


if __name__ == "__main__":
    main()
