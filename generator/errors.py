"""Expected failures, each printed by the CLI as one line with a hint.

Anything that is not a `CapweeklyError` is a bug and keeps its traceback.
Each kind has its own exit code, so a script (cron, CI) can tell them apart:

    0  success
    1  a bug (traceback), or `factcheck` found flags
    2  usage: an unknown option or a bad option value (click's own code)
    3  data or settings: the input is wrong or missing; fix it and run again
    4  refused by a safety rule: sample, stale or flagged data, an older issue,
       another run holding the lock, a file that would be overwritten
    5  an outside service failed: the SMTP server, the network, Yahoo Finance
"""

from __future__ import annotations


class CapweeklyError(Exception):
    """Base of every expected failure: a category, what went wrong, and what to do."""

    category = "error"
    exit_code = 3

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = f"{self.category}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class SettingsError(CapweeklyError):
    """The settings file is missing, unreadable or invalid."""

    category = "settings error"

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = [" ".join(str(p).split()) for p in problems]  # one line each, whatever the parser said
        lines = [f"{path}: {p}" for p in self.problems]
        super().__init__("; ".join(lines))

    def one_line(self) -> str:
        # Settings problems are listed all at once, one per line, so a user
        # fixes the file in one pass instead of one error per run.
        return "\n".join(f"{self.category}: {self.path}: {p}" for p in self.problems)


class DataError(CapweeklyError):
    """Price data is missing, malformed or unusable for the requested week."""

    category = "data error"


class RenderError(CapweeklyError):
    """A report could not be rendered (template or PDF problem a user can fix)."""

    category = "render error"


class OutputError(CapweeklyError):
    """The output folder cannot be written."""

    category = "output error"


class RefusedError(CapweeklyError):
    """A safety rule refused the command (nothing was done); an --allow-... flag or a wait may apply."""

    category = "refused"
    exit_code = 4


class ServiceError(CapweeklyError):
    """An outside service (SMTP server, network, data vendor) failed; retry later."""

    category = "service error"
    exit_code = 5


EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_INPUT, EXIT_REFUSED, EXIT_SERVICE = 0, 1, 2, 3, 4, 5
