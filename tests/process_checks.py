"""What is still running, read from /proc: for tests that stop process trees."""

from __future__ import annotations

from pathlib import Path


def running_with(argument: str) -> list[int]:
    """Processes (not zombies) with `argument` on their command line."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            state = (folder / "stat").read_text().rsplit(")", 1)[1].split()[0]
            argv = (folder / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if state != "Z" and argument.encode() in argv:
            found.append(int(folder.name))
    return found


def running_in_group(group: int) -> list[int]:
    """Processes (not zombies) in process group `group`: a session leader's whole tree,
    spawned workers included (they do not carry the leader's command line)."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            found.append(int(folder.name))
    return found


def assert_group_ends(group: int, what: str, seconds: float = 10.0) -> None:
    """Wait up to `seconds` (a loaded machine is slow to reap) for process group `group` to be
    gone; kill what is left, so a failing test leaves nothing running, and fail naming `what`."""
    import os
    import signal
    import time

    deadline = time.monotonic() + seconds
    while running_in_group(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = running_in_group(group)
    if left:
        os.killpg(group, signal.SIGKILL)
    assert not left, f"workers outlived {what}"
