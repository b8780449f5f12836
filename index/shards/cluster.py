"""The Ray cluster newsdesk builds and serves on: connecting, and what runs where.

`address` is a running cluster's address (`ray start --head` prints it) or `local`,
which starts Ray on this machine bound to 127.0.0.1. Every worker imports newsdesk, so
each node needs it installed, and the index folder must be on storage every node can
read and write (a shared file system), as Ray's own file-based datasets need."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.errors import ClusterError, MissingDependency

if TYPE_CHECKING:
    from index.archive.prepared import Prepared
    from index.derived.embedding import Embedder, Progress
    from index.derived.manifest import Manifest
    from index.documents import Chunk
    from index.ingest.pipeline import SourceResult
    from index.text.chunking import ChunkingConfig

LOCAL = "local"
LOOPBACK_ONLY = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
# One Ray session per process: the web app's reader and writer threads both connect,
# and two racing ray.init calls left two sessions and a server that died ~70 s later.
_CONNECTING = threading.Lock()
_STARTED_HERE: list[bool] = []  # set once this process started a private cluster
_LOCAL_STOPPED = threading.Event()  # lets the thread that started it end


@dataclass(frozen=True)
class RayOptions:
    """`shards` of the index (default: one per node); `workers` embedding actors
    (default: one per `cpus_per_worker` CPUs of the cluster), each given
    `cpus_per_worker` torch threads; `batch_size` chunks per embedding call."""

    shards: int | None = None
    workers: int | None = None
    cpus_per_worker: int = 1
    batch_size: int = 64


def _loopback_only(ray) -> None:
    """The same switch for a Ray imported before `connect` (it read the variable then)."""
    from ray._private import ray_constants

    ray_constants.ENABLE_RAY_CLUSTER = False


def stop_local_cluster() -> bool:
    """Stop the private cluster this process started (`local`), its GCS, raylet,
    agents and workers with it; True when there was one. A cluster given by address
    belongs to someone else and is left running."""
    with _CONNECTING:
        if not _STARTED_HERE:
            return False
        import ray

        ray.shutdown()
        _STARTED_HERE.clear()
        _LOCAL_STOPPED.set()
        return True


class Cluster:
    def __init__(self, address: str, options: RayOptions | None = None) -> None:
        self.address = address
        self.options = options or RayOptions()

    def connect(self):
        """The `ray` module, connected to the cluster (once per process)."""
        if self.address == LOCAL:
            # Ray takes 127.0.0.1 as "this machine" and swaps in its network address,
            # binding every server to all interfaces, unless it treats the machine as
            # a one-node cluster (read when Ray is first imported; its workers inherit it).
            os.environ[LOOPBACK_ONLY] = "0"
        # Ray's C++ core installs a handler that turns SIGTERM into an abort with a
        # stack dump, so `serve` could not stop the cluster it started.
        os.environ.setdefault("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")
        try:
            import ray
        except ImportError as error:
            raise MissingDependency(error) from error
        if self.address == LOCAL:
            _loopback_only(ray)
        with _CONNECTING:
            if not ray.is_initialized():
                if self.address == LOCAL:
                    self._start_local(ray)
                else:
                    self._init(ray)
        return ray

    def _start_local(self, ray) -> None:
        """Start the private cluster from a thread that lives until it is stopped. Ray
        starts its GCS, raylet and agents with PR_SET_PDEATHSIG, which Linux fires when
        the starting *thread* ends: started from the web app's start-up thread, the
        whole cluster died seconds later and the server a minute after that."""
        started, failure = threading.Event(), []

        def run() -> None:
            try:
                self._init(ray)
            except BaseException as error:  # noqa: BLE001 - raised in the caller
                failure.append(error)
            started.set()
            if not failure:
                _LOCAL_STOPPED.wait()

        _LOCAL_STOPPED.clear()
        threading.Thread(target=run, name="newsdesk-ray-local", daemon=True).start()
        started.wait()
        if failure:
            raise failure[0]
        _STARTED_HERE.append(True)

    def _init(self, ray) -> None:
        # A newsroom's archive stays in the newsroom: no usage reports to Ray's servers.
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        try:
            if self.address == LOCAL:
                # "local" is always a new private cluster: ray.init() without it follows
                # RAY_ADDRESS or the last cluster recorded under Ray's temp folder, which
                # may be someone else's.
                ray.init(
                    address=LOCAL,
                    _node_ip_address="127.0.0.1",
                    include_dashboard=False,
                    logging_level="WARNING",
                    log_to_driver=False,
                )
            else:
                ray.init(address=self.address, logging_level="WARNING", log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise ClusterError(
                f"cannot reach the Ray cluster at {self.address!r}: {error}"
            ) from None

    def shard_count(self, rows: int) -> int:
        """Shards for `rows` chunks: as asked, else one per alive node; never more
        shards than rows, never fewer than one."""
        ray = self.connect()
        wanted = self.options.shards or sum(1 for node in ray.nodes() if node["Alive"])
        return max(1, min(wanted, rows))

    def worker_count(self) -> int:
        ray = self.connect()
        if self.options.workers:
            return self.options.workers
        cpus = int(ray.cluster_resources().get("CPU", 1))
        return max(1, cpus // self.options.cpus_per_worker)

    def read(
        self, targets: Sequence[str], model: str, chunking: ChunkingConfig
    ) -> tuple[list[SourceResult], list[Prepared]]:
        from index.shards.reading import read_on_ray

        return read_on_ray(self, targets, model, chunking)

    def embed(
        self, cache_path: Path, embedder: Embedder, texts: Sequence[str], progress: Progress
    ) -> None:
        from index.shards.embedding import embed_on_ray

        embed_on_ray(self, cache_path, embedder, texts, progress)

    def write(
        self,
        folder: Path,
        manifest: Manifest,
        chunks: Sequence[Chunk],
        texts: Sequence[str],
        vectors: np.ndarray,
        titles: Mapping[str, str],
    ) -> Manifest:
        from index.shards.writer import write_shards

        return write_shards(self, folder, manifest, chunks, texts, vectors, titles)
