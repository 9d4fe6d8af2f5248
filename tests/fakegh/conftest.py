"""Helpers for the fake GitHub's own tests: a gidgethub client and a seeded repository."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub
from bot.fakegh.state import Repo

TOKEN = "ghp_statictesttoken"


@pytest.fixture
def repo(fake_github: FakeGitHub) -> Repo:
    """``octo-org/widgets`` with a Python file, and a static token that may use it."""
    fake_github.add_token(TOKEN)
    return fake_github.seed_repo("octo-org", "widgets", files={"app.py": "print('hi')\n"})


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
def gh(fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo) -> GitHubAPI:
    """A real gidgethub client talking to the fake with the static token."""
    return GitHubAPI(session, "fakegh-tests", oauth_token=TOKEN, base_url=fake_github.url)
