"""The zero-setup broker (no REDIS_URL): kombu's file-system transport, made safe for the
three processes of `make run` (web, worker, beat) and the threads of the web one.

kombu's own (kombu/transport/filesystem.py, 5.7) writes its files in place: an exchange table
is truncated, then written, while another process may read it ("JSONDecodeError: Extra data"
in `_queue_bind`, then every request that queued mail failed), and a message file is created
empty and filled afterwards, while a worker may already take it. Here every file appears
whole or not at all: it is written under a name no reader looks at and renamed into place
(atomic within one file system); changes to an exchange table are made under a lock of
their own; and a worker takes a message by renaming it into the processed folder, which
only one of two workers can do. All folders are under var/celery-broker/ (config.settings).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from queue import Empty
from typing import Any, cast

from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads


def _write_whole(path: Path, data: bytes) -> None:
    # A dot and no ".msg" or ".exchange" ending: no reader of the folder takes it for a file.
    partial = path.with_name(f".{uuid.uuid4().hex}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class Channel(filesystem.Channel):
    @contextlib.contextmanager
    def _table_lock(self, exchange: str) -> Iterator[None]:
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with (self.control_folder / f"{exchange}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _table_file(self, exchange: str) -> Path:
        # kombu's own, which refuses an exchange name that could leave the folder (celery-types
        # does not describe it).
        return cast(Path, self._exchange_file(exchange))  # type: ignore[attr-defined]

    def get_table(self, exchange: str) -> list[Any]:
        try:
            data = self._table_file(exchange).read_bytes()
        except FileNotFoundError:
            return []
        return [filesystem.exchange_queue_t(*entry) for entry in loads(bytes_to_str(data))]

    def _change_table(self, exchange: str, entry: Any, *, add: bool) -> None:
        with self._table_lock(exchange):
            queues = self.get_table(exchange)
            if add and entry not in queues:
                queues.insert(0, entry)
            elif not add and entry in queues:
                queues.remove(entry)
            else:
                return
            _write_whole(self._table_file(exchange), str_to_bytes(dumps(queues)))

    def _queue_bind(
        self, exchange: str, routing_key: str | None, pattern: str | None, queue: str | None
    ) -> None:
        entry = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._change_table(exchange, entry, add=True)

    def _delete(self, queue: str, exchange: str, routing_key: str, pattern: str, *args, **kwargs):
        # The virtual channel's bookkeeping, then the table (skipping kombu's in-place write).
        super(filesystem.Channel, self)._delete(
            queue, exchange, routing_key, pattern, *args, **kwargs
        )
        entry = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._change_table(exchange, entry, add=False)

    # celery-types names the second argument "message" in kombu's base and "payload" here.
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # In the order they were sent (a worker takes the names in sorted order).
        name = f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"
        _write_whole(Path(self.data_folder_out) / name, str_to_bytes(dumps(payload)))

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        wanted = f"{queue}.msg"
        inbox, taken = Path(self.data_folder_in), Path(self.processed_folder)
        taken.mkdir(parents=True, exist_ok=True)  # else every rename below would fail
        for name in sorted(os.listdir(inbox)):
            if name.partition(".")[2] != wanted:
                continue
            try:
                # Only one consumer can rename a file away: the other gets FileNotFoundError.
                os.rename(inbox / name, taken / name)
            except FileNotFoundError:
                continue
            path = taken / name
            try:
                return loads(bytes_to_str(path.read_bytes()))
            finally:
                path.unlink(missing_ok=True)
        raise Empty()


class FilesystemTransport(filesystem.Transport):
    Channel = Channel
