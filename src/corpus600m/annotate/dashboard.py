"""The sprint dashboard: one self-contained `index.html` (inline CSS and SVG, no script, no CDN) from the report.

It shows what `build_report` computed, nothing else, so its numbers are those of `annotate report --json`:
progress per country (a tile map of the Spanish-speaking countries) and per workspace, progress per variety
against the target, response statuses, the annotators' leaderboard (with agreement with the consensus and
accuracy on gold records), Krippendorff's alpha per question over time and per workspace, the review round
and the coverage gaps `generate --fill-gaps` works on. Labels are in Spanish: this page is for the community.

Every number shown carries a `data-k` key (e.g. `ws.somos600m-mx.completed`) so a test can read it back.
With `anonymous=True` (`CORPUS600M_DASHBOARD_ANONYMOUS`) annotators appear by their initials.
`serve_dashboard` serves the folder and rebuilds the page every few seconds; the page reloads itself.
"""

from __future__ import annotations

import html
import os
import re
import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from corpus600m.annotate.consensus import ALPHA_QUESTIONS
from corpus600m.annotate.design import PROBLEMAS, QUESTION_BY_NAME

QUESTIONS = (*ALPHA_QUESTIONS, PROBLEMAS)
QUESTION_SHORT = {"pais": "País", "variedad": "Variedad", "calidad": "Calidad", "es_correcta": "¿Correcta?",
                  "problemas": "Problemas"}
QUESTION_COLORS = {"pais": "#1565c0", "variedad": "#6a1b9a", "calidad": "#2e7d32", "es_correcta": "#ef6c00",
                   "problemas": "#c62828"}
STATUS_ES = {"submitted": "Enviadas", "draft": "Borradores", "discarded": "Descartadas"}
STATUS_COLORS = {"submitted": "#2e7d32", "draft": "#f9a825", "discarded": "#9e9e9e"}

