"""`newsdesk serve --ray local` as a user runs it: still answering well past the 70
seconds after which it used to die, and leaving no Ray process behind when stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.ray

ARTICLES = {
    "quay.txt": "Harbour quay reopens\n\nThe old harbour quay in Porto reopened on Friday "
    "after repairs that took a year, the port authority said.",
    "budget.txt": "Council passes budget\n\nThe city council passed its budget for next "
    "year on Tuesday, raising spending on schools and buses.",
}
RUN_S = 80  # the server died about 70 s after start (issue 30)


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_with_a_local_cluster_keeps_answering_and_stops_its_ray(tmp_path):
    pytest.importorskip("ray")
    from gradio_client import Client

    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text)
    index = tmp_path / "index"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.cli",
            "index",
            "--index",
            str(index),
            "--ray",
            "local",
            "--shards",
            "2",
            *(str(tmp_path / n) for n in ARTICLES),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui.cli",
            "serve",
            "--index",
            str(index),
            "--ray",
            "local",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        # No request before the wait: the start-up thread, not a request's worker
        # thread, is then the one that starts the cluster (the case that died).
        time.sleep(RUN_S)
        assert server.poll() is None, server.stderr.read()[-2000:]
        started_by_it = _descendants(server.pid)
        running = {_name(p) for p in started_by_it if _alive(p)}
        # Before, the cluster died with the start-up thread that started it, seconds in,
        # and the server about 60 s later ("Failed to connect to GCS within 60 seconds").
        assert {"gcs_server", "raylet"} <= running, running
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        question = "When did the Porto harbour quay reopen?"
        answer = client.predict(question, 3, "hybrid", "", "", [], [], api_name="/ask")
        assert answer["found"] and "Friday" in answer["answer"][0]["text"]
        started_by_it = _descendants(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in started_by_it) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = [p for p in started_by_it if _alive(p)]
        assert left == [], [Path(f"/proc/{p}/cmdline").read_bytes()[:80] for p in left]
        assert "stopped the local Ray cluster" in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
