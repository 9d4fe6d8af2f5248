"""The repository's ``.github/autopilot.yml`` read through the contents API, at a commit."""

from __future__ import annotations

import base64

from gidgethub import BadRequest

from bot.config.repo import RepoConfig, parse_repo_config
from bot.core.config_check import CONFIG_PATH, ConfigError, ConfigProblem
from bot.github.client import GitHubClient


class RepoConfigReader:
    """Reads (and remembers, per repository and commit) a repository's configuration."""

    def __init__(self, gh: GitHubClient) -> None:
        self.gh = gh
        self._seen: dict[tuple[str, str], RepoConfig] = {}

    async def at(self, repo: str, sha: str) -> RepoConfig:
        """The config at ``sha``; defaults when absent; ``ConfigError`` when invalid."""
        key = (repo, sha)
        if key not in self._seen:
            self._seen[key] = await self._read(repo, sha)
        return self._seen[key]

    async def _read(self, repo: str, sha: str) -> RepoConfig:
        try:
            content = await self.gh.getitem(f"/repos/{repo}/contents/{CONFIG_PATH}?ref={sha}")
        except BadRequest as exc:
            if int(exc.status_code) == 404:
                return RepoConfig()
            raise
        if content.get("encoding") != "base64":  # over 1 MB the API sends no content
            size = content.get("size")
            raise ConfigError([ConfigProblem("", 1, 1, f"the file is too large ({size} bytes)")])
        return parse_repo_config(base64.b64decode(content.get("content") or ""))
