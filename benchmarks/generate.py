"""Output tokens/s of the generation pipeline (distilabel) vs the same server called directly with the same prompts.

    .venv/bin/python benchmarks/generate.py [--items 8] [--repeats 3] [--max-new-tokens 128]
                                            [--base-url URL --model NAME]

Without --base-url it starts the embedded llama.cpp server (default GGUF) on a free port and stops it at the end.
Both sides send the same chat messages with the same sampling settings (temperature, seed, max tokens) and the
same concurrency (CORPUS600M_LLM_PARALLEL requests in flight): the direct baseline writes each instruction,
cleans it exactly as the pipeline does, then asks for its answer. Each repeat uses a fresh data dir, so
distilabel's cache never answers for the model. Prints per-repeat figures, medians and
overhead ratio = direct tokens/s ÷ pipeline tokens/s (target ≤ 1.10).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

console = Console()


async def _direct(items, base_url: str, model: str, kwargs: dict, parallel: int) -> tuple[int, float]:
    from openai import AsyncOpenAI

    from corpus600m.generate.pipeline import _input_rows
    from corpus600m.generate.prompts import load_template
    from corpus600m.generate.steps import clean_instruction

    client = AsyncOpenAI(base_url=base_url, api_key="not-needed", timeout=600)
    answer = load_template("answer")
    gate = asyncio.Semaphore(parallel)
    tokens = 0

    async def chat(messages) -> str:
        nonlocal tokens
        async with gate:
            response = await client.chat.completions.create(
                model=model, messages=messages, max_tokens=kwargs["max_new_tokens"],
                temperature=kwargs["temperature"], extra_body=kwargs["extra_body"],
            )
        tokens += response.usage.completion_tokens
        return response.choices[0].message.content or ""

    async def one(row) -> None:
        instruction = clean_instruction(await chat(row["instruction_messages"]))
        if instruction:
            await chat([{"role": "system", "content": row["answer_system"]},
                        {"role": "user", "content": answer.render_user(instruction=instruction)}])

    started = time.monotonic()
    await asyncio.gather(*(one(row) for row in _input_rows(items)))
    return tokens, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=8, help="instructions (+ answers) per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--countries", default="MX,AR,ES,CO")
    parser.add_argument("--base-url", help="an OpenAI-compatible endpoint instead of the embedded server")
    parser.add_argument("--model", help="model name at --base-url")
    args = parser.parse_args()

    from corpus600m.generate.backends import LLMTarget
    from corpus600m.generate.pipeline import generate_items, generation_kwargs, plan_request
    from corpus600m.services import llm_server
    from corpus600m.services.process import free_port
    from corpus600m.settings import Settings
    from corpus600m.store import Store

    countries = args.countries.split(",")
    per_country = -(-args.items // len(countries))
    items = plan_request(countries, per_country)[: args.items]
    home = Path(tempfile.mkdtemp(prefix="corpus600m-bench-generate-"))
    server_settings = Settings(data_dir=home / "server", llm_port=free_port())
    started_here = args.base_url is None
    if started_here:
        with console.status("starting the embedded LLM server"):
            base_url, model = llm_server.ensure_running(server_settings)
    else:
        base_url, model = args.base_url, args.model
    rows = []
    try:
        target = LLMTarget("openai", base_url, model)
        for repeat in range(args.repeats):
            settings = Settings(data_dir=home / f"run{repeat}", llm_backend="openai", llm_base_url=base_url,
                                llm_model=model, llm_chunk_items=max(args.items, 1))
            kwargs = generation_kwargs(target, settings, args.max_new_tokens)
            d_tokens, d_seconds = asyncio.run(_direct(items, base_url, model, kwargs, settings.llm_parallel))
            started = time.monotonic()
            report = generate_items(items, settings=settings, store=Store(settings.data_dir),
                                    max_new_tokens=args.max_new_tokens)
            p_seconds = time.monotonic() - started
            p_tokens = report.details["output_tokens"]
            rows.append({"direct_tps": d_tokens / d_seconds, "pipeline_tps": p_tokens / p_seconds,
                         "direct_tokens": d_tokens, "pipeline_tokens": p_tokens,
                         "direct_s": d_seconds, "pipeline_s": p_seconds, "records": report.n_kept})
            console.print(f"repeat {repeat + 1}/{args.repeats}: direct {d_tokens} tok in {d_seconds:.1f} s, "
                          f"pipeline {p_tokens} tok in {p_seconds:.1f} s ({report.n_kept} records)")
    finally:
        if started_here:
            llm_server.stop(server_settings)

    table = Table(title=f"generation throughput: {args.items} items × (instruction + answer), "
                        f"max_new_tokens {args.max_new_tokens}, model {model}")
    for column in ("repeat", "direct tok/s", "pipeline tok/s", "direct tokens", "pipeline tokens", "direct s", "pipeline s"):
        table.add_column(column, justify="right")
    for i, row in enumerate(rows, 1):
        table.add_row(str(i), f"{row['direct_tps']:.2f}", f"{row['pipeline_tps']:.2f}", str(row["direct_tokens"]),
                      str(row["pipeline_tokens"]), f"{row['direct_s']:.1f}", f"{row['pipeline_s']:.1f}")
    direct = statistics.median(r["direct_tps"] for r in rows)
    pipeline = statistics.median(r["pipeline_tps"] for r in rows)
    table.add_row("median", f"{direct:.2f}", f"{pipeline:.2f}", "", "", "", "")
    console.print(table)
    ratio = direct / pipeline if pipeline else float("inf")
    verdict = "meets" if ratio <= 1.10 else "misses"
    console.print(f"median output tokens/s: direct {direct:.2f}, pipeline {pipeline:.2f}; "
                  f"overhead ratio direct/pipeline = {ratio:.3f} ({verdict} the ≤ 1.10 target)")


if __name__ == "__main__":
    main()
