"""The shards of a sharded generation, held in this process or by Ray actors.

Both hold one `Generation` per shard and run the same methods on it; the actors'
answers are gathered shard by shard, so a shard that stopped answering is named in a
clear error instead of leaving a silently partial answer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from index.derived.generation import Generation
from index.derived.manifest import Manifest, ShardEntry
from index.errors import ClusterError, StoreError

# What the coordinator may ask of a shard: the methods a question's path uses.
SHARD_METHODS = frozenset({"bm25_ranking", "dense_ranking_of", "sides", "centroid", "similarities"})


def load_shard(folder: Path) -> Generation:
    """One shard's generation; its query vectors come from the coordinator."""
    manifest = Manifest.read(folder)
    if manifest is None:
        raise StoreError(f"{folder}: shard without a manifest (an unfinished build)")
    return Generation.load(folder, manifest, embedder=_no_embedder)


def _no_embedder():
    raise RuntimeError("a shard is given query vectors; it never embeds")


class LocalShards:
    """Every shard loaded in this process (reading a sharded index without Ray)."""

    broken = False

    def __init__(self, folder: Path, entries: Sequence[ShardEntry]) -> None:
        self._generations = [load_shard(folder / entry.name) for entry in entries]

    def run(self, calls: dict[int, tuple[str, tuple]]) -> dict[int, object]:
        """{shard: (method, args)} → {shard: result}."""
        return {
            shard: getattr(self._generations[shard], method)(*args)
            for shard, (method, args) in calls.items()
        }

    def close(self) -> None:
        """Nothing runs elsewhere."""


class ShardServer:
    """The body of one shard actor: the shard's vectors and BM25 matrix in memory."""

    def __init__(self, folder: str) -> None:
        from index.derived.vectors import set_search_threads

        set_search_threads(1)  # one thread per question, as on one machine
        self.generation = load_shard(Path(folder))

    def call(self, method: str, *args):
        if method not in SHARD_METHODS:
            raise ValueError(f"a shard does not answer {method!r}")
        return getattr(self.generation, method)(*args)

    def rows(self) -> int:
        return self.generation.row_count

    def node_id(self) -> str:
        """The Ray node this shard is served from."""
        import ray

        return ray.get_runtime_context().get_node_id()


class RayShards:
    """One Ray actor per shard, spread over the cluster's nodes."""

    def __init__(self, cluster, folder: Path, entries: Sequence[ShardEntry]) -> None:
        ray = cluster.connect()
        self._ray = ray
        self.broken = False
        self._names = [f"{folder.name}/{entry.name}" for entry in entries]
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        actor = ray.remote(num_cpus=0, max_restarts=0)(ShardServer)
        # Round robin over the nodes alive now, pinned hard: "SPREAD" and even soft
        # affinity put zero-CPU actors together on one node (seen with Ray 2.60). A node
        # lost meanwhile makes its shard unschedulable, a ClusterError like a dead one.
        nodes = sorted(node["NodeID"] for node in ray.nodes() if node["Alive"])
        self.actors = [
            actor.options(
                scheduling_strategy=NodeAffinitySchedulingStrategy(
                    nodes[number % len(nodes)], soft=False
                )
            ).remote(str(folder / entry.name))
            for number, entry in enumerate(entries)
        ]
        loaded = self._gather({n: a.rows.remote() for n, a in enumerate(self.actors)})
        for number, entry in enumerate(entries):
            if loaded[number] != entry.rows:
                raise StoreError(
                    f"{self._names[number]}: shard holds {loaded[number]} rows, "
                    f"the manifest says {entry.rows}; rebuild the index"
                )

    def run(self, calls: dict[int, tuple[str, tuple]]) -> dict[int, object]:
        refs = {
            shard: self.actors[shard].call.remote(method, *args)
            for shard, (method, args) in calls.items()
        }
        return self._gather(refs)

    def close(self) -> None:
        """Stop every actor of this generation. A handle held anywhere else (an old
        snapshot, a traceback) would otherwise keep the survivors of a broken
        generation running beside their replacements."""
        for actor in self.actors:
            try:
                self._ray.kill(actor, no_restart=True)
            except Exception:  # noqa: BLE001 - already dead or its node gone
                continue

    def _gather(self, refs: dict) -> dict[int, object]:
        """Every shard's answer, or ClusterError naming the first that gave none."""
        ray = self._ray
        out = {}
        for shard, ref in refs.items():
            try:
                out[shard] = ray.get(ref)
            except (
                ray.exceptions.RayActorError,
                ray.exceptions.ActorUnschedulableError,
                ray.exceptions.ObjectLostError,
            ) as error:
                self.broken = True
                raise ClusterError(
                    f"shard {shard + 1} of {len(self.actors)} ({self._names[shard]}) is not "
                    f"answering ({type(error).__name__}); no partial answer was given — "
                    "ask again to restart its actor"
                ) from None
        return out
