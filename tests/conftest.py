"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest


@pytest.fixture
def one_torch_thread():
    """One torch thread: the two cores are shared with other test processes, and more threads
    would only oversubscribe them. Modules that train opt in with `usefixtures`."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
