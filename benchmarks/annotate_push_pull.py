"""Push and pull throughput of the annotation loop against a fresh local Argilla server.

    .venv/bin/python benchmarks/annotate_push_pull.py [--records 1000] [--repeat 3]

Prints the median seconds of: a first push of N records (new dataset each time), a re-push of the same
records (nothing to send), and a pull; and the ratio of our push to the SDK's plain `dataset.records.log`
of the same records (the named baseline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")
sys.path[0] = str(Path(__file__).resolve().parents[1])  # not benchmarks/: its argilla.py would shadow the SDK

from corpus600m.annotate import design  # noqa: E402
from corpus600m.annotate.pull import pull  # noqa: E402
from corpus600m.annotate.push import push  # noqa: E402
from corpus600m.records import Record  # noqa: E402
from corpus600m.services import argilla_server as launcher  # noqa: E402
from tests.fixtures.argilla_server import argilla_client, start_local_argilla  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import argilla as rg

    from corpus600m.settings import Settings

    records = [Record(instruction=f"Explica el refrán número {i}: «más vale tarde que nunca»", output=f"Respuesta {i}",
                      country=["MX", "AR", "ES", "CO"][i % 4], source="synthetic") for i in range(args.records)]
    server = start_local_argilla(Path(tempfile.mkdtemp(prefix="bench-argilla-")))
    try:
        client = argilla_client(server)
        timings: dict[str, list[float]] = {"push (new)": [], "re-push (no change)": [], "pull": [], "baseline log": []}
        for run in range(args.repeat):
            settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench-data-")), argilla_api_url=server.url,
                                argilla_api_key=server.api_key)
            name = f"bench-{run}"
            for label, call in (("push (new)", lambda: push(records, name, client, settings)),
                                ("re-push (no change)", lambda: push(records, name, client, settings)),
                                ("pull", lambda: pull(name, client, settings))):
                start = time.perf_counter()
                call()
                timings[label].append(time.perf_counter() - start)
            ds = rg.Dataset(name=f"baseline-{run}", workspace="somos600m-mx",
                            settings=design.build_settings(2, client), client=client).create()
            start = time.perf_counter()
            ds.records.log([design.to_argilla_record(r) for r in records])
            timings["baseline log"].append(time.perf_counter() - start)
        medians = {k: statistics.median(v) for k, v in timings.items()}
        print(f"{args.records} records, median of {args.repeat} runs (local argilla-server, SQLite, in-process search)")
        for label, seconds in medians.items():
            print(f"  {label:22s} {seconds:7.2f} s   {args.records / seconds:8.0f} records/s")
        print(f"  push / SDK log ratio   {medians['push (new)'] / medians['baseline log']:.2f}x")
    finally:
        launcher.down(server.settings)


if __name__ == "__main__":
    main()
