"""Measure sign-up answers: is a known address answered as fast as a new one? (issue 25)

    .venv/bin/python scripts/bench_signup.py [--requests 300]

Runs the app behind werkzeug's threaded server on loopback with a real SMTP
server (aiosmtpd) for the confirmation emails, then POSTs /subscribe
alternately for a new address and for an already-confirmed one, and prints
the median and 90th percentile of each, and whether every body was the same.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from secrets import token_urlsafe
from urllib.parse import urlencode
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.publish.subscribers import SubscriberStore  # noqa: E402
from generator.settings import load_settings  # noqa: E402
from generator.web import create_app  # noqa: E402
from tests.smtp_server import SmtpServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind")
    args = parser.parse_args()
    from werkzeug.serving import WSGIRequestHandler, make_server

    secret = token_urlsafe(32)
    tmp = Path(tempfile.mkdtemp())
    with SmtpServer() as smtp:
        settings = load_settings(ROOT / "tests" / "fixtures" / "settings.yaml")
        settings = settings.model_copy(update={
            "email": settings.email.model_copy(update={"database": str(tmp / "subs.sqlite"), "smtp_host": "127.0.0.1",
                                                       "smtp_port": smtp.port, "security": "none"}),
            "web": settings.web.model_copy(update={"signups_per_hour": 10000, "public_url": "http://127.0.0.1/"})})
        with SubscriberStore(tmp / "subs.sqlite") as store:
            for i in range(args.requests):
                store.add(f"known{i}@example.com")
        try:  # since issue 25 the email is queued and sent by a worker thread, as `serve` runs it
            from generator.publish.confirmations import ConfirmationWorker

            worker = ConfirmationWorker(settings, secret, interval=0.5).start()
            app = create_app(settings, secret=secret, on_queued=worker.wake)
        except ImportError:
            worker, app = None, create_app(settings, secret=secret)
        class Quiet(WSGIRequestHandler):
            def log_request(self, *args) -> None:
                pass

        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/subscribe"
        times: dict[str, list[float]] = {"new": [], "known": []}
        bodies = set()
        for i in range(args.requests):
            for kind in ("new", "known"):
                data = urlencode({"email": f"{kind}{i}@example.com"}).encode()
                start = time.perf_counter()
                with urlopen(url, data=data, timeout=60) as response:
                    bodies.add(response.read())
                times[kind].append(time.perf_counter() - start)
        server.shutdown()
        if worker is not None:
            worker.stop()
    for kind, values in times.items():
        values.sort()
        print(f"{kind:5} address: median {statistics.median(values) * 1000:.2f} ms, "
              f"p90 {values[int(len(values) * 0.9)] * 1000:.2f} ms, mean {statistics.mean(values) * 1000:.2f} ms "
              f"({len(values)} requests)")
    print(f"distinct answer bodies: {len(bodies)}")


if __name__ == "__main__":
    main()
