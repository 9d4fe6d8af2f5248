"""Typed errors shared by the core, the edges and the CLI (mapped to exit codes there)."""


class AutopilotError(Exception):
    """Base class for errors the project raises on purpose."""


class UsageError(AutopilotError):
    """Bad flags, bad input values or a broken configuration: exit code 2."""


class InputError(UsageError):
    """Input that cannot be read or parsed (a missing file, malformed JSON): exit code 2."""
