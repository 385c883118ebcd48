"""The collector pause shared by sessions' threads: off inside, back as it was after the last block."""

import gc
import threading

from workbench.services.gc_pause import gc_paused


def test_the_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_and_overlapping_blocks_turn_it_back_on_only_when_the_last_one_ends():
    inside, release = threading.Event(), threading.Event()

    def other_session() -> None:
        with gc_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other_session)
    with gc_paused():
        thread.start()
        inside.wait(10)
    assert not gc.isenabled()  # the other session's block is still running
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_inside_still_turns_it_back_on():
    try:
        with gc_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
