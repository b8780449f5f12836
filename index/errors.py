"""Errors that carry a one-line, user-facing message naming what failed."""


class NewsdeskError(Exception):
    """Base class: `str(error)` is a complete one-line message for the user."""


class IngestError(NewsdeskError):
    """A source (file or URL) could not be read or parsed.

    The message has the form "<origin>: <reason>" so a batch report can print it as is.
    """

    def __init__(self, origin: str, reason: str) -> None:
        self.origin = origin
        self.reason = " ".join(reason.split())
        super().__init__(f"{origin}: {self.reason}")


class StoreError(NewsdeskError):
    """The document store is missing, locked, or was written by an incompatible version."""
