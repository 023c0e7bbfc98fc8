"""The one place that writes an issue folder, all or nothing.

An issue is assembled in a hidden staging folder beside its final place and
moved in only when every file is written, so a failed build leaves no partial
folder and the previous issue of the same date stays intact until then. A
staging folder left by a killed process (its name carries the process id) is
removed the next time the same issue is built.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from generator.errors import OutputError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_abandoned(parent: Path, name: str) -> None:
    """Staging folders of `name` whose process is gone (killed mid-build)."""
    for leftover in parent.glob(f".{name}.staging-*"):
        pid = leftover.name.rsplit(".staging-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staged_folder(parent: Path, name: str) -> Iterator[Path]:
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(parent, name)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.staging-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise OutputError(f"{parent}: cannot create the output folder ({exc.strerror})",
                          "pass --out to a writable folder") from None
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; an issue folder is meant to be read and served
        yield staging
    except OSError as exc:  # a full disk, a file size limit, a permission: the issue is not written
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{parent / name}: cannot write the issue ({exc.strerror or exc}); the previous "
                          "issue, if any, is unchanged", "free disk space or fix the folder, then build again") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        swap_in(staging, parent / name)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{parent / name}: cannot move the new issue in ({exc.strerror})",
                          "check the folder's permissions") from None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import ctypes.util

    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this filesystem or kernel cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(staging: Path, final: Path) -> None:
    """Put a complete staging folder in `final`'s place. Where the system can, the two are exchanged in one
    atomic step, so a process killed at any moment leaves either the old folder or the new one in place,
    never neither; elsewhere the old folder is renamed aside first (a window of two renames)."""
    if final.exists() and _exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old folder
        return
    retired = final.with_name(f".{final.name}.previous-{os.getpid()}")
    if final.exists():
        final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)


def issue_folders(reports: Path) -> list[Path]:
    """The issue folders under a reports folder, oldest first: only folders named YYYY-MM-DD (a stray
    folder, a backup copy or a staging leftover is never taken for an issue)."""
    import re
    from datetime import date

    reports = Path(reports)
    if not reports.is_dir():
        return []
    found = []
    for p in reports.iterdir():
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name) and p.is_dir():
            try:
                date.fromisoformat(p.name)
            except ValueError:
                continue
            found.append(p)
    return sorted(found)


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
