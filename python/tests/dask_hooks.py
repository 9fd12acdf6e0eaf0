"""Task hooks for the Dask tests (imported by the workers, so a module of its own)."""
import os


def die_once(marker, kind, shard, kind_now, index, count):
    """Kills the worker process on the first attempt of (kind, shard)."""
    if kind_now == kind and index == shard and not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write(f"{os.getpid()}\n")
        os._exit(1)
