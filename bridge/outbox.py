"""The device's outgoing frames: one bounded queue, drained by one sender per connection.

Frames are kept encoded (``str``). The queue is bounded in count and in
memory (``sys.getsizeof`` of the texts): past either cap the oldest frame is
dropped. A dropped ``tool_result`` is not lost: the journal holds it and a
backend that asks for the call id again gets the stored answer.

Below the caps there is a lower mark, ``pause_*``: while the queue is at or
above it the connection stops reading new frames (``wait_room``), so a
backend that sends calls but does not read the answers is slowed by TCP
instead of growing the device. Reading resumes when the queue is back under
half the mark.

Owned by ``bridge.session.DeviceSession`` (which puts every answer here and
pops what the shell reports sent); ``bridge.client``'s sender task waits on
it. Runs on the client's asyncio loop (not thread-safe).
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import sys

log = logging.getLogger(__name__)

MAX_FRAMES = 10_000
MAX_BYTES = 8 * 1024 * 1024
PAUSE_FRAMES = 1_000
PAUSE_BYTES = 2 * 1024 * 1024
BURST_CHARS = 256 * 1024  # frames the sender hands to one socket write


class Outbox:
    """Encoded frames waiting to be sent, oldest first."""

    def __init__(
        self, *, max_frames: int = MAX_FRAMES, max_bytes: int = MAX_BYTES,
        pause_frames: int = PAUSE_FRAMES, pause_bytes: int = PAUSE_BYTES,
    ):
        self.max_frames, self.max_bytes = max_frames, max_bytes
        self.pause_frames, self.pause_bytes = min(pause_frames, max_frames), min(pause_bytes, max_bytes)
        self._frames: collections.deque[str] = collections.deque()
        self.bytes = 0
        self.dropped = 0
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._empty = asyncio.Event()

    def __len__(self) -> int:
        return len(self._frames)

    def put(self, text: str) -> None:
        """Queue a frame; drops the oldest while over a cap. Never blocks."""
        self._frames.append(text)
        self.bytes += sys.getsizeof(text)
        while len(self._frames) > 1 and (len(self._frames) > self.max_frames or self.bytes > self.max_bytes):
            old = self._frames.popleft()
            self.bytes -= sys.getsizeof(old)
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("bridge.outbox.full dropped=%d frames=%d bytes=%d (the journal keeps the results; "
                            "a repeated call id gets the stored answer)", self.dropped, len(self._frames), self.bytes)
        self._ready.set()
        if self.paused:
            self._room.clear()

    @property
    def paused(self) -> bool:
        """True while reading new frames should wait: the queue is at its lower mark."""
        return len(self._frames) >= self.pause_frames or self.bytes >= self.pause_bytes

    def frames(self) -> list[dict]:
        """The queued frames, decoded (for inspection and tests; not on any hot path)."""
        return [json.loads(text) for text in self._frames]

    def head(self) -> str | None:
        return self._frames[0] if self._frames else None

    def burst(self, max_chars: int = BURST_CHARS) -> list[str]:
        """The oldest frames (not removed) for one write: at least one, then while under ``max_chars``."""
        out: list[str] = []
        size = 0
        for text in self._frames:
            size += len(text)
            if out and size > max_chars:
                break
            out.append(text)
        return out

    def pop(self, text: str) -> None:
        """Remove ``text`` (the head, once sent)."""
        if self._frames and self._frames[0] is text:
            self._frames.popleft()
            self.bytes -= sys.getsizeof(text)
        if not self._frames:
            self._ready.clear()
            self._empty.set()
        if len(self._frames) <= self.pause_frames // 2 and self.bytes <= self.pause_bytes // 2:
            self._room.set()

    async def wait_ready(self) -> str:
        """The head frame, once there is one (not removed)."""
        while not self._frames:
            self._ready.clear()
            await self._ready.wait()
        return self._frames[0]

    async def wait_room(self) -> None:
        """Return once reading may go on (immediately unless ``paused``)."""
        if self.paused:
            self._room.clear()
            await self._room.wait()

    async def wait_empty(self, timeout: float) -> bool:
        """Wait (up to ``timeout``) until everything queued has been sent."""
        if self._frames:
            self._empty.clear()
            try:
                async with asyncio.timeout(timeout):
                    await self._empty.wait()
            except TimeoutError:
                pass
        return not self._frames
