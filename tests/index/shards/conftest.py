"""A real two-node Ray cluster on this machine, every connection on 127.0.0.1.

Ray binds its head, nodes and driver to the machine's network address by default
(here one outside 127.0.0.0/8): the nodes are started with node_ip_address 127.0.0.1,
and RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 makes Ray resolve "this machine" to the
loopback address too (the driver turns a 127.0.0.1 cluster address into the network
address otherwise). test_loopback.py checks the sockets with `ss`."""

from __future__ import annotations

import os
import subprocess

import pytest

from index.shards.cluster import RayOptions

ENVIRONMENT = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
# Ray reads these when it is first imported, so they are set before any test imports it.
os.environ.update(ENVIRONMENT)


def sockets() -> list[list[str]]:
    """`ss -tnpa` rows (TCP sockets of every state, with their processes), split."""
    output = subprocess.run(["ss", "-tnpa"], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in output.splitlines()[1:] if line.strip()]


@pytest.fixture(scope="session")
def ray_cluster():
    """(cluster address, sockets open before the cluster started)."""
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    # As newsdesk's own Ray start does: usage reporting probes cloud metadata servers.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    before = sockets()
    head = {"num_cpus": 1, "node_ip_address": "127.0.0.1", "include_dashboard": False}
    cluster = Cluster(initialize_head=True, head_node_args=head)
    cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    ray.init(address=cluster.address, logging_level="WARNING", log_to_driver=False)
    yield cluster.address, before
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture(scope="session")
def sharded_desk(ray_cluster, tmp_path_factory, demo_dir):
    """The bundled corpus read, embedded and written as two shards on the cluster, and
    served by its shard actors."""
    from search.desk import Newsdesk

    address, _ = ray_cluster
    desk = Newsdesk(
        tmp_path_factory.mktemp("sharded"), ray=address, ray_options=RayOptions(shards=2)
    )
    desk.add([str(demo_dir)])
    yield desk
    desk.close()
