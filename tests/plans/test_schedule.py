"""The zero-touch schedule with an injected clock: branches, backlog, weekly report, plans,
and the App's tick that runs once per interval across processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.alerts import Alerter
from bot.app.metrics import Metrics
from bot.app.scheduler import LocalScheduler, schedule_payload
from bot.app.worker import Processor
from bot.concerns import compose_router
from bot.concerns.ports import Ports
from bot.config.alerts import load_alert_settings
from bot.config.settings import Settings
from bot.core.events import Event
from bot.core.history import FailureRow, RunKey
from bot.core.plan.state import PhaseState
from bot.core.scoring import Route, ScoreResult
from bot.store.review_queue import ReviewQueue
from tests.plans.conftest import INSTALLATION, PLAN, PlanWorld

pytestmark = pytest.mark.asyncio(loop_scope="session")
DAY = 86400.0


def schedule_event(w: PlanWorld, name: str = "tick") -> Event:
    return Event.from_payload(
        "schedule", f"{name}-{w.clock()}", schedule_payload(w.name, INSTALLATION)
    )


async def tick(w: PlanWorld, ports: Ports | None = None) -> None:
    from bot.app.dispatch import dispatch

    result = await dispatch(compose_router(), schedule_event(w), ports or w.ports())
    assert not result.failures, result.failures


async def test_prunes_only_the_bots_merged_or_stale_branches(plan_world: PlanWorld) -> None:
    w = plan_world
    w.fake.push(w.repo, "autopilot/fix-old", {"a.py": "1\n"})
    w.fake.push(w.repo, "autopilot/fix-merged", {"b.py": "1\n"})
    merged = w.fake.open_pull_request(w.repo, head="autopilot/fix-merged")
    merged.merged_at = w.clock()
    w.fake.state.issues[(w.name, merged.number)].state = "closed"
    w.fake.push(w.repo, "autopilot/fix-open", {"c.py": "1\n"})
    w.fake.open_pull_request(w.repo, head="autopilot/fix-open")
    w.fake.push(w.repo, "feature/old", {"d.py": "1\n"})
    w.clock.advance(8 * DAY)
    w.fake.push(w.repo, "autopilot/fix-new", {"e.py": "1\n"})
    await tick(w)
    heads = sorted(r for r in w.repo.refs if r.startswith("refs/heads/"))
    assert heads == [
        "refs/heads/autopilot/fix-new",
        "refs/heads/autopilot/fix-open",
        "refs/heads/feature/old",
        "refs/heads/main",
    ]
    assert not w.fake.unexpected_violations()


async def test_weekly_report_once_a_week(plan_world: PlanWorld) -> None:
    w = plan_world
    history = w.stores.history
    failing = [
        FailureRow(
            fingerprint="fp-assert",
            category="assertion",
            file="tests/test_api.py",
            line=12,
            test="tests/test_api.py::test_get",
        )
    ]
    start = w.clock()
    runs = [("a1", "failure"), ("a1", "success"), ("b2", "failure"), ("b2", "failure"),
            ("c3", "success")]  # fmt: skip
    for n, (sha, conclusion) in enumerate(runs):
        key = RunKey(repository=w.name, workflow="CI", run_id=100 + n, attempt=1, head_sha=sha)
        await history.record(
            key, conclusion, failing if conclusion == "failure" else [], now=start + n * 3600
        )
    for sha, route, state in (("a1", "auto_merge", "merged"), ("b2", "manual_review", "queued")):
        w.store.db.execute(
            """INSERT INTO fix_attempts (repo, branch, failed_sha, run_id, workflow, run_url,
                   state, fix_ids, files, patch, route, created_at, updated_at)
               VALUES (?, 'main', ?, 1, 'CI', '', ?, '[]', '[]', '', ?, ?, ?)""",
            (w.name, sha, state, route, start, start),
        )
    w.clock.advance(5 * 3600)
    await tick(w)
    [issue] = [i for i in w.fake.state.issues.values() if i.title == "CI Autopilot: weekly trends"]
    [comment] = [c for c in w.fake.state.comments.values() if c.issue_number == issue.number]
    assert comment.body == (
        "<!-- autopilot:trends:2027-W02 -->\n"
        "## CI trends for `octo-org/release`, week 2027-W02\n\n"
        "5 triaged runs, 3 failed.\n\n"
        "### Top failures\n\n"
        "| failure | category | runs |\n|---|---|---|\n"
        "| `tests/test_api.py::test_get` | assertion | 3 |\n\n"
        "### Flaky tests\n\n- `tests/test_api.py::test_get`\n\n"
        "### Numbers\n\n"
        "- Time from failure to green: 1.5 h (median of 2)\n"
        "- Auto-merge rate: 50% of routed fixes merged by themselves\n"
        "- Review queue: 0 pending\n"
    )
    w.clock.advance(DAY)
    await tick(w)  # the same week: nothing new
    assert len([c for c in w.fake.state.comments.values() if c.issue_number == issue.number]) == 1
    w.clock.advance(7 * DAY)
    await tick(w)
    # A quiet week posts nothing; news later in the week is posted then.
    assert len([c for c in w.fake.state.comments.values() if c.issue_number == issue.number]) == 1
    key = RunKey(repository=w.name, workflow="CI", run_id=200, attempt=1, head_sha="d4")
    await history.record(key, "success", [], now=w.clock())
    w.clock.advance(3600)
    await tick(w)
    bodies = [c.body for c in w.fake.state.comments.values() if c.issue_number == issue.number]
    assert len(bodies) == 2 and bodies[1].startswith("<!-- autopilot:trends:2027-W03 -->")
    assert "1 triaged runs, 0 failed." in bodies[1]
    assert "No failures recorded this week." in bodies[1]


async def test_backlog_alerts_are_throttled(plan_world: PlanWorld, tmp_path: Path) -> None:
    w = plan_world
    log_path = tmp_path / "alerts.jsonl"
    settings = load_alert_settings(
        {"AUTOPILOT_ALERT_LOG": str(log_path), "AUTOPILOT_ALERT_THROTTLE": "21600"}
    )
    ports = Ports(gh=w.gh, stores=w.stores, clock=w.clock,
                  alerts=Alerter(settings, w.stores.alerts, clock=w.clock))  # fmt: skip
    queue = ReviewQueue(w.store.db)
    from datetime import UTC, datetime

    score = ScoreResult(score=0.5, route=Route.MANUAL_REVIEW, signals={}, reasons=())
    for _ in range(11):
        queue.enqueue(score, diff="", now=datetime.fromtimestamp(w.clock(), UTC), repo=w.name)
    await tick(w, ports)
    w.clock.advance(3600)
    await tick(w, ports)  # throttled
    w.clock.advance(6 * 3600)
    await tick(w, ports)
    logged = [json.loads(line) for line in log_path.read_text().splitlines()]
    backlog = [x for x in logged if x["key"] == f"backlog:{w.name}"]
    assert [x["text"] for x in backlog] == [
        "11 fixes wait for review (more than 10). See `autopilot queue list`."
    ] * 2  # the first tick, then the one after the six-hour window


async def test_the_schedule_moves_plans_on(plan_world: PlanWorld) -> None:
    w = plan_world
    run = await w.runner().start(PLAN)
    w.finish_runs()
    w.clock.advance(60)
    await tick(w)
    run = await w.stores.plans.load(run.id)
    assert run.record("build").state is PhaseState.SUCCEEDED
    assert run.record("test").state is PhaseState.RUNNING


async def test_one_tick_per_interval_across_processes(plan_world: PlanWorld) -> None:
    w = plan_world
    await w.runner().start(PLAN, installation_id=INSTALLATION)  # a repository to visit
    settings = Settings(schedule_interval=300.0)

    def processor() -> Processor:
        return Processor(stores=w.stores, router=compose_router(), gh=w.gh, settings=settings,
                         metrics=Metrics())  # fmt: skip

    enqueued: list[str] = []

    async def enqueue(delivery_id: str) -> None:
        enqueued.append(delivery_id)

    first = LocalScheduler(processor(), enqueue, clock=w.clock)
    second = LocalScheduler(processor(), enqueue, clock=w.clock)
    slot = int(w.clock() // 300)
    assert await first.tick() == [f"schedule-{slot}-{w.name}"]
    assert await second.tick() == []  # the other process holds this interval
    w.clock.advance(100)
    assert await first.tick() == []  # same slot: the delivery exists already
    w.clock.advance(200)
    assert await first.tick() == [f"schedule-{slot + 1}-{w.name}"]  # the next interval
    assert await second.tick() == []
    w.clock.advance(400)  # the holder died: its lease lapses and another process ticks
    assert await second.tick() == [f"schedule-{slot + 2}-{w.name}"]
    assert enqueued == [f"schedule-{n}-{w.name}" for n in (slot, slot + 1, slot + 2)]
    delivery = await w.store.delivery(enqueued[0])
    assert delivery is not None and delivery.event == "schedule"


async def test_the_repository_config_sets_the_prefix_and_ttl(plan_world: PlanWorld) -> None:
    w = plan_world
    w.fake.push(w.repo, "bot/old", {"a.py": "1\n"})
    w.fake.push(w.repo, "autopilot/old", {"b.py": "1\n"})
    w.clock.advance(2 * DAY)
    config = "schedule:\n  branch_prefix: bot/\n  branch_ttl_days: 1\n  weekly_report: false\n"
    w.fake.push(w.repo, "main", {".github/autopilot.yml": config})
    await tick(w)
    heads = sorted(r for r in w.repo.refs if r.startswith("refs/heads/"))
    assert heads == ["refs/heads/autopilot/old", "refs/heads/main"]


async def test_a_schedule_rule_starts_a_run_when_none_is_running(plan_world: PlanWorld) -> None:
    w = plan_world
    fast = PLAN.replace("    approval: manual\n", "")  # no phase waits for a person
    rule = "  - on: schedule\n    when: {weekday: Fri}\n    do: start\n"
    w.fake.push(w.repo, "main", {".github/autopilot/plan.yml": fast + rule})
    await tick(w)  # 2027-01-15 08:00 UTC is a Friday
    [run] = await w.stores.plans.runs(repository=w.name)
    assert run.installation_id == INSTALLATION and run.started_by is None
    for _ in range(3):  # the run goes on with the ticks, and ends
        w.finish_runs()
        w.clock.advance(60)
        await tick(w)
    assert (await w.stores.plans.load(run.id)).state.value == "succeeded"
    w.clock.advance(60)
    await tick(w)  # the same hour: one run per hour at most
    assert len(await w.stores.plans.runs(repository=w.name)) == 1
    w.clock.advance(3600)
    await tick(w)
    assert len(await w.stores.plans.runs(repository=w.name)) == 2
    w.clock.advance(86400)  # Saturday: the rule does not match
    for _ in range(4):
        w.finish_runs()
        w.clock.advance(60)
        await tick(w)
    w.clock.advance(3600)
    await tick(w)
    assert len(await w.stores.plans.runs(repository=w.name)) == 2
    dry = (fast + rule).replace("mode: auto", "mode: dry-run").replace("{weekday: Fri}", "{}")
    w.fake.push(w.repo, "main", {".github/autopilot/plan.yml": dry})
    w.clock.advance(3600)
    await tick(w)
    assert len(await w.stores.plans.runs(repository=w.name)) == 2  # a dry run starts nothing


@pytest.mark.redis
async def test_the_arq_cron_job_ticks_once_per_interval(
    plan_world: PlanWorld, redis_url: str
) -> None:
    """At scale the tick is arq's cron job: it stores the deliveries and queues them on Redis."""
    from arq.connections import RedisSettings, create_pool

    from bot.taskqueue import arq_queue

    w = plan_world
    await w.runner().start(PLAN, installation_id=INSTALLATION)
    processor = Processor(
        stores=w.stores,
        router=compose_router(),
        gh=w.gh,
        settings=Settings(schedule_interval=300.0),
        metrics=Metrics(),
    )
    redis = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        ctx = {"processor": processor, "redis": redis}
        assert await arq_queue.schedule(ctx) == 1
        other = Processor(
            stores=w.stores,
            router=compose_router(),
            gh=w.gh,
            settings=Settings(schedule_interval=300.0),
            metrics=Metrics(),
        )
        assert (
            await arq_queue.schedule({**ctx, "processor": other}) == 0
        )  # the fleet's other worker
        assert await arq_queue.schedule({**ctx, "processor": object()}) == 0  # no tick to run
        jobs = await redis.queued_jobs(queue_name=arq_queue.QUEUE_NAME)
        assert [(j.function, j.args) for j in jobs] == [
            ("process_deliveries", ([f"schedule-{int(w.clock() // 300)}-{w.name}"],))
        ]
        worker = arq_queue.build_worker(redis_url, processor=processor, handle_signals=False)
        assert arq_queue.schedule in [job.coroutine for job in worker.cron_jobs]
    finally:
        await redis.aclose()