# Tile map: (column, row) of each Spanish-speaking country, roughly where it lies.
TILES = {
    "US": (0, 0), "ES": (6, 0),
    "MX": (0, 1), "CU": (2, 1), "DO": (3, 1), "PR": (4, 1),
    "GT": (0, 2), "HN": (1, 2), "GQ": (6, 2),
    "SV": (0, 3), "NI": (1, 3),
    "CR": (1, 4), "PA": (2, 4), "CO": (3, 4), "VE": (4, 4),
    "EC": (2, 5), "PE": (3, 5), "BO": (4, 5),
    "CL": (3, 6), "PY": (4, 6), "AR": (3, 7), "UY": (4, 7),
}

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2933}
header{background:#1f3a5f;color:#fff;padding:18px 28px}header h1{margin:0;font-size:1.5em}
header p{margin:4px 0 0;opacity:.85}main{padding:18px 28px;max-width:1280px}
section{background:#fff;border-radius:8px;padding:14px 18px;margin:0 0 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:1.15em;margin:0 0 10px}.kpis{display:flex;flex-wrap:wrap;gap:12px}
.kpi{background:#fff;border-radius:8px;padding:10px 16px;min-width:130px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.kpi b{display:block;font-size:1.6em}.kpi span{color:#52606d;font-size:.85em}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:right}
th{background:#f0f2f5;position:sticky;top:0}td.l,th.l{text-align:left}td.l,td{white-space:nowrap}.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.scroll{max-height:520px;overflow:auto}.bar{display:flex;height:12px;min-width:160px;background:#eceff1;border-radius:3px;overflow:hidden}
.bar i{display:block;height:100%}.help{color:#c62828;font-weight:600}.muted{color:#7b8794;font-size:.85em}
.legend span{display:inline-block;margin-right:14px;font-size:.85em}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
@media(max-width:900px){.grid{grid-template-columns:1fr}}
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def fmt_int(value: int) -> str:
    """12345 -> '12 345' (Spanish thin-space grouping)."""
    return f"{value:,}".replace(",", "\u202f")


def fmt_alpha(value: float | None) -> str:
    """Alpha with three decimals and a Spanish decimal comma; '—' when undefined."""
    return "—" if value is None else f"{value:.3f}".replace(".", ",")


def fmt_share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}\u00a0%"


def num(key: str, text: str, tag: str = "b", cls: str = "") -> str:
    """A number the test can find by key."""
    klass = f' class="{cls}"' if cls else ""
    return f'<{tag} data-k="{esc(key)}"{klass}>{esc(text)}</{tag}>'


def initials(usernames: list[str]) -> dict[str, str]:
    """username -> initials ('ana.mx' -> 'A.M.'), numbered when two people share them."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for name in usernames:
        parts = [p for p in re.split(r"[._\-\s]+", name) if p]
        base = "".join(f"{p[0].upper()}." for p in parts) or "?"
        seen[base] = seen.get(base, 0) + 1
        out[name] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return out


def _bar(parts: list[tuple[float, str, str]], total: float) -> str:
    if total <= 0:
        return '<div class="bar"></div>'
    cells = "".join(f'<i style="width:{100 * v / total:.2f}%;background:{color}" title="{esc(title)}"></i>'
                    for v, color, title in parts if v > 0)
    return f'<div class="bar">{cells}</div>'


def _ratio_color(ratio: float | None) -> str:
    """Light grey (no records) to deep blue (target reached)."""
    if ratio is None:
        return "#e4e7eb"
    r = max(0.0, min(1.0, ratio))
    start, end = (222, 235, 247), (8, 69, 148)
    return "#" + "".join(f"{round(a + (b - a) * r):02x}" for a, b in zip(start, end, strict=True))


def tile_map(countries: list[dict[str, Any]]) -> str:
    """An SVG tile map: one square per country, coloured by completed / target (or / records without a target)."""
    size, gap = 64, 6
    by_id = {c["id"]: c for c in countries}
    cols = max(x for x, _ in TILES.values()) + 1
    rows = max(y for _, y in TILES.values()) + 1
    tiles = []
    for code, (x, y) in TILES.items():
        row = by_id.get(code)
        if row is None:
            continue
        goal = row["target"] or row["records"]
        ratio = row["completed"] / goal if goal else None
        fill = _ratio_color(ratio)
        ink = "#fff" if ratio is not None and ratio > 0.45 else "#1f2933"
        px, py = x * (size + gap), y * (size + gap)
        label = f"{row['name']}: {row['completed']} completados de {row['records']} registros"
        if row["target"]:
            label += f"; objetivo {row['target']}"
        tiles.append(
            f'<g><title>{esc(label)}</title><rect x="{px}" y="{py}" width="{size}" height="{size}" rx="6" fill="{fill}"/>'
            f'<text x="{px + size / 2}" y="{py + 24}" text-anchor="middle" font-size="15" font-weight="700" fill="{ink}">{code}</text>'
            f'<text x="{px + size / 2}" y="{py + 46}" text-anchor="middle" font-size="12" fill="{ink}" '
            f'data-k="country.{code}.completed">{row["completed"]}</text></g>')
    width, height = cols * (size + gap), rows * (size + gap)
    return (f'<svg role="img" aria-label="Mapa de avance por país" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(tiles)}</svg>')


def line_chart(dates: list[str], series: dict[str, list[float | None]], width: int = 620, height: int = 240) -> str:
    """An SVG line chart of alpha per question over the annotation days."""
    if not dates:
        return '<p class="muted">Aún no hay respuestas enviadas con fecha.</p>'
    values = [v for s in series.values() for v in s if v is not None]
    low = min([-0.2, *values])
    left, right, top, bottom = 44, 24, 10, 36
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * i / (len(dates) - 1) if len(dates) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - (v - low) / (1 - low))

    parts = []
    for tick in (low, 0.0, 0.4, 0.667, 0.8, 1.0):
        _, y = xy(0, tick)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#52606d">'
                     f'{fmt_alpha(tick)}</text>')
    step = max(1, len(dates) // 6)
    for i, day in enumerate(dates):
        if i % step == 0 or i == len(dates) - 1:
            x, _ = xy(i, low)
            parts.append(f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle" font-size="10" fill="#52606d">'
                         f'{esc(day[5:])}</text>')
    for question, values_q in series.items():
        color = QUESTION_COLORS.get(question, "#333")
        points = [xy(i, v) for i, v in enumerate(values_q) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points)
    return (f'<svg role="img" aria-label="α de Krippendorff por día" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


def sparkline(values: list[float | None], color: str, width: int = 70, height: int = 18) -> str:
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    n = max(len(values) - 1, 1)
    coords = " ".join(f"{width * i / n:.1f},{height * (1 - (max(-1.0, v) + 1) / 2):.1f}" for i, v in points)
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
            f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{coords}"/></svg>')


def _legend(items: dict[str, str]) -> str:
    return '<p class="legend">' + "".join(f'<span><i style="background:{c}"></i>{esc(t)}</span>'
                                          for t, c in items.items()) + "</p>"


def _kpis(report: dict[str, Any]) -> str:
    t = report["totals"]
    responses = t["responses"]
    review = report.get("review") or {}
    cards = [
        ("totals.records", fmt_int(t["records"]), "registros"),
        ("totals.completed", fmt_int(t["completed"]), f"completados ({fmt_share(t['progress'])})"),
        ("totals.needs_review", fmt_int(t.get("needs_review", 0)), "necesitan revisión"),
        ("review.reviewed", fmt_int(review.get("reviewed", 0)), "revisados en la segunda ronda"),
        ("responses.submitted", fmt_int(responses.get("submitted", 0)), "respuestas enviadas"),
        ("responses.draft", fmt_int(responses.get("draft", 0)), "borradores"),
        ("responses.discarded", fmt_int(responses.get("discarded", 0)), "descartadas"),
        ("totals.annotators", fmt_int(t.get("annotators", len(report["annotators"]))), "personas anotando"),
    ]
    return '<div class="kpis">' + "".join(f'<div class="kpi">{num(k, v)}<span>{esc(label)}</span></div>'
                                          for k, v, label in cards) + "</div>"


def _workspaces(report: dict[str, Any]) -> str:
    rows = []
    for w in report["workspaces"]:
        key = f"ws.{w['workspace']}"
        parts = [(w["completed"], "#1565c0", "completados"), (w["in_progress"], "#90caf9", "en curso"),
                 (w["untouched"], "#eceff1", "sin empezar")]
        rows.append(
            f'<tr><td class="l">{esc(w["workspace"])}</td><td>{num(key + ".records", fmt_int(w["records"]), "span")}</td>'
            f'<td>{num(key + ".completed", fmt_int(w["completed"]), "span")}</td>'
            f'<td>{num(key + ".in_progress", fmt_int(w["in_progress"]), "span")}</td>'
            f'<td>{num(key + ".needs_review", fmt_int(w["needs_review"]), "span")}</td>'
            f'<td>{_bar(parts, w["records"])}</td></tr>')
    head = ('<tr><th class="l">Espacio de trabajo</th><th>Registros</th><th>Completados</th><th>En curso</th>'
            '<th>A revisar</th><th class="l">Avance</th></tr>')
    return f'<div class="scroll"><table>{head}{"".join(rows)}</table></div>'


def _varieties(report: dict[str, Any]) -> str:
    rows = []
    for v in report["varieties"]:
        if not v["records"] and not v["target"]:
            continue
        goal = v["target"] or v["records"]
        rows.append(
            f'<tr><td class="l">{esc(v["name"])}</td>'
            f'<td>{num("variety." + v["id"] + ".completed", fmt_int(v["completed"]), "span")}</td>'
            f'<td>{fmt_int(v["records"])}</td><td>{"—" if not v["target"] else fmt_int(v["target"])}</td>'
            f'<td>{_bar([(v["completed"], "#6a1b9a", "completados")], goal)}</td></tr>')
    head = ('<tr><th class="l">Variedad</th><th>Completados</th><th>Registros</th><th>Objetivo</th>'
            '<th class="l">Avance hacia el objetivo</th></tr>')
    return f'<table>{head}{"".join(rows)}</table>'


def _statuses(report: dict[str, Any]) -> str:
    responses = report["totals"]["responses"]
    total = sum(responses.values())
    parts = [(responses.get(s, 0), STATUS_COLORS[s], STATUS_ES[s]) for s in STATUS_ES]
    legend = _legend({f"{STATUS_ES[s]}: {fmt_int(responses.get(s, 0))}": STATUS_COLORS[s] for s in STATUS_ES})
    return _bar(parts, total).replace('class="bar"', 'class="bar" style="height:22px"') + legend


def _leaderboard(report: dict[str, Any], anonymous: bool) -> str:
    people = report["annotators"]
    shown = initials([a["username"] for a in people]) if anonymous else {a["username"]: a["username"] for a in people}
    top = max((a["submitted"] for a in people), default=0)
    rows = []
    for rank, a in enumerate(people, start=1):
        key = f"ann.{rank}"
        help_cell = '<span class="help">necesita ayuda</span>' if a.get("needs_help") else ""
        gold = fmt_share(a.get("gold_accuracy"))
        if a.get("gold_responses"):
            gold += f" ({a['gold_responses']})"
        rows.append(
            f'<tr><td>{rank}</td><td class="l" data-k="{key}.name">{esc(shown[a["username"]])}</td>'
            f'<td>{num(key + ".submitted", fmt_int(a["submitted"]), "span")}</td>'
            f'<td>{num(key + ".draft", fmt_int(a["draft"]), "span")}</td>'
            f'<td>{num(key + ".discarded", fmt_int(a["discarded"]), "span")}</td>'
            f'<td>{_bar([(a["submitted"], "#2e7d32", "enviadas")], top)}</td>'
            f'<td>{num(key + ".agreement", fmt_share(a.get("agreement")), "span")}</td>'
            f'<td>{num(key + ".gold", gold, "span")}</td><td class="l">{help_cell}</td></tr>')
    head = ('<tr><th>#</th><th class="l">Persona</th><th>Enviadas</th><th>Borradores</th><th>Descartadas</th>'
            '<th class="l"></th><th>Acuerdo con el consenso</th><th>Aciertos en registros de control</th>'
            '<th class="l"></th></tr>')
    note = ("Acuerdo con el consenso: parte de sus respuestas que coinciden con la mayoría (calidad: a un punto de "
            "la mediana). Registros de control: respuestas conocidas mezcladas en la cola. «Necesita ayuda» cuando "
            f"alguno baja de {fmt_share(report.get('agreement_threshold'))}.")
    return f'<div class="scroll"><table>{head}{"".join(rows)}</table></div><p class="muted">{esc(note)}</p>'


def _agreement(report: dict[str, Any]) -> str:
    timeline = report.get("alpha_over_time") or {"dates": [], "all": {}, "workspaces": {}}
    chart = line_chart(timeline["dates"], {q: timeline["all"].get(q, []) for q in QUESTIONS})
    legend = _legend({QUESTION_SHORT[q]: QUESTION_COLORS[q] for q in QUESTIONS})
    head = '<tr><th class="l">Espacio de trabajo</th>' + "".join(f"<th>{QUESTION_SHORT[q]}</th>" for q in QUESTIONS) + "</tr>"
    rows = [
        '<tr><td class="l"><b>todos</b></td>'
        + "".join(f'<td>{num("alpha.all." + q, fmt_alpha(report["alpha"].get(q)), "span")}</td>' for q in QUESTIONS)
        + "</tr>"
    ]
    for w in report["workspaces"]:
        spark = timeline["workspaces"].get(w["workspace"], {})
        rows.append(f'<tr><td class="l">{esc(w["workspace"])}</td>' + "".join(
            f'<td>{sparkline(spark.get(q, []), QUESTION_COLORS[q])} '
            f'{num("alpha." + w["workspace"] + "." + q, fmt_alpha(w["alpha"].get(q)), "span")}</td>'
            for q in QUESTIONS) + "</tr>")
    titles = "; ".join(f"{QUESTION_SHORT[q]}: {QUESTION_BY_NAME[q].title}" for q in QUESTIONS)
    note = ("α de Krippendorff sobre las respuestas enviadas (nominal; ordinal para la calidad): 1 = acuerdo total, "
            "0 = el que daría el azar; por debajo de 0,667 conviene repasar la guía con el equipo. " + titles)
    return (f'<div class="grid"><div>{chart}{legend}</div><div class="scroll"><table>{head}{"".join(rows)}</table>'
            f'</div></div><p class="muted">{esc(note)}</p>')


def _gaps(report: dict[str, Any]) -> str:
    gaps = report.get("gaps")
    if gaps is None:
        return '<p class="muted">Sin datos de cobertura (el almacén no está disponible).</p>'
    missing = sorted((g for g in gaps if g["deficit"] > 0), key=lambda g: (-g["deficit"], g["country"], g["variety"]))
    total = sum(g["deficit"] for g in missing)
    rows = "".join(f'<tr><td class="l">{esc(g["country"])}</td><td class="l">{esc(g["variety"])}</td>'
                   f'<td>{fmt_int(g["have"])}</td><td>{fmt_int(g["target"])}</td>'
                   f'<td>{num("gap." + g["country"] + "." + g["variety"], fmt_int(g["deficit"]), "span")}</td></tr>'
                   for g in missing)
    head = '<tr><th class="l">País</th><th class="l">Variedad</th><th>Tiene</th><th>Objetivo</th><th>Faltan</th></tr>'
    intro = (f'<p>Faltan {num("gaps.total", fmt_int(total), "b")} registros en {len(missing)} combinaciones de país y '
             f'variedad: es lo que generará <code>corpus600m generate --fill-gaps</code>.</p>')
    return intro + (f'<div class="scroll"><table>{head}{rows}</table></div>' if missing else "")


def render_dashboard(report: dict[str, Any], *, anonymous: bool = False, refresh_seconds: int | None = None) -> str:
    """The dashboard page for a report (see `build_report`), as one HTML string."""
    refresh = f'<meta http-equiv="refresh" content="{int(refresh_seconds)}">' if refresh_seconds else ""
    countries = [c for c in report["countries"] if c["id"] in TILES]
    target = report.get("target")
    map_note = (f"Color: registros completados respecto al objetivo ({target} por país y variedad)." if target
                else "Color: registros completados respecto a los registros enviados a anotar.")
    review = report.get("review") or {}
    review_text = (f"Ronda de revisión: {num('review.records', fmt_int(review.get('records', 0)))} registros enviados a "
                   f"revisión, {fmt_int(review.get('reviewed', 0))} ya decididos, "
                   f"{fmt_int(review.get('pending', 0))} pendientes.")
    generated = str(report.get("generated_at", ""))[:19].replace("T", " ")
    body = f"""
<header><h1>Sprint de anotación #Somos600M · {esc(report['dataset'])}</h1>
<p>Actualizado: {esc(generated)} UTC{' · se recarga sola' if refresh_seconds else ''}</p></header>
<main>
{_kpis(report)}
<section><h2>Avance por país</h2><div class="grid"><div>{tile_map(countries)}<p class="muted">{esc(map_note)}
<span style="display:inline-block;width:120px;height:10px;margin:0 6px;vertical-align:middle;border-radius:2px;background:linear-gradient(90deg,{_ratio_color(0)},{_ratio_color(1)})"></span>0 → 100 %</p></div>
<div>{_workspaces(report)}</div></div></section>
<section><h2>Avance por variedad</h2>{_varieties(report)}</section>
<section><h2>Estado de las respuestas</h2>{_statuses(report)}<p>{review_text}</p></section>
<section><h2>Clasificación de anotadoras y anotadores</h2>{_leaderboard(report, anonymous)}</section>
<section><h2>Acuerdo entre anotadores (α de Krippendorff)</h2>{_agreement(report)}</section>
<section><h2>Huecos de cobertura</h2>{_gaps(report)}</section>
</main>"""
    return (f'<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">{refresh}'
            f'<link rel="icon" href="data:,"><title>Sprint de anotación · {esc(report["dataset"])}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>")


def write_dashboard_html(report: dict[str, Any], out_dir: Path, *, anonymous: bool = False,
                         refresh_seconds: int | None = None) -> Path:
    """Write `out_dir/index.html` atomically (a server never serves half a page); returns its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    tmp = out_dir / f".index.html.{os.getpid()}.tmp"
    tmp.write_text(render_dashboard(report, anonymous=anonymous, refresh_seconds=refresh_seconds), encoding="utf-8")
    tmp.replace(path)
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the stdlib's signature; requests are not logged
        pass


def serve_dashboard(out_dir: Path, port: int, rebuild: Callable[[], object], every: float,
                    say: Callable[[str], None] = print, host: str = "127.0.0.1",
                    stop: threading.Event | None = None) -> None:
    """Serve `out_dir` on `host:port` and call `rebuild()` every `every` seconds until Ctrl-C (or `stop` is set).

    A failed rebuild (Argilla away for a moment) is reported and the last page stays up.
    """
    stop = stop or threading.Event()
    server = ThreadingHTTPServer((host, port), partial(_QuietHandler, directory=str(out_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    say(f"dashboard at http://{host}:{server.server_address[1]}/ (rebuilt every {every:g} s; Ctrl-C to stop)")
    try:
        while not stop.wait(every):
            try:
                rebuild()
            except Exception as exc:  # noqa: BLE001  (keep serving the last good page)
                say(f"rebuild failed, keeping the last page: {exc}")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
