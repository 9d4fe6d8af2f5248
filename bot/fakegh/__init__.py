"""A local GitHub for tests and sandbox mode, checking every request against GitHub's spec."""

from bot.fakegh.demo import Demo, seed_demo
from bot.fakegh.fake import FakeGitHub
from bot.fakegh.faults import Fault
from bot.fakegh.server import Call, Violation
from bot.fakegh.spec import Spec, SpecNotFoundError, load_spec

__all__ = [
    "Call",
    "Demo",
    "FakeGitHub",
    "Fault",
    "Spec",
    "SpecNotFoundError",
    "Violation",
    "load_spec",
    "seed_demo",
]
