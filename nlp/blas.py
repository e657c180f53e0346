"""One BLAS thread while triage runs.

The matrices of triage are small (the slovnet NER convolutions over one sentence, the classifier's rows), and
OpenBLAS splitting them over both cores of a busy machine made a single NER call take 25–80 ms instead of
1–2 ms: its threads wait for a core that the other processes hold. ``single_threaded()`` limits BLAS to one
thread for the duration (via threadpoolctl, which scikit-learn brings; without it nothing changes) and puts
the previous limit back when the last concurrent user leaves, so the rest of the process is unaffected.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_users = 0
_controller: Any = None
_limiter: Any = None
_unavailable = False


def _get_controller() -> Any:
    global _controller, _unavailable
    if _controller is None and not _unavailable:
        try:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
        except Exception:  # noqa: BLE001 - no threadpoolctl, or a BLAS it cannot drive: leave BLAS as it is
            _unavailable = True
    return _controller


@contextmanager
def single_threaded() -> Iterator[None]:
    """BLAS runs on one thread inside the block (re-entrant and safe across threads)."""
    global _users, _limiter
    with _lock:
        controller = _get_controller()
        if _users == 0 and controller is not None:
            try:
                _limiter = controller.limit(limits=1, user_api="blas")
            except Exception:  # noqa: BLE001
                _limiter = None
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _limiter is not None:
                _limiter.restore_original_limits()
                _limiter = None
