"""How long a note edit takes to reach the browser in `capweekly preview` (target: under 0.5 s).

Starts a real `capweekly preview` on a new newsletter folder (`capweekly init`, sample data),
keeps an /events stream open as the page's reload script does, then, --runs times: appends a
sentence to the week's note and measures (a) edit -> the server's "changed" event and
(b) edit -> the new page fetched and containing the sentence (what the reader of the browser
waits for). Prints each run and the medians.

    .venv/bin/python scripts/bench_preview.py --runs 5
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pause", type=float, default=0.5, help="Seconds between edits.")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "generator.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        letter = Path(tmp) / "letter"
        subprocess.run([*cli, "-q", "init", str(letter)], check=True, env=env)
        note = letter / "notes" / "2025-10-31.md"
        proc = subprocess.Popen([*cli, "preview", "--source", "sample", "--port", "0"], cwd=letter, env=env,
                                stderr=subprocess.PIPE, text=True)
        try:
            port = None
            started = time.monotonic()
            for line in proc.stderr:
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    port = int(m.group(1))
                    break
            if port is None:
                sys.exit("preview did not start")
            print(f"first build and server start: {time.monotonic() - started:.1f} s")
            events = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            events.request("GET", "/events")
            stream = events.getresponse()

            def next_version() -> int:
                while True:
                    line = stream.fp.readline().decode()
                    if line.startswith("data: "):
                        return int(line[6:])

            version = next_version()
            to_event, to_page = [], []
            for i in range(args.runs):
                time.sleep(args.pause)
                word = f"benchmark-edit-{i}-{time.time_ns()}"
                t0 = time.perf_counter()
                with note.open("a", encoding="utf-8") as f:
                    f.write(f"\nThe editor adds a sentence, {word}.\n")
                version = next_version()
                t1 = time.perf_counter()
                page = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                page.request("GET", "/")
                body = page.getresponse().read().decode()
                t2 = time.perf_counter()
                page.close()
                assert word in body, "the page does not show the edit"
                to_event.append(t1 - t0)
                to_page.append(t2 - t0)
                print(f"run {i + 1}: edit -> event {1000 * (t1 - t0):6.0f} ms, edit -> new page {1000 * (t2 - t0):6.0f} ms"
                      f" (v{version})")
            print(f"median of {args.runs}: edit -> event {1000 * statistics.median(to_event):.0f} ms, "
                  f"edit -> new page in the browser {1000 * statistics.median(to_page):.0f} ms")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
