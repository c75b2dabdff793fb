"""The robots' published rate limits, kept by waiting: a message over the limit is queued, never
dropped (企业微信 and 钉钉: 20 messages a minute per robot; 飞书: 100 a minute and 5 a second).

The clock and the sleep are injected so a test can run an hour of sending in no time.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# kind -> [(messages, per seconds)]; a kind not named here is not limited (email, webhook)
LIMITS: dict[str, list[tuple[int, float]]] = {
    "wecom": [(20, 60.0)],
    "dingtalk": [(20, 60.0)],
    "feishu": [(100, 60.0), (5, 1.0)],
}


@dataclass
class RateLimiter:
    """Sliding windows: before each send, wait until every window has room."""

    windows: list[tuple[int, float]]
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _sent: deque[float] = field(default_factory=deque)

    @classmethod
    def for_kind(cls, kind: str, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> RateLimiter:
        return cls(LIMITS.get(kind, []), clock, sleep)

    def acquire(self) -> float:
        """Wait (if need be) until one more message may go, and count it; the seconds waited."""
        waited = 0.0
        longest = max((period for _, period in self.windows), default=0.0)
        while True:
            now = self.clock()
            while self._sent and self._sent[0] <= now - longest:
                self._sent.popleft()
            delay = max((self._wait(count, period, now) for count, period in self.windows), default=0.0)
            if delay <= 0:
                self._sent.append(now)
                return waited
            self.sleep(delay)
            waited += delay

    def _wait(self, count: int, period: float, now: float) -> float:
        """Seconds until a window of ``count`` per ``period`` has room."""
        recent = [t for t in self._sent if t > now - period]
        if len(recent) < count:
            return 0.0
        return recent[-count] + period - now
