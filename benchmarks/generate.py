"""Output tokens/s of the generation pipeline (distilabel) vs the same server called directly with the same requests.

    .venv/bin/python benchmarks/generate.py [--items 32] [--repeats 3] [--max-new-tokens 128]
                                            [--base-url URL --model NAME]

Without --base-url it starts the embedded llama.cpp server (default GGUF) on a free port and stops it at the end.

How the two sides are made comparable:
- Both send through a recording pass-through proxy started here in front of the server. It keeps every request
  body byte for byte and counts output tokens the same way for both sides: the server's own
  `usage.completion_tokens` of each response (not distilabel's statistics, which only cover rows that reach the
  final dataset).
- A warm-up pipeline run (not timed) records the exact requests distilabel sends: the instruction request of
  every item and the answer request built from its cleaned instruction. The direct side replays those recorded
  bodies unchanged, as an ideal client would: per item, the instruction request then its answer request, with
  the same number of requests in flight as the server has slots (CORPUS600M_LLM_PARALLEL).
- Each timed pipeline run uses a fresh data dir (distilabel's cache never answers for the model) and the same
  seed, so it sends the same requests again; the script checks and prints how many of its requests are
  byte-identical to the replayed ones. The order of the two sides alternates between repeats.
Prints per-repeat figures, medians and overhead ratio = direct tokens/s ÷ pipeline tokens/s (target ≤ 1.10).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

console = Console(width=170)  # the table has ten columns: do not squeeze it into 80 when piped


@dataclass
class Call:
    label: str
    path: str
    body: bytes
    response: dict
    completion_tokens: int
    started: float  # time.perf_counter() when the request reached the proxy
    ended: float  # ... and when the server's answer came back


class RecordingProxy:
    """A pass-through HTTP proxy that records every request body and the output tokens of every response."""

    def __init__(self, upstream: str, api_key: str | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self._auth = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.calls: list[Call] = []
        self.label = "warmup"
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=1200)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _forward(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path[len("/v1"):] if self.path.startswith("/v1") else self.path
                started = time.perf_counter()
                headers = {"Content-Type": "application/json", **proxy._auth}  # the key is added here, for both sides
                upstream = proxy._client.request(method, proxy.upstream + path, content=body, headers=headers)
                ended = time.perf_counter()
                if method == "POST":
                    try:
                        payload = upstream.json()
                    except ValueError:
                        payload = {}
                    tokens = int(((payload or {}).get("usage") or {}).get("completion_tokens") or 0)
                    with proxy._lock:
                        proxy.calls.append(Call(proxy.label, path, body, payload, tokens, started, ended))
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers.get("content-type", "application/json"))
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            def do_GET(self) -> None:  # noqa: N802
                self._forward("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._forward("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def of(self, label: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.label == label]

    def close(self) -> None:
        self._server.shutdown()
        self._client.close()


def saturation(calls: list[Call], slots: int) -> float:
    """Share of the time between the first request and the last answer with at least `slots` requests in
    flight, i.e. with every server slot busy (the proxy sees when each request is sent and answered)."""
    if not calls:
        return 0.0
    events = sorted([(c.started, 1) for c in calls] + [(c.ended, -1) for c in calls])
    busy, in_flight, last = 0.0, 0, events[0][0]
    for when, step in events:
        if in_flight >= slots:
            busy += when - last
        in_flight += step
        last = when
    span = events[-1][0] - events[0][0]
    return busy / span if span > 0 else 0.0


def replay_plan(calls: list[Call], rows: list[dict]) -> list[list[bytes]]:
    """Per item, the recorded request bodies in the order the pipeline needs them: [instruction, answer]."""
    from corpus600m.generate.steps import answer_messages, clean_instruction

    by_messages = {json.dumps(json.loads(c.body)["messages"], sort_keys=True, ensure_ascii=False): c for c in calls}
    plan = []
    for row in rows:
        first = by_messages.get(json.dumps(row["instruction_messages"], sort_keys=True, ensure_ascii=False))
        if first is None:
            raise SystemExit(f"the warm-up run sent no instruction request for item {row['item_key']}")
        bodies = [first.body]
        text = (first.response.get("choices") or [{}])[0].get("message", {}).get("content")
        instruction = clean_instruction(text)
        if instruction:
            messages = answer_messages(row["answer_system"], instruction)
            second = by_messages.get(json.dumps(messages, sort_keys=True, ensure_ascii=False))
            if second is None:
                raise SystemExit(f"the warm-up run sent no answer request for item {row['item_key']}")
            bodies.append(second.body)
        plan.append(bodies)
    return plan


async def replay(plan: list[list[bytes]], base_url: str, parallel: int) -> float:
    """Send the recorded bodies as an ideal client would (each item's requests in order, `parallel` in flight)."""
    gate = asyncio.Semaphore(parallel)
    async with httpx.AsyncClient(timeout=1200) as client:
        async def item(bodies: list[bytes]) -> None:
            for body in bodies:
                async with gate:
                    response = await client.post(f"{base_url}/chat/completions", content=body,
                                                 headers={"Content-Type": "application/json"})
                    response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(item(bodies) for bodies in plan))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=32, help="instructions (+ answers) per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--countries", default="MX,AR,ES,CO")
    parser.add_argument("--base-url", help="an OpenAI-compatible endpoint instead of the embedded server")
    parser.add_argument("--model", help="model name at --base-url")
    parser.add_argument("--api-key-env", default="CORPUS600M_LLM_API_KEY",
                        help="environment variable holding the key for --base-url, if it needs one")
    parser.add_argument("--quality", action="store_true",
                        help="yield with the judge and the variety check instead of throughput (see quality())")
    parser.add_argument("--alone-items", type=int, default=16,
                        help="with --quality: items of the generation-alone run the judge's cost is compared with")
    parser.add_argument("--chunk-items", type=int,
                        help="with --quality: items per distilabel run (default CORPUS600M_LLM_CHUNK_ITEMS, as in real runs)")
    parser.add_argument("--ratio-only", action="store_true",
                        help="with --quality: only the judge's throughput ratio (no yield run)")
    parser.add_argument("--home", type=Path, help="with --quality: work dir (a re-run resumes from distilabel's cache)")
    parser.add_argument("--analyze-only", action="store_true",
                        help="with --quality --home: no generation, figures from what the work dir's store holds")
    args = parser.parse_args()
    if args.quality:
        quality(args)
        return

    from corpus600m.generate.pipeline import _input_rows, generate_items, plan_request
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
    proxy = RecordingProxy(base_url, None if started_here else os.environ.get(args.api_key_env))

    def pipeline_run(name: str) -> tuple[float, float, int]:
        # instruction + answer only, one attempt: the requests the direct side replays (the judge is measured by
        # --quality)
        settings = Settings(data_dir=home / name, llm_backend="openai", llm_base_url=proxy.base_url,
                            llm_model=model, llm_chunk_items=max(args.items, 1), judge_enabled=False,
                            generate_instruction_attempts=1)
        started = time.perf_counter()
        report = generate_items(items, llm=llm_server.llm_target(settings), settings=settings,
                                store=Store(settings.data_dir), max_new_tokens=args.max_new_tokens)
        return started, time.perf_counter(), report.n_kept

    rows = []
    try:
        with console.status("warm-up pipeline run: recording the requests distilabel sends"):
            proxy.label = "warmup"
            warm_start, warm_end, warm_kept = pipeline_run("warmup")
            warm_s = warm_end - warm_start
        warm = proxy.of("warmup")
        plan = replay_plan(warm, _input_rows(items))
        replayed = {body for bodies in plan for body in bodies}
        parallel = Settings().llm_parallel
        console.print(f"warm-up: {len(warm)} requests, {sum(c.completion_tokens for c in warm)} output tokens in "
                      f"{warm_s:.1f} s ({warm_kept} records); direct side replays {len(replayed)} of them, "
                      f"{parallel} in flight")
        for repeat in range(args.repeats):
            figures = {}
            sides = ("direct", "pipeline") if repeat % 2 == 0 else ("pipeline", "direct")
            for side in sides:
                label = proxy.label = f"{side}{repeat}"
                if side == "direct":
                    seconds = asyncio.run(replay(plan, proxy.base_url, parallel))
                else:
                    p_start, p_end, _ = pipeline_run(f"run{repeat}")
                    seconds = p_end - p_start
                calls = proxy.of(label)
                figures[side] = (sum(c.completion_tokens for c in calls), seconds, calls)
            p_calls = figures["pipeline"][2]
            # the pipeline's fixed costs: before its first request reaches the server, after its last answer
            before = min(c.started for c in p_calls) - p_start
            after = p_end - max(c.ended for c in p_calls)
            (d_tok, d_s, _), (p_tok, p_s, p_calls) = figures["direct"], figures["pipeline"]
            same = sum(1 for c in p_calls if c.body in replayed)
            busy = {side: saturation(figures[side][2], parallel) for side in figures}
            rows.append({"direct_tps": d_tok / d_s, "pipeline_tps": p_tok / p_s, "direct_tokens": d_tok,
                         "pipeline_tokens": p_tok, "direct_s": d_s, "pipeline_s": p_s,
                         "identical": f"{same}/{len(p_calls)}", "first": sides[0], "before": before,
                         "after": after, "busy": busy})
            console.print(f"repeat {repeat + 1}/{args.repeats} ({sides[0]} first): direct {d_tok} tok in {d_s:.1f} s, "
                          f"pipeline {p_tok} tok in {p_s:.1f} s (first request after {before:.1f} s, done {after:.1f} s after the "
                          f"last answer); all {parallel} slots busy: direct {busy['direct']:.0%}, pipeline {busy['pipeline']:.0%}; "
                          f"pipeline requests identical to the replayed ones: "
                          f"{same}/{len(p_calls)}")
    finally:
        proxy.close()
        if started_here:
            llm_server.stop(server_settings)

    table = Table(title=f"generation throughput: {args.items} items × (instruction + answer), "
                        f"max_new_tokens {args.max_new_tokens}, model {model}")
    for column in ("repeat", "first", "direct tok/s", "pipeline tok/s", "ratio", "direct tokens", "pipeline tokens",
                   "direct s", "pipeline s", "pipeline start / end s", "slots busy d / p", "identical requests"):
        table.add_column(column, justify="right")
    for i, row in enumerate(rows, 1):
        table.add_row(str(i), row["first"], f"{row['direct_tps']:.2f}", f"{row['pipeline_tps']:.2f}",
                      f"{row['direct_tps'] / row['pipeline_tps']:.3f}", str(row["direct_tokens"]),
                      str(row["pipeline_tokens"]), f"{row['direct_s']:.1f}", f"{row['pipeline_s']:.1f}",
                      f"{row['before']:.1f} / {row['after']:.1f}",
                      f"{row['busy']['direct']:.0%} / {row['busy']['pipeline']:.0%}", row["identical"])
    direct = statistics.median(r["direct_tps"] for r in rows)
    pipeline = statistics.median(r["pipeline_tps"] for r in rows)
    table.add_row("median", "", f"{direct:.2f}", f"{pipeline:.2f}",
                  f"{statistics.median(r['direct_tps'] / r['pipeline_tps'] for r in rows):.3f}", "", "", "", "", "", "", "")
    console.print(table)
    ratio = direct / pipeline if pipeline else float("inf")
    verdict = "meets" if ratio <= 1.10 else "misses"
    console.print(f"median output tokens/s: direct {direct:.2f}, pipeline {pipeline:.2f}; "
                  f"overhead ratio direct/pipeline = {ratio:.3f} ({verdict} the ≤ 1.10 target)")


