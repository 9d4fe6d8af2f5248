"""``python -m bot.fakegh``: serve the fake GitHub with a seeded demo on a local port."""

from __future__ import annotations

import argparse
import logging
import secrets

from aiohttp import web

from bot.fakegh.fake import FakeGitHub
from bot.fakegh.spec import load_spec

log = logging.getLogger("bot.fakegh")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.fakegh", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", help="static token to accept (default: a random one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    spec = load_spec(required=False)
    if spec is None:
        log.warning("@octokit/openapi is not installed: requests are NOT validated")
    else:
        log.info("validating requests against GitHub's REST description %s", spec.version)
    fake = FakeGitHub(spec)
    demo = fake.seed_demo()
    token = args.token or "ghp_" + secrets.token_hex(18)
    fake.add_token(token)
    fake.url = f"http://{args.host}:{args.port}"
    print(f"GITHUB_API_URL={fake.url}")
    print(f"GITHUB_TOKEN={token}")
    print(
        f"demo: {demo.repo.full_name} PR #{demo.pull.number}, "
        f"failed run {demo.run.id}, failed job {demo.job.id}"
    )
    web.run_app(fake.app, host=args.host, port=args.port, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
