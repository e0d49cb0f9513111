"""Keep the cyclic garbage collector's full collections out of one document's lint."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def young_garbage_only() -> Iterator[None]:
    """Collect what a lint leaves behind while it is young, so that it never triggers a full collection.

    A lint allocates millions of objects (the tree, the dataflow's values and states), some in
    reference cycles. Left to the collector, they are promoted to the oldest generation, whose
    collections walk every object alive: the longer the module, the more objects each walks, and
    the more often one runs, so the lint of one module grew faster than its length (a 16k-line
    script spent a third of its time there). With the collector paused during the lint and
    generations 0-1 collected after, only the lint's own objects are walked, once.

    Nested uses (a language server or an IPython session around the engine) pause it only once.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect(1)
        gc.enable()
