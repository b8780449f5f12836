"""`--ray local` always starts a private cluster on this machine: it never follows
RAY_ADDRESS (or the last cluster Ray recorded) to someone else's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env=env, timeout=120, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "nodes 1 alive True" in result.stdout


TWO_THREADS = """
import os, subprocess, threading
from index.shards.cluster import Cluster

barrier, errors = threading.Barrier(2), []

def connect():
    barrier.wait()
    try:
        Cluster("local").connect()
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=connect) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
rows = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
children, names = {}, {}
for row in rows.splitlines():
    pid, ppid, args = row.split(None, 2)
    children.setdefault(int(ppid), []).append(int(pid))
    names[int(pid)] = args
mine, todo = set(), [os.getpid()]
while todo:
    for child in children.get(todo.pop(), ()):
        mine.add(child)
        todo.append(child)
print("errors", errors, "gcs", sum("gcs_server" in names[pid] for pid in mine))
import ray
ray.shutdown()
"""


def test_two_threads_connecting_at_once_share_one_ray_session(tmp_path):
    pytest.importorskip("ray")
    # The web app's reader and writer both connect; before, both called ray.init: an
    # AssertionError in one thread, two GCS servers, and a server dead ~70 s later.
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    result = subprocess.run([sys.executable, "-c", TWO_THREADS], capture_output=True,
                            text=True, env=env, timeout=120, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "errors [] gcs 1" in result.stdout, result.stdout
