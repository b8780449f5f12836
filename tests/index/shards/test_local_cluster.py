"""`--ray local` always starts a private cluster on this machine: it never follows
RAY_ADDRESS (or the last cluster Ray recorded) to someone else's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

import pytest

from index.shards.cluster import Cluster

pytestmark = pytest.mark.ray

SCRIPT = """
from index.shards.cluster import Cluster
ray = Cluster("local").connect()
print("nodes", len(ray.nodes()), "alive", all(n["Alive"] for n in ray.nodes()))
ray.shutdown()
"""


def test_local_ignores_a_cluster_address_in_the_environment(tmp_path):
    pytest.importorskip("ray")
    # A cluster address nobody answers at: before, ray.init() followed it and waited
    # for its GCS (830 s in one run); a live one there would have received the archive.
    env = {**os.environ, "RAY_ADDRESS": "127.0.0.1:1", "RAY_USAGE_STATS_ENABLED": "0"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "nodes 1 alive True" in result.stdout


class _SlowRay:
    """Stands in for the `ray` module: its init takes a while, as a real start does,
    and counts the sessions started."""

    def __init__(self) -> None:
        self.sessions = 0

    def is_initialized(self) -> bool:
        return self.sessions > 0

    def init(self, **options) -> None:
        time.sleep(0.3)
        if self.sessions:
            raise AssertionError("Perhaps you called ray.init twice by accident?")
        self.sessions += 1


def test_two_threads_connecting_at_once_share_one_ray_session(monkeypatch):
    # The web app's reader and writer both connect; before, both called ray.init: an
    # AssertionError in one thread and two GCS servers in one process. (A fake `ray`
    # keeps the race deterministic; the tests above start real clusters.)
    fake = _SlowRay()
    monkeypatch.setitem(sys.modules, "ray", fake)
    barrier, errors = threading.Barrier(2), []

    def connect() -> None:
        barrier.wait()
        try:
            assert Cluster("127.0.0.1:6379").connect() is fake
        except Exception as error:  # collected for the assertion below
            errors.append(repr(error))

    threads = [threading.Thread(target=connect) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and fake.sessions == 1


LISTENERS = """
import os, subprocess
from index.shards.cluster import Cluster

ray = Cluster("local").connect()

@ray.remote
class Echo:
    def ping(self):
        return 1

assert ray.get(Echo.remote().ping.remote()) == 1
rows = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
children = {}
for row in rows.splitlines():
    pid, ppid = map(int, row.split())
    children.setdefault(ppid, []).append(pid)
mine, todo = {os.getpid()}, [os.getpid()]
while todo:
    for child in children.get(todo.pop(), ()):
        mine.add(child)
        todo.append(child)
listening = subprocess.run(["ss", "-tlnpH"], capture_output=True, text=True).stdout
for line in listening.splitlines():
    if any(f"pid={pid}," in line for pid in mine):
        print("LISTEN", line.split()[3])
ray.shutdown()
"""
LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|\[::ffff:127\.\d+\.\d+\.\d+\]|\[::1\]):\d+$")


def test_local_listens_on_loopback_only(tmp_path):
    pytest.importorskip("ray")
    # Before, 15 of `--ray local`'s 16 listeners were on *:port and one on the
    # machine's network address: anyone on the network could reach them.
    env = {k: v for k, v in os.environ.items() if k != "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"}
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", LISTENERS],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    addresses = [
        line.split()[1] for line in result.stdout.splitlines() if line.startswith("LISTEN")
    ]
    assert len(addresses) >= 5  # the GCS, the raylet, the driver, workers, the agent
    assert [a for a in addresses if not LOOPBACK.match(a)] == []