def quality(args: argparse.Namespace) -> None:
    """Yield of the generate -> filter pipeline with the judge and the variety check on (issue 13's targets).

    1. generate `--items` items (spread over `--countries` and their varieties) with the judge, timed;
    2. filter them (variety check on) with the judge gate at 0 (off), 2 and 3: kept share of generated records and
       of planned items, rejections by reason;
    3. variety fidelity: of records claiming a voseo variety, the share using voseo or no second person at all;
    4. generation alone (no judge) on the first `--alone-items` items, timed: the judge's throughput cost as
       (instruction + answer tokens/s with the judge) / (the same without it). Both runs use `--chunk-items` items
       per distilabel run (default: CORPUS600M_LLM_CHUNK_ITEMS, what `corpus600m generate` uses), so the judge
       overlaps the next batch's generation as it does in real runs; `--ratio-only` skips steps 1-3.
    """
    from collections import Counter

    from corpus600m.filters.variety import fits_variety
    from corpus600m.generate.pipeline import generate_items, plan_request
    from corpus600m.services import llm_server
    from corpus600m.services.process import free_port
    from corpus600m.settings import Settings
    from corpus600m.store import Store
    from corpus600m.store import Table as StoreTable

    countries = args.countries.split(",")
    per_country = -(-args.items // len(countries))
    items = plan_request(countries, per_country)[: args.items]
    varieties = Counter(i.variety for i in items)
    home = args.home or Path(tempfile.mkdtemp(prefix="corpus600m-bench-quality-"))
    server_settings = Settings(data_dir=home / "server", llm_port=free_port())
    started_here = args.base_url is None and not args.analyze_only
    if started_here:
        with console.status("starting the embedded LLM server"):
            base_url, model = llm_server.ensure_running(server_settings)
    else:
        base_url, model = args.base_url or "http://unused/v1", args.model or "unknown"
    key = None if started_here else os.environ.get(args.api_key_env)
    console.print(f"{len(items)} items over {len(varieties)} varieties {dict(varieties)}; model {model} at {base_url}")

    def run(name: str, run_items: list, judge: bool):
        settings = Settings(data_dir=home / name, llm_backend="openai", llm_base_url=base_url, llm_model=model,
                            llm_api_key=key, llm_chunk_items=args.chunk_items or Settings().llm_chunk_items,
                            judge_enabled=judge)
        store = Store(settings.data_dir)
        if started_here:  # a cold server for each run: no prompt a run sent before is in its cache
            llm_server.stop(server_settings)
            llm_server.ensure_running(server_settings)
        started = time.perf_counter()
        report = generate_items(run_items, llm=llm_server.llm_target(settings), settings=settings, store=store,
                                max_new_tokens=args.max_new_tokens,
                                fits_variety=fits_variety,
                                progress=lambda done, total: console.print(f"[dim]{name}: {done}/{total} items"))
        return settings, store, report, time.perf_counter() - started

    if args.analyze_only:
        settings = Settings(data_dir=home / "judged")
        store = Store(settings.data_dir)
        console.print(f"analysis only: the {store.count(StoreTable.GENERATED)} records generated so far in {home / 'judged'}")
        analyze(store, settings, len(items))
        return
    try:
        if not args.ratio_only:
            settings, store, report, seconds = run("judged", items, judge=True)
        # throughput: the same first items, fresh work dirs (no cache), with and without the judge, one after the other
        _, _, alone_report, alone_seconds = run("alone", items[: args.alone_items], judge=False)
        _, _, paired_report, paired_seconds = run("paired", items[: args.alone_items], judge=True)
    finally:
        if started_here:
            llm_server.stop(server_settings)

    if not args.ratio_only:
        yield_figures(report, seconds, settings, store, len(items))
    judge_tokens = paired_report.details["judge_tokens"]
    gen_tokens = paired_report.details["output_tokens"] - judge_tokens
    with_tps, alone_tps = gen_tokens / paired_seconds, alone_report.details["output_tokens"] / alone_seconds
    console.print(f"generation throughput on the first {args.alone_items} items (instruction attempts + answers, output "
                  f"tokens per wall second; {args.chunk_items or Settings().llm_chunk_items} items per distilabel run): "
                  f"alone {alone_tps:.2f} ({alone_report.details['output_tokens']} tokens in "
                  f"{alone_seconds:.0f} s), with the judge {with_tps:.2f} ({gen_tokens} tokens + {judge_tokens} judge "
                  f"tokens in {paired_seconds:.0f} s); ratio {with_tps / alone_tps:.2f} (target ≥ 0.6)")


def yield_figures(report, seconds: float, settings, store, n_items: int) -> None:
    """Steps 1-3 of `quality`: what the judged run generated, and `analyze` on it."""
    console.print(f"generation with the judge: {report.n_kept} records from {n_items} items in {seconds:.0f} s; "
                  f"failed {report.rejected_by_reason or 0}; instruction attempts per item "
                  f"{report.details.get('instruction_attempts')}; answer attempts per answered item "
                  f"{report.details.get('answer_attempts')} (variety retry "
                  f"{'on' if report.details.get('variety_retry') else 'off'}, CORPUS600M_GENERATE_VARIETY_ATTEMPTS="
                  f"{settings.generate_variety_attempts}); unreadable verdicts {report.details.get('judge_unreadable')}")
    analyze(store, settings, n_items)


def analyze(store, settings, n_items: int) -> None:
    """Kept share (judge gate 0/2/3, variety check on), voseo fidelity, judge scores and the yield table of the
    records in `store`'s generated table."""
    from collections import Counter

    from corpus600m.filters.dedup import KnownTexts
    from corpus600m.filters.pipeline import filter_records
    from corpus600m.filters.variety import VOSEO_AREAS, uses_voseo_or_no_second_person
    from corpus600m.generate.report import generation_yield, to_markdown
    from corpus600m.records import Record, frame_to_records
    from corpus600m.store import Table as StoreTable

    records = frame_to_records(store.read(StoreTable.GENERATED))
    table = Table(title=f"kept share with the variety check on, {len(records)} generated records ({n_items} items)")
    for column in ("judge gate (min score)", "kept", "kept / generated", "kept / items", "rejected by reason"):
        table.add_column(column, justify="right")
    for gate in (0, 2, 3):
        result = filter_records(records, settings=settings.model_copy(update={"judge_min_score": gate}), known=KnownTexts())
        reasons = Counter(code for r in result.rejected for code in {x.code for x in r.reasons})
        table.add_row(str(gate) if gate else "0 (off)", str(len(result.kept)), f"{len(result.kept) / max(len(records), 1):.1%}",
                      f"{len(result.kept) / max(n_items, 1):.1%}", ", ".join(f"{c}: {n}" for c, n in reasons.most_common()))
        if gate == settings.judge_min_score:
            from corpus600m.filters.pipeline import store_result

            store_result(store, result)  # the configured gate's decisions feed the yield table below
    console.print(table)
    decided = filter_records(records, settings=settings, known=KnownTexts())
    checked = decided.kept + [r.record for r in decided.rejected]
    voseo = [r for r in checked if r.variety in VOSEO_AREAS and r.variety_check is not None]
    fine = sum(uses_voseo_or_no_second_person(r.variety_check) for r in voseo)
    console.print(f"variety fidelity: of {len(voseo)} records claiming a voseo variety ({', '.join(sorted(VOSEO_AREAS))}), "
                  f"{fine} ({fine / max(len(voseo), 1):.0%}) use voseo or no second-person form (target ≥ 80%); "
                  f"all records consistent with their variety: "
                  f"{sum(r.variety_check.consistent for r in checked if r.variety_check)}/{len(checked)}")
    # the target's wording counts a text with both vos and tú forms as using voseo; a reader would not
    strict = sum(r.variety_check.consistent for r in voseo)
    console.print(f"  strictly (no tuteo or vosotros anywhere: the variety check's consistency): {strict}/{len(voseo)} "
                  f"({strict / max(len(voseo), 1):.0%}) of the records claiming a voseo variety")
    adapted = sum(bool(r.origin.variety_adapted) for r in voseo)
    if adapted:
        console.print(f"  of them {adapted} answers rewritten as voseo by rule (origin.variety_adapted); without those: "
                      f"{fine - adapted}/{len(voseo)} ({(fine - adapted) / max(len(voseo), 1):.0%})")
    else:
        # what the answer step's rule (CORPUS600M_GENERATE_VARIETY_ADAPT=true) does to these same records: it is
        # deterministic and runs on the final answer, so applying it here gives the records that run would keep
        from corpus600m.filters.variety import fits_variety
        from corpus600m.generate.voseo import adapt_if_unfit

        rewritten = []
        for r in records:
            output, changed = adapt_if_unfit(r.output, r.variety, fits_variety) if r.variety else (r.output, False)
            rewritten.append(r.model_copy(update={"output": output, "id": "", "variety_check": None}) if changed else r)
        with_rule = filter_records([Record.model_validate(r.model_dump()) for r in rewritten], settings=settings,
                                   known=KnownTexts())
        checked_rule = with_rule.kept + [r.record for r in with_rule.rejected]
        voseo_rule = [r for r in checked_rule if r.variety in VOSEO_AREAS and r.variety_check is not None]
        fine_rule = sum(uses_voseo_or_no_second_person(r.variety_check) for r in voseo_rule)
        strict_rule = sum(r.variety_check.consistent for r in voseo_rule)
        console.print(f"  with the rule of CORPUS600M_GENERATE_VARIETY_ADAPT=true applied to these answers "
                      f"({sum(a is not b for a, b in zip(rewritten, records, strict=True))} rewritten): "
                      f"{fine_rule}/{len(voseo_rule)} ({fine_rule / max(len(voseo_rule), 1):.0%}), strictly "
                      f"{strict_rule}/{len(voseo_rule)} ({strict_rule / max(len(voseo_rule), 1):.0%}); kept "
                      f"{len(with_rule.kept)}/{len(records)} ({len(with_rule.kept) / max(len(records), 1):.1%}) with the "
                      f"judge gate as configured")
    scores = Counter(r.judge.score for r in records if r.judge)
    by_rules = sum(1 for r in records if r.judge and r.judge.model == "reglas")
    console.print(f"judge scores {dict(sorted(scores.items()))} ({by_rules} settled by rules, "
                  f"{sum(1 for r in records if r.judge is None)} without a readable verdict)")
    console.print("yield table (judge gate as configured: CORPUS600M_JUDGE_MIN_SCORE="
                  f"{settings.judge_min_score}):")
    console.print(to_markdown(generation_yield(store)), markup=False)



if __name__ == "__main__":
    main()
