"""Errors that carry a one-line, user-facing message naming what failed."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC included): printed raw they break a report's lines or
# drive the reader's terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PRINT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """`text` safe to print on one line: control characters shown as escapes, lone
    surrogates (undecodable file names) as U+FFFD."""
    return _escape(_CONTROL, text)


def printable(text: str) -> str:
    """Like `one_line`, but newlines and tabs are kept: for multi-line terminal output."""
    return _escape(_PRINT_CONTROL, text)


def _escape(pattern: re.Pattern, text: str) -> str:
    text = text.encode("utf-8", "replace").decode("utf-8")
    return pattern.sub(lambda match: repr(match.group())[1:-1], text)


class NewsdeskError(Exception):
    """Base class: `str(error)` is a complete one-line message for the user."""


class IngestError(NewsdeskError):
    """A source (file or URL) could not be read or parsed.

    The message has the form "<origin>: <reason>" so a batch report can print it as is.
    """

    def __init__(self, origin: str, reason: str) -> None:
        self.origin = origin
        self.reason = " ".join(one_line(reason).split())
        super().__init__(f"{one_line(origin)}: {self.reason}")


class StoreError(NewsdeskError):
    """The document store is missing, locked, or was written by an incompatible version."""


class NotFound(NewsdeskError, LookupError):
    """A document id or URL that the archive does not hold."""


class NoMatch(NewsdeskError, ValueError):
    """A filter names an outlet or author the archive does not hold."""


class MissingDependency(NewsdeskError):
    """A package newsdesk needs is not installed: a broken install, never bad input, so
    it stops the batch instead of being reported as a per-file parse error."""

    def __init__(self, error: ImportError) -> None:
        package = error.name or str(error)
        super().__init__(
            f"missing dependency: {package} is not installed ({one_line(str(error))}); "
            "reinstall newsdesk with `pip install -e .`"
        )


class ClusterError(NewsdeskError):
    """The Ray cluster cannot be reached, or part of it stopped answering."""
