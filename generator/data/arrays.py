"""A folder of numpy arrays keyed by a hash: a cache of results computed from the data.

Used for what is costly to compute from the whole history and the same until the data or the rules change
(the track record's weekly calls, generator/metrics/track.py). A file is written beside its final name and
renamed, so a reader never sees half a file; the newest `keep` files stay. It is only a cache: a file that
cannot be read is a miss, and a folder that cannot be written costs the next run the computation.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class ArrayCache:
    def __init__(self, folder: Path, prefix: str, keep: int = 8):
        self.folder, self.prefix, self.keep = Path(folder), prefix, keep

    def path(self, key: str) -> Path:
        return self.folder / f"{self.prefix}-{key}.npz"

    def read(self, key: str) -> dict[str, np.ndarray] | None:
        """The arrays stored under `key`, or None when missing or unreadable (a bad zip, a short file)."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                return {name: z[name] for name in z.files}
        except Exception:  # noqa: BLE001 - any unreadable cache file is only a cache miss
            return None

    def write(self, key: str, arrays: dict[str, np.ndarray]) -> None:
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(partial, **arrays)  # type: ignore[arg-type]  # numpy's stub reads **arrays as allow_pickle
            os.replace(partial, path)
            old = sorted(self.folder.glob(f"{self.prefix}-*.npz"), key=lambda p: p.stat().st_mtime,
                         reverse=True)[self.keep:]
            for stale in old:
                stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only cache folder only costs the next run the computation
