"""Runs one bench module in its own process: `python -m bench._child MODULE CONTEXT_JSON OUT_JSON`."""

import json
import os
import sys
from importlib import import_module

import django


def main(module_name: str, context_path: str, out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    from bench import Context, Figure
    from bench._adapters import SETS_UP_ITS_OWN_DATABASE

    if module_name not in SETS_UP_ITS_OWN_DATABASE:
        django.setup()
    with open(context_path) as handle:
        ctx = Context(**json.load(handle))
    module = import_module(f"bench.{module_name}")
    if hasattr(module, "run"):
        figures = module.run(ctx)
    else:
        from bench._adapters import ADAPTERS

        if module_name not in ADAPTERS:
            raise SystemExit(f"bench.{module_name} has neither run(ctx) nor an adapter in bench/_adapters.py")
        figures = ADAPTERS[module_name](module, ctx)
    rows = [f.as_json() if isinstance(f, Figure) else dict(f) for f in figures]
    with open(out_path, "w") as handle:
        json.dump(rows, handle, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:4])
