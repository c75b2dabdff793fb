"""Peak memory of a process tree, for the benchmarks: summed RSS of a process and all its
descendants (OCR pool workers, subprocesses), sampled from Linux /proc."""

from __future__ import annotations

import os
import threading
from pathlib import Path


class TreeRss:
    """Samples the tree of ``pid`` (default: this process) every ``interval`` seconds until
    stopped; ``peak`` is in bytes. Use as a context manager, or ``start()`` then ``stop()``."""

    def __init__(self, pid: int | None = None, interval: float = 0.1):
        self.pid, self.peak = pid or os.getpid(), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    @staticmethod
    def _tree() -> dict[int, list[int]]:
        tree: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                tree.setdefault(ppid, []).append(int(entry))
        return tree

    def sample(self) -> int:
        tree, total, todo = self._tree(), 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(tree.get(pid, []))
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                pass
        return total

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.peak = max(self.peak, self.sample())

    def start(self) -> TreeRss:
        self._thread.start()
        return self

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak

    def __enter__(self) -> TreeRss:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
