"""Loading a model or a word list once per process, the first time a filter needs it."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def load_once(load: Callable[[], T]) -> Callable[[], T]:
    """`load()` run once per process, the first time it is called, even when several threads (Dask workers) ask at
    the same moment; its result is kept. A failure is not kept: the next call tries again."""
    lock = threading.Lock()
    loaded: list[T] = []

    @functools.wraps(load)
    def once() -> T:
        if not loaded:
            with lock:
                if not loaded:
                    loaded.append(load())
        return loaded[0]

    return once
