"""The backward lock heals what an interrupt leaves held (autograd_core/_locks.py).

An interrupt can land after the lock was acquired and before its block was entered, or on the
way into ``__exit__``: the thread keeps the lock, and other threads wait forever. Both leaks are
made here by hand, deterministically, and the next block entered by the same thread must free
the lock for the others.
"""

from __future__ import annotations

import threading

from autograd_core._locks import InterruptSafeLock


def _other_thread_gets(lock: InterruptSafeLock, seconds: float = 5.0) -> bool:
    """Whether another thread can enter and leave ``lock`` within ``seconds``."""
    done = threading.Event()

    def run() -> None:
        with lock:
            done.set()

    threading.Thread(target=run, daemon=True).start()  # daemon: a failed test leaves no stuck process
    return done.wait(timeout=seconds)


def _leak_after_acquire(lock: InterruptSafeLock) -> None:
    lock._lock.acquire()  # as if interrupted between acquire and the block: no record of it


def _leak_in_exit(lock: InterruptSafeLock) -> None:
    lock.__enter__()  # as if interrupted on the way into __exit__: the record's frame then ends


def test_a_lock_left_held_after_acquire_is_freed_by_the_next_block_of_its_thread():
    lock = InterruptSafeLock()
    _leak_after_acquire(lock)
    with lock:
        pass
    assert _other_thread_gets(lock)


def test_a_lock_whose_exit_never_ran_is_freed_by_the_next_block_of_its_thread():
    lock = InterruptSafeLock()
    _leak_in_exit(lock)
    _leak_in_exit(lock)
    with lock:
        pass
    assert _other_thread_gets(lock)


def test_nested_blocks_keep_the_lock_until_the_outermost_one_ends():
    lock = InterruptSafeLock()
    with lock:
        with lock:
            assert lock._lock._recursion_count() == 2
        assert lock._lock._is_owned()  # the inner block did not release the outer one
        assert not _other_thread_gets(lock, 0.5)
        with lock:  # a nested entry heals nothing that is still open
            assert lock._lock._recursion_count() == 2
    assert _other_thread_gets(lock)


def test_a_leak_is_not_healed_by_another_thread():
    lock = InterruptSafeLock()
    _leak_after_acquire(lock)
    assert not _other_thread_gets(lock, 0.5)  # only the owner knows the lock is not in use
    with lock:
        pass
    assert _other_thread_gets(lock)
