"""Load benchmark of the web app's `ask` endpoint (run on demand, never as a test).

    python benchmarks/bench_load.py [--clients 8] [--seconds 60] [--url URL]

Without --url it starts the app on a free loopback port over a fresh index of the
bundled corpus. Each client is a gradio_client.Client asking questions in a loop for
the given time; the script reports requests, errors, and latency p50/p95/max.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

QUESTIONS = [
    "What did China's commerce ministry say about the new US restrictions on Huawei?",
    "Which two Canadians did China detain after Meng Wanzhou's arrest?",
    "How large was Huawei's emergency order with TSMC?",
    "Why did China's share of ASML sales fall?",
    "What did Nvidia say about H200 revenue in China?",
    "Who was nominated to lead the IMF?",
    "How did Chinese refiners react to the attack on Saudi oil facilities?",
    "What is the production capacity of SMIC's 14-nanometre plant?",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _client_loop(url: str, seconds: float, number: int, latencies: list, errors: list) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    deadline = time.monotonic() + seconds
    turn = number
    while time.monotonic() < deadline:
        question = QUESTIONS[turn % len(QUESTIONS)]
        turn += 1
        started = time.perf_counter()
        try:
            result = client.predict(question, 5, "hybrid", "", "", [], [], api_name="/ask")
            if not isinstance(result, dict) or "found" not in result:
                raise ValueError(f"unexpected result {str(result)[:80]}")
            latencies.append(time.perf_counter() - started)
        except Exception as error:  # counted and reported, the load goes on
            errors.append(f"{type(error).__name__}: {error}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    url, app = args.url, None
    if url is None:
        from ui.app import serve

        port = _free_port()
        app, service = serve(Path(tempfile.mkdtemp()) / "index", "127.0.0.1", port, block=False)
        while not service.status.ready:
            time.sleep(0.5)
        url = f"http://127.0.0.1:{port}/"
    latencies: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_client_loop, args=(url, args.seconds, n, latencies, errors))
        for n in range(args.clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    print(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "clients": args.clients,
                "seconds": round(elapsed, 1),
                "requests": len(latencies),
                "errors": len(errors),
                "error_samples": errors[:3],
                "throughput_per_s": round(len(latencies) / elapsed, 2),
                "p50_ms": round(1000 * statistics.median(ordered), 1) if ordered else None,
                "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1)
                if ordered
                else None,
                "max_ms": round(1000 * ordered[-1], 1) if ordered else None,
            },
            indent=2,
        )
    )
    if app is not None:
        app.close()


if __name__ == "__main__":
    main()
