"""python3 -m safegate: versions and the engine self-test (is the module usable here?).

Corpus work runs through the ``safegate`` binary or ``python3 -m safegate.dask``.
"""
import sys

import safegate


def main() -> int:
    print(f"safegate {safegate.version()} (Python module {safegate.__file__})")
    print(f"engine   {safegate.engine_version()}")
    try:
        safegate.self_test()
    except safegate.Error as e:
        print(f"self-test FAILED: {e}", file=sys.stderr)
        return 3
    print("self-test ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
