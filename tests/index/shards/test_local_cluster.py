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
