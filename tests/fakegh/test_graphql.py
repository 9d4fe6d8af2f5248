"""The GraphQL endpoint's auto-merge mutations and its minimal query checks."""

from __future__ import annotations

import pytest
from gidgethub import BadGraphQLRequest, QueryError
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub
from bot.fakegh.state import Repo

pytestmark = pytest.mark.asyncio(loop_scope="session")
ENABLE = """
mutation EnableAutoMerge($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
    pullRequest { id autoMergeRequest { enabledAt mergeMethod } }
  }
}
"""


def endpoint(fake: FakeGitHub) -> str:
    # gidgethub's graphql() defaults to api.github.com, not to base_url.
    return f"{fake.url}/graphql"


async def test_enable_auto_merge(fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo) -> None:
    pull = fake_github.open_pull_request(repo, head="fix", files={"a.py": "a = 1\n"})
    rest = await gh.getitem(f"/repos/octo-org/widgets/pulls/{pull.number}")
    data = await gh.graphql(
        ENABLE, endpoint=endpoint(fake_github), pullRequestId=rest["node_id"], mergeMethod="SQUASH"
    )
    request = data["enablePullRequestAutoMerge"]["pullRequest"]["autoMergeRequest"]
    assert request["mergeMethod"] == "SQUASH"
    after = await gh.getitem(f"/repos/octo-org/widgets/pulls/{pull.number}")
    assert after["auto_merge"]["merge_method"] == "squash"
    assert fake_github.calls_to("graphql")[0].json["variables"]["mergeMethod"] == "SQUASH"


async def test_unknown_node_is_a_graphql_error(fake_github: FakeGitHub, gh: GitHubAPI) -> None:
    with pytest.raises(QueryError, match="Could not resolve"):
        await gh.graphql(
            ENABLE, endpoint=endpoint(fake_github), pullRequestId="PR_nope", mergeMethod="MERGE"
        )


async def test_unsupported_or_malformed_queries_are_violations(
    fake_github: FakeGitHub, gh: GitHubAPI
) -> None:
    fake_github.expect_violations()
    with pytest.raises(BadGraphQLRequest):
        await gh.graphql("query { viewer { login } }", endpoint=endpoint(fake_github))
    with pytest.raises(BadGraphQLRequest):
        await gh.graphql(
            ENABLE, endpoint=endpoint(fake_github), pullRequestId="PR_1"
        )  # $mergeMethod! missing
    assert len(fake_github.violations) == 2
    assert "not supported" in fake_github.violations[0].message
    assert "mergeMethod" in fake_github.violations[1].message
