"""The recognisers the engine runs, one small module per tool family."""

from __future__ import annotations

from bot.core.triage.recognisers.annotations import AnnotationRecogniser
from bot.core.triage.recognisers.bandit import BanditRecogniser
from bot.core.triage.recognisers.base import LogState, Recogniser
from bot.core.triage.recognisers.bazel import BazelRecogniser
from bot.core.triage.recognisers.bundler import BundlerRecogniser
from bot.core.triage.recognisers.cargo import CargoRecogniser
from bot.core.triage.recognisers.cmake import CmakeRecogniser
from bot.core.triage.recognisers.coverage import CoverageRecogniser
from bot.core.triage.recognisers.crash import CrashRecogniser
from bot.core.triage.recognisers.ctest import CtestRecogniser
from bot.core.triage.recognisers.cucumber import CucumberRecogniser
from bot.core.triage.recognisers.cxxtest import CxxTestRecogniser
from bot.core.triage.recognisers.cypress import CypressRecogniser
from bot.core.triage.recognisers.distro import DistroRecogniser
from bot.core.triage.recognisers.docs import DocsRecogniser
from bot.core.triage.recognisers.doctest import DoctestRecogniser
from bot.core.triage.recognisers.dotnet import DotnetTestRecogniser
from bot.core.triage.recognisers.dotnet_crash import DotnetCrashRecogniser
from bot.core.triage.recognisers.flaky_plugin import FlakyPluginRecogniser
from bot.core.triage.recognisers.format import FormatRecogniser
from bot.core.triage.recognisers.generic import GenericRecogniser
from bot.core.triage.recognisers.ginkgo import GinkgoRecogniser
from bot.core.triage.recognisers.go import GoRecogniser
from bot.core.triage.recognisers.jest import JestRecogniser
from bot.core.triage.recognisers.jvm import JvmRecogniser
from bot.core.triage.recognisers.legacy_install import LegacyInstallRecogniser
from bot.core.triage.recognisers.lint import LintRecogniser
from bot.core.triage.recognisers.make import MakeRecogniser
from bot.core.triage.recognisers.minitest import MinitestRecogniser
from bot.core.triage.recognisers.mypy import TypeCheckRecogniser
from bot.core.triage.recognisers.network import NetworkRecogniser
from bot.core.triage.recognisers.node import NodeRecogniser
from bot.core.triage.recognisers.npm import NpmRecogniser
from bot.core.triage.recognisers.phpunit import PhpunitRecogniser
from bot.core.triage.recognisers.pip import InstallRecogniser
from bot.core.triage.recognisers.playwright import PlaywrightRecogniser
from bot.core.triage.recognisers.precommit import PreCommitRecogniser
from bot.core.triage.recognisers.pytest import PytestRecogniser
from bot.core.triage.recognisers.resolvers import ResolverRecogniser
from bot.core.triage.recognisers.rspec import RspecRecogniser
from bot.core.triage.recognisers.rubocop import RubocopRecogniser
from bot.core.triage.recognisers.ruby import RubyErrorRecogniser
from bot.core.triage.recognisers.runner import RunnerRecogniser
from bot.core.triage.recognisers.sanitizers import SanitizerRecogniser
from bot.core.triage.recognisers.stalled import StalledTestRecogniser
from bot.core.triage.recognisers.step import StepRecogniser
from bot.core.triage.recognisers.textlint import TextLintRecogniser
from bot.core.triage.recognisers.timeout import TimeoutRecogniser
from bot.core.triage.recognisers.traceback import TracebackRecogniser
from bot.core.triage.recognisers.unittest import UnittestRecogniser
from bot.core.triage.recognisers.webpack import WebpackRecogniser

#: Every recogniser, in the order each line is offered to them.
RECOGNISERS: tuple[type[Recogniser], ...] = (
    PytestRecogniser,
    TimeoutRecogniser,
    UnittestRecogniser,
    TracebackRecogniser,
    CrashRecogniser,
    DoctestRecogniser,
    LintRecogniser,
    TypeCheckRecogniser,
    FormatRecogniser,
    InstallRecogniser,
    LegacyInstallRecogniser,
    #: Before the runner: on the line of its time limit, the test that hung comes first.
    StalledTestRecogniser,
    RunnerRecogniser,
    AnnotationRecogniser,
    JestRecogniser,
    PlaywrightRecogniser,
    CargoRecogniser,
    GinkgoRecogniser,
    GoRecogniser,
    JvmRecogniser,
    BazelRecogniser,
    CtestRecogniser,
    CxxTestRecogniser,
    SanitizerRecogniser,
    CmakeRecogniser,
    PhpunitRecogniser,
    DotnetTestRecogniser,
    DotnetCrashRecogniser,
    NpmRecogniser,
    NetworkRecogniser,
    DistroRecogniser,
    ResolverRecogniser,
    BundlerRecogniser,
    NodeRecogniser,
    RspecRecogniser,
    MinitestRecogniser,
    CypressRecogniser,
    CucumberRecogniser,
    RubyErrorRecogniser,
    WebpackRecogniser,
    RubocopRecogniser,
    FlakyPluginRecogniser,
    PreCommitRecogniser,
    CoverageRecogniser,
    DocsRecogniser,
    TextLintRecogniser,
    BanditRecogniser,
    MakeRecogniser,
    StepRecogniser,
    GenericRecogniser,
)

__all__ = ["RECOGNISERS", "LogState", "Recogniser"]
