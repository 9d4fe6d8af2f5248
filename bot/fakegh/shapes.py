"""JSON shapes shared by several routes (users, repositories), following the spec's schemas."""

from __future__ import annotations

from typing import Any

from bot.fakegh.http import Ctx
from bot.fakegh.state import Repo, User, iso

HTML = "https://github.com"
_USER_URLS = {
    "followers_url": "/followers",
    "following_url": "/following{/other_user}",
    "gists_url": "/gists{/gist_id}",
    "starred_url": "/starred{/owner}{/repo}",
    "subscriptions_url": "/subscriptions",
    "organizations_url": "/orgs",
    "repos_url": "/repos",
    "events_url": "/events{/privacy}",
    "received_events_url": "/received_events",
}
_REPO_URLS = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def node_id(kind: str, id: int) -> str:
    return f"{kind}_kw{id:08d}"


def user(ctx: Ctx, u: User) -> dict[str, Any]:
    """A ``simple-user``."""
    url = ctx.api(f"/users/{u.login}")
    return {
        "login": u.login,
        "id": u.id,
        "node_id": node_id("U", u.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{u.id}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{HTML}/{u.login}",
        **{k: url + v for k, v in _USER_URLS.items()},
        "type": u.type,
        "site_admin": False,
    }


def repository(ctx: Ctx, r: Repo, *, full: bool = True) -> dict[str, Any]:
    """A ``repository`` (``full=False``: the ``minimal-repository`` subset)."""
    url = ctx.api(f"/repos/{r.full_name}")
    data: dict[str, Any] = {
        "id": r.id,
        "node_id": node_id("R", r.id),
        "name": r.name,
        "full_name": r.full_name,
        "owner": user(ctx, r.owner),
        "private": r.private,
        "html_url": f"{HTML}/{r.full_name}",
        "description": None,
        "fork": False,
        "url": url,
        **{k: url + v for k, v in _REPO_URLS.items()},
        "default_branch": r.default_branch,
    }
    if not full:
        return data
    created = iso(min((c.date for c in r.commits.values()), default=0))
    return {
        **data,
        "clone_url": f"{HTML}/{r.full_name}.git",
        "git_url": f"git://github.com/{r.full_name}.git",
        "ssh_url": f"git@github.com:{r.full_name}.git",
        "svn_url": f"{HTML}/{r.full_name}",
        "mirror_url": None,
        "homepage": None,
        "language": None,
        "license": None,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "open_issues": 0,
        "open_issues_count": 0,
        "size": 0,
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": False,
        "has_discussions": False,
        "network_count": 0,
        "subscribers_count": 0,
        "archived": False,
        "disabled": False,
        "visibility": "private" if r.private else "public",
        "pushed_at": created,
        "created_at": created,
        "updated_at": created,
        "allow_auto_merge": True,
    }
