"""The zero-setup broker (config.broker) with several processes at once, as `make run` has:
every process binds its own queue to one exchange and publishes while the others do, and
every message is delivered once, from whole files."""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

from kombu import Connection, Exchange, Queue

from config.broker import FilesystemTransport

PROCESSES = 6
MESSAGES = 5
ROUNDS = 10


def _options(root: Path) -> dict[str, str | bool]:
    return {
        "data_folder_in": str(root),
        "data_folder_out": str(root),
        "processed_folder": str(root / "processed"),
        "control_folder": str(root / "control"),
        "store_processed": False,
    }


def _connection(root: Path) -> Connection:
    return Connection(
        "filesystem://", transport=FilesystemTransport, transport_options=_options(root)
    )


def _queue(number: int, exchange: str) -> Queue:
    # Names of different lengths: a table written over another one in place would show.
    name = f"{exchange}-q" + "x" * number
    return Queue(name, Exchange(exchange, type="direct"), routing_key=name)


def _bind_and_publish(root: Path, number: int, exchange: str, start: Any) -> None:
    queue = _queue(number, exchange)
    with _connection(root) as connection:
        producer = connection.Producer()
        start.wait()
        for index in range(MESSAGES):
            producer.publish(
                {"from": number, "index": index},
                exchange=queue.exchange,
                routing_key=queue.routing_key,
                declare=[queue],
            )


def _one_round(root: Path, exchange: str) -> tuple[list[Any], Counter[tuple[int, int]]]:
    # An exchange of the round's own: kombu remembers in each process (and so in the forked
    # ones) which bindings it has made already, and would not make them again.
    (root / "processed").mkdir(parents=True)
    context = multiprocessing.get_context("fork")
    start = context.Event()
    processes = [
        context.Process(target=_bind_and_publish, args=(root, number, exchange, start))
        for number in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    start.set()  # all bind at once, to an exchange table that does not exist yet
    for process in processes:
        process.join(timeout=60)
    assert [process.exitcode for process in processes] == [0] * PROCESSES
    table = json.loads((root / "control" / f"{exchange}.exchange").read_text())
    received: Counter[tuple[int, int]] = Counter()
    with _connection(root) as connection:
        for number in range(PROCESSES):
            queue = connection.SimpleQueue(_queue(number, exchange).name)
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                received[(message.payload["from"], message.payload["index"])] += 1
                message.ack()
            queue.close()
    return table, received


def test_processes_binding_and_publishing_at_once_lose_and_double_nothing(tmp_path):
    for round_ in range(ROUNDS):
        exchange = f"kinship{round_}"
        table, received = _one_round(tmp_path / str(round_), exchange)
        # Every process's binding is in the table (none written over by another) ...
        assert sorted(entry[2] for entry in table) == sorted(
            _queue(n, exchange).name for n in range(PROCESSES)
        )
        # ... so every message was routed, and each is delivered once.
        assert len(received) == PROCESSES * MESSAGES
        assert set(received.values()) == {1}
        assert not list((tmp_path / str(round_)).glob(".*.partial"))


def test_two_consumers_never_take_the_same_message(tmp_path):
    takers = 2
    (tmp_path / "processed").mkdir()
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("jobs")
        for index in range(200):
            queue.put({"index": index})
        queue.close()

    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def take() -> None:
        taken = []
        with _connection(tmp_path) as connection:
            queue = connection.SimpleQueue("jobs")
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                taken.append(message.payload["index"])
                message.ack()
        results.put(taken)

    workers = [context.Process(target=take) for _ in range(takers)]
    for process in workers:
        process.start()
    taken = [index for _ in workers for index in results.get(timeout=60)]
    for process in workers:
        process.join(timeout=60)
    assert sorted(taken) == list(range(200))
