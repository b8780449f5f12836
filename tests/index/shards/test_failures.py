"""Failures on the cluster: a killed embedding worker does not stop the build (Ray
restarts it and retries its batches); a dead shard actor gives a clear error, never a
silently partial answer, and the next question is served by a fresh actor."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from index.errors import ClusterError
from index.shards.cluster import RayOptions
from search.desk import Newsdesk

pytestmark = [pytest.mark.ray, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

QUESTION = "What did China's commerce ministry say about the new US restrictions on Huawei?"


def _embedding_workers() -> list[int]:
    """Pids of the Ray Data actor processes that run EmbedWorker (their titles name
    the map step: `ray::MapWorker(MapBatches(EmbedWorker))`)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "EmbedWorker" in title and title.startswith("ray::"):
            pids.append(int(entry.name))
    return pids


def test_a_killed_embedding_worker_does_not_stop_the_build(
    ray_cluster, tmp_path, demo_dir, demo_desk
):
    address, _ = ray_cluster
    killed: list[int] = []

    def kill_one_worker(done: int, total: int) -> None:
        # After the first batch is back, while others are still to come.
        if done and done < total and not killed:
            workers = _embedding_workers()
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])

    options = RayOptions(shards=2, batch_size=4)
    with Newsdesk(tmp_path, ray=address, ray_options=options, progress=kill_one_worker) as desk:
        report = desk.add([str(demo_dir)])
        assert not report.failed
        assert killed, "no embedding worker was found to kill"
        generation = desk.index.snapshot()
        assert generation.row_count == demo_desk.index.snapshot().row_count
        assert [p.chunk_id for p in desk.search(QUESTION, k=10)] == [
            p.chunk_id for p in demo_desk.search(QUESTION, k=10)
        ]


def test_a_dead_shard_actor_is_a_clear_error(sharded_desk):
    import ray

    before = [p.chunk_id for p in sharded_desk.search(QUESTION, k=10)]
    generation = sharded_desk.index.snapshot()
    survivor = generation.shards.actors[0]
    ray.kill(generation.shards.actors[1], no_restart=True)
    with pytest.raises(ClusterError, match=r"shard 2 of 2 \(gen-.*/shard-001\) is not answering"):
        sharded_desk.search(QUESTION, k=10)
    # The next question loads the generation afresh, with a new actor for the shard.
    assert [p.chunk_id for p in sharded_desk.search(QUESTION, k=10)] == before
    assert sharded_desk.index.snapshot() is not generation
    # The broken generation's other actor is stopped, though a handle to it is held here.
    with pytest.raises(ray.exceptions.RayActorError):
        ray.get(survivor.rows.remote(), timeout=60)
