"""Who may run which command: permission levels, bots, and the per-user rate limit; pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.commands import Access, CommandSpec


class Permission(StrEnum):
    """A person's permission on a repository, as the collaborator permission API says it."""

    NONE = "none"
    READ = "read"
    TRIAGE = "triage"
    WRITE = "write"
    MAINTAIN = "maintain"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Permission).index(self)

    @classmethod
    def from_api(cls, permission: object, role_name: object = None) -> Permission:
        """The finer ``role_name`` when GitHub gives one we know, else the legacy field.

        Anything unknown (a custom role, a missing field) counts as ``none``: unknown never
        grants write.
        """
        for value in (role_name, permission):
            if isinstance(value, str) and value.lower() in set(cls):
                return cls(value.lower())
        return cls.NONE


#: The permission each access level needs.
NEEDED = {Access.ANYONE: Permission.NONE, Access.WRITE: Permission.WRITE}


def may_run(spec: CommandSpec, permission: Permission) -> bool:
    return permission.rank >= NEEDED[spec.access].rank


def is_bot(login: str | None, user_type: str | None, *, own_logins: Sequence[str] = ()) -> bool:
    """Bots (and the bot itself) never run commands; an unknown author counts as a bot."""
    if not login:
        return True
    lowered = login.lower()
    return (
        user_type == "Bot"
        or lowered.endswith("[bot]")
        or lowered in {own.lower() for own in own_logins}
    )


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` commands per user in any ``window`` seconds."""

    limit: int = 10
    window: float = 600.0

    def allows(self, recent: Sequence[float], now: float) -> bool:
        """Whether one more command is allowed, given the times of the user's recent ones."""
        return sum(1 for at in recent if now - at < self.window) < self.limit
