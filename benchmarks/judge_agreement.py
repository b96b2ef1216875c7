"""Agreement of the LLM judge's good/bad call with a person's, on hand-labelled records (tests/data/judge/).

    .venv/bin/python benchmarks/judge_agreement.py [--base-url URL --model NAME] [--threshold 3]

Without --base-url it starts the embedded llama.cpp server (default GGUF). The judge's call is "good" when its
score is >= --threshold (the gate CORPUS600M_JUDGE_MIN_SCORE would use). Printed twice: the judge as the pipeline
runs it (rules settle greetings, echoes and meta-descriptions first) and the model alone on every record.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

LABELS = Path(__file__).resolve().parents[1] / "tests" / "data" / "judge" / "labelled.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--api-key-env", default="CORPUS600M_LLM_API_KEY")
    parser.add_argument("--threshold", type=int, default=3)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--modes", default="rules,model", help="rules (the pipeline's judge), model (the model alone)")
    parser.add_argument("--home", type=Path, help="work dir (distilabel's cache: a re-run resumes); default a new temp dir")
    args = parser.parse_args()

    from corpus600m.generate.judging import judge_records
    from corpus600m.records import Record, Source
    from corpus600m.services import llm_server
    from corpus600m.services.process import free_port
    from corpus600m.settings import Settings

    console = Console(width=150)
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [Record(instruction=r["instruction"], output=r["output"], country=r.get("country"),
                      variety=r.get("variety"), source=Source.SYNTHETIC) for r in rows]
    human = {rec.id: row["label"] == "good" for rec, row in zip(records, rows, strict=True)}
    home = args.home or Path(tempfile.mkdtemp(prefix="corpus600m-bench-judge-"))
    server = Settings(data_dir=home / "server", llm_port=free_port())
    started_here = args.base_url is None
    if started_here:
        with console.status("starting the embedded LLM server"):
            base_url, model = llm_server.ensure_running(server)
    else:
        base_url, model = args.base_url, args.model
    table = Table(title=f"judge vs a person on {len(rows)} records ({sum(human.values())} good), model {model}, "
                        f"good = score ≥ {args.threshold}")
    for column in ("judge", "agreement", "balanced accuracy", "good→bad", "bad→good", "unreadable", "judge tokens",
                   "seconds"):
        table.add_column(column, justify="right")
    try:
        for use_rules in [mode == "rules" for mode in args.modes.split(",")]:
            settings = Settings(data_dir=home / f"run-{use_rules}", llm_backend="openai", llm_base_url=base_url,
                                llm_model=model, llm_api_key=os.environ.get(args.api_key_env) if not started_here else None,
                                llm_chunk_items=len(records))
            judged, info = judge_records(records, settings, llm=llm_server.llm_target(settings), use_rules=use_rules)
            agree = missed = false_good = unreadable = 0
            by_origin: dict[str, list[int]] = {}
            for rec, row in zip(judged, rows, strict=True):
                if rec.judge is None:
                    unreadable += 1
                    call = True  # no verdict: the gate keeps the record (filters/judge_gate.py)
                else:
                    call = rec.judge.score >= args.threshold
                agree += call == human[rec.id]
                tally = by_origin.setdefault(row.get("origin", "?"), [0, 0])
                tally[0] += call == human[rec.id]
                tally[1] += 1
                missed += human[rec.id] and not call
                false_good += call and not human[rec.id]
            n_good = sum(human.values())
            balanced = ((n_good - missed) / max(n_good, 1) + (len(judged) - n_good - false_good) / max(len(judged) - n_good, 1)) / 2
            table.add_row("rules + model" if use_rules else "model alone", f"{agree}/{len(judged)} ({agree / len(judged):.0%})",
                          f"{balanced:.0%}", str(missed), str(false_good), str(unreadable), str(info.get("output_tokens")), str(info.get("seconds")))
            console.print(f"{'rules + model' if use_rules else 'model alone'}: agreement {agree}/{len(judged)}, balanced "
                          f"accuracy {balanced:.0%}, good→bad {missed}, bad→good {false_good}, unreadable {unreadable}; "
                          "by origin: " + "; ".join(f"{o}: {a}/{n}" for o, (a, n) in by_origin.items()))
    finally:
        if started_here:
            llm_server.stop(server)
    console.print(table)


if __name__ == "__main__":
    main()
