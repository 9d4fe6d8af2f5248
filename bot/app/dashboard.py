"""The live dashboard at ``/``: recent deliveries and their status, escaped, auto-refreshing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from bot.store.deliveries import Delivery

REFRESH_SECONDS = 5

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{refresh}">
<title>CI Autopilot</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;color:#1f2328}}
table{{border-collapse:collapse;width:100%}} th,td{{padding:.3rem .6rem;text-align:left}}
tr:nth-child(even){{background:#f6f8fa}} code{{font-size:.85em}}
.done{{color:#1a7f37}} .failed{{color:#cf222e}} .ignored{{color:#656d76}}
.queued,.processing{{color:#9a6700}}
</style></head>
<body><h1>CI Autopilot</h1>
<p>{summary}</p>
<table><thead><tr><th>received</th><th>delivery</th><th>event</th><th>repository</th>
<th>status</th><th>tries</th><th>note</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def _row(delivery: Delivery) -> str:
    received = datetime.fromtimestamp(delivery.received_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
    event = delivery.event + (f".{delivery.action}" if delivery.action else "")
    cells = (
        escape(received),
        f"<code>{escape(delivery.delivery_id)}</code>",
        escape(event),
        escape(delivery.repository or ""),
        f'<span class="{escape(delivery.status.value)}">{escape(delivery.status.value)}</span>',
        str(delivery.attempts),
        escape(delivery.note or ""),
    )
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def render_dashboard(deliveries: Sequence[Delivery], *, queue_depth: int, queue: str) -> str:
    """The whole page; every value from a payload goes through ``html.escape``."""
    summary = (
        f"{len(deliveries)} most recent deliveries &middot; queue <code>{escape(queue)}</code>"
        f" &middot; {queue_depth} waiting &middot; refreshes every {REFRESH_SECONDS} s"
    )
    rows = "\n".join(_row(d) for d in deliveries) or '<tr><td colspan="7">none yet</td></tr>'
    return _PAGE.format(refresh=REFRESH_SECONDS, summary=summary, rows=rows)
