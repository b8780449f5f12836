"""Every connection of the test cluster stays on 127.0.0.1: `ss` lists no socket of
its processes, and no new socket at all, on another address."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.index.shards.conftest import sockets

pytestmark = pytest.mark.ray

METADATA_SERVER = "169.254.169.254:80"
# A socket's own address: loopback only. `*`, 0.0.0.0 and [::] (every interface) fail.
LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|\[::ffff:127\.\d+\.\d+\.\d+\]|\[::1\]):\d+$")


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _metadata_probe(row: list[str]) -> bool:
    return row[0] == "TIME-WAIT" and row[4] == METADATA_SERVER


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_ray_connection_is_on_loopback(ray_cluster, sharded_desk):
    _, before = ray_cluster
    assert sharded_desk.search("Huawei", k=3)  # the cluster at work: actors answering
    ours = _descendants(os.getpid()) | {os.getpid()}
    known = {tuple(row[3:5]) for row in before}
    rows = sockets()
    owned = [row for row in rows if any(f"pid={pid}," in " ".join(row[5:]) for pid in ours)]
    assert len(owned) > 10  # the head, both nodes and their workers hold sockets
    # Ray's dashboard asks the link-local cloud metadata server which cloud it runs on
    # (usage_lib.get_cloud_from_metadata_requests) even with usage stats off; that
    # probe leaves a closed TIME-WAIT socket where the address answers. It is not a
    # connection between Ray's processes, so only that closed probe is let through.
    new = [row for row in rows if tuple(row[3:5]) not in known and not _metadata_probe(row)]
    outside = [
        " ".join(row)
        for row in owned + new
        if not (
            LOOPBACK.match(row[3])
            and (row[4] in ("*:*", "0.0.0.0:*", "[::]:*") or LOOPBACK.match(row[4]))
        )
    ]
    assert outside == []
