"""A sprint against the real local Argilla server: welcome messages, gold copies in the queue, three annotators,
per-annotator agreement and gold accuracy, the review round (the reviewer works in the browser), the dashboard
(headless Chromium: renders offline, no console error, the numbers of `annotate report --json`), its server.

One module-scoped sprint is shared by the tests, which run in file order. Its workspaces use their own prefix
(`sprint-mx`), so they never mix with the other annotation tests on the session's server.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus600m.cli import app
from corpus600m.records import Record
from corpus600m.settings import get_settings
from corpus600m.store import Store, Table
from tests.fixtures.argilla_server import LocalArgilla, argilla_client

DATASET = "sprint-prueba"
REVIEW = f"{DATASET}-revision"
WS = "sprint-mx"
ANNOTATORS = ("sofia", "tomas", "ursula")  # ursula is the careless one
REVIEWER = "rosa"
USERS_CSV = """username,name,countries,role
sofia,Sofía Ruiz,MX,annotator
tomas,Tomás Gil,MX,annotator
ursula,Úrsula Paz,MX,annotator
rosa,Rosa Díaz,MX,reviewer
"""
ENV = {"CORPUS600M_ANNOTATION_MIN_SUBMITTED": "3", "CORPUS600M_ANNOTATION_WORKSPACE_PREFIX": "sprint",
       "CORPUS600M_FILL_GAPS_TARGET": "5", "TQDM_DISABLE": "1"}

# (pais, variedad, calidad, es_correcta) per annotator (sofia, tomas, ursula) for records r0..r5
OK = ("MX", "mexicana", 5, "si")
ANSWERS = [
    (OK, OK, OK),
    (("MX", "mexicana", 4, "si"), ("MX", "mexicana", 4, "si"), ("MX", "mexicana", 2, "no")),
    (("MX", "mexicana", 4, "si"), ("MX", "mexicana", 4, "si"), ("US", "estadounidense", 4, "si")),
    (OK, OK, OK),
    (("MX", "mexicana", 3, "si"), ("MX", "mexicana", 3, "no"), ("MX", "mexicana", 3, "parcial")),  # tie
    (("MX", "mexicana", 1, "si"), ("MX", "mexicana", 3, "si"), ("MX", "mexicana", 5, "si")),  # calidad 1/3 agree
]
CORRECTION = "Significa «trabajo» en el habla de México."
GOLD = [  # (record text, expected answers)
    ("¿Cuánto es dos más dos? (control A)", "Cinco.", {"es_correcta": "no", "calidad": 1}),
    ("¿Cuál es la capital de México? (control B)", "La Ciudad de México.", {"es_correcta": "si", "calidad": 5, "pais": "MX"}),
]


@dataclass
class Sprint:
    server: LocalArgilla
    data_dir: Path
    records: list[Record]
    credentials: dict[str, dict[str, str]]
    welcome_dir: Path
    users_output: str
    push_output: str
    gold_ids: list[str]  # gold copies in queue order


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def submit(client, record_uuid: str, status: str, values: dict | None) -> None:
    from argilla._models import UserResponseModel

    wrapped = None if values is None else {k: {"value": v} for k, v in values.items()}
    client.api.records.create_record_response(record_uuid, UserResponseModel(values=wrapped, status=status,
                                                                              user_id=client.me.id))


def queue_of(client, dataset_id: str) -> list[dict]:
    """The records an annotator's annotation page lists, in its order (Argilla's /me search)."""
    page = client.http_client.post(f"/api/v1/me/datasets/{dataset_id}/records/search", json={},
                                   params={"limit": 100, "include": ["suggestions", "responses"]})
    page.raise_for_status()
    return [item["record"] for item in page.json()["items"]]


def values_of(answer: tuple) -> dict:
    return dict(zip(("pais", "variedad", "calidad", "es_correcta"), answer, strict=True))


@pytest.fixture(scope="module")
def sprint(argilla_server: LocalArgilla, tmp_path_factory: pytest.TempPathFactory) -> Sprint:
    data_dir = tmp_path_factory.mktemp("sprint-data")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {**argilla_server.env, **ENV, "CORPUS600M_DATA_DIR": str(data_dir)}.items():
            mp.setenv(key, value)
        get_settings.cache_clear()
        records = [Record(instruction=f"¿Qué significa «chamba» en la frase {i}?", output=f"Trabajo ({i}).",
                          country="MX", variety="mexicana", source="synthetic") for i in range(12)]
        Store(data_dir).upsert(Table.FILTERED, records)
        (data_dir / "users.csv").write_text(USERS_CSV, encoding="utf-8")
        welcome_dir = data_dir / "bienvenida"
        users = cli("annotate", "users", str(data_dir / "users.csv"), "--welcome", str(welcome_dir), "--dataset", DATASET)
        assert users.exit_code == 0, users.output
        with open(data_dir / "annotate" / "credentials.csv", encoding="utf-8") as fh:
            credentials = {row["username"]: row for row in csv.DictReader(fh)}
        gold_file = data_dir / "gold.jsonl"
        gold_file.write_text("".join(json.dumps({"instruction": q, "output": a, "country": "MX", "source": "synthetic",
                                                 "expected": e}, ensure_ascii=False) + "\n" for q, a, e in GOLD)
                             + '{"instruction": "x", "output": "y", "source": "synthetic", "expected": {"calidad": 9}}\n',
                             encoding="utf-8")
        pushed = cli("annotate", "push", "--dataset", DATASET, "--gold", str(gold_file), "--gold-rate", "0.25")
        assert pushed.exit_code == 1, pushed.output  # the bad gold line is reported; the rest is pushed

        dataset_id = str(argilla_client(argilla_server).datasets(DATASET, workspace=WS).id)
        clients = {u: argilla_client(argilla_server, api_key=credentials[u]["api_key"]) for u in ANNOTATORS}
        queue = queue_of(clients["sofia"], dataset_id)
        by_id = {r["external_id"]: r["id"] for r in queue}
        gold_ids = [r["external_id"] for r in queue if r["external_id"].startswith("gold-")]
        for n, record in enumerate(records[:6]):
            for user, answer in zip(ANNOTATORS, ANSWERS[n], strict=True):
                values = values_of(answer)
                if n == 4 and user == "ursula":  # the tie also carries a problem and a correction to show
                    values.update(problemas=["ofensivo", "sin_sentido"], respuesta_corregida=CORRECTION)
                submit(clients[user], by_id[record.id], "submitted", values)
        for copy_id in gold_ids:  # sofia and tomas answer as expected; ursula does not
            control_b = _is_copy_of(copy_id, GOLD[1])
            right = values_of(("MX", "mexicana", 5, "si")) if control_b else values_of(("MX", "mexicana", 1, "no"))
            wrong = values_of(("MX", "mexicana", 2, "no")) if control_b else values_of(("MX", "mexicana", 4, "si"))
            for user in ANNOTATORS:
                submit(clients[user], by_id[copy_id], "submitted", wrong if user == "ursula" else right)
        submit(clients["ursula"], by_id[records[6].id], "draft", {"pais": "MX"})
        submit(clients["tomas"], by_id[records[7].id], "discarded", None)
        yield Sprint(argilla_server, data_dir, records, credentials, welcome_dir, users.output, pushed.output, gold_ids)
    get_settings.cache_clear()


def _is_copy_of(copy_id: str, gold: tuple) -> bool:
    question, answer, _ = gold
    return copy_id.endswith(Record(instruction=question, output=answer, country="MX", source="synthetic").id[:12])


@pytest.fixture()
def env(sprint: Sprint, monkeypatch: pytest.MonkeyPatch) -> Sprint:
    for key, value in {**sprint.server.env, **ENV, "CORPUS600M_DATA_DIR": str(sprint.data_dir)}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield sprint
    get_settings.cache_clear()


def report_json() -> dict:
    result = cli("annotate", "report", "--dataset", DATASET, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_welcome_messages_are_private_spanish_and_complete(env: Sprint):
    for user in (*ANNOTATORS, REVIEWER):
        path = env.welcome_dir / f"{user}.md"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text(encoding="utf-8")
        assert "Te damos la bienvenida" in text and "Cómo empezar" in text
        assert env.server.url in text and f"`{user}`" in text and f"`{WS}`" in text
        assert env.credentials[user]["password"] in text
        assert "guia-de-anotacion.md" in text
        assert f"`{DATASET}`" in text and (f"`{REVIEW}`" in text) == (user == REVIEWER)
        assert env.credentials[user]["password"] not in env.users_output  # never printed
    assert "Guía de anotación" in (env.welcome_dir / "guia-de-anotacion.md").read_text(encoding="utf-8")
    roles = (env.data_dir / "annotate" / "roles.csv").read_text(encoding="utf-8")
    assert "rosa,reviewer" in roles and "password" not in roles


def test_gold_copies_are_in_each_annotators_queue_at_the_rate(env: Sprint):
    assert "line 3" in env.push_output and "expected.calidad" in env.push_output
    assert "3 gold cop" in env.push_output  # ceil(12 x 0.25)
    assert len(env.gold_ids) == 3
    owner = argilla_client(env.server)
    dataset_id = str(owner.datasets(DATASET, workspace=WS).id)
    orders = {}
    for user in ANNOTATORS:  # every annotator meets all of them: 3 of the 15 records of the queue
        client = argilla_client(env.server, api_key=env.credentials[user]["api_key"])
        orders[user] = [r["external_id"] for r in queue_of(client, dataset_id)]
        assert len(orders[user]) == 15 and set(env.gold_ids) <= set(orders[user])
    # Argilla shuffles each annotator's queue (a random score seeded by the user): the copies land at other places
    assert len({tuple(order) for order in orders.values()}) == 3
    # nothing in Argilla says which records are gold
    raw = owner.http_client.get(f"/api/v1/datasets/{dataset_id}/records", params={"limit": 100}).json()["items"]
    gold_record = next(r for r in raw if r["external_id"] == env.gold_ids[0])
    assert "gold" not in json.dumps(gold_record["metadata"]) and "control" not in gold_record["fields"].get("output", "")


def test_pull_leaves_gold_out_and_report_shows_who_needs_help(env: Sprint):
    result = cli("annotate", "pull", "--dataset", DATASET)
    assert result.exit_code == 0, result.output
    store = Store(env.data_dir)
    annotated = {r["id"]: r["annotation"] for r in store.read(Table.ANNOTATED).to_dicts()}
    assert set(annotated) == {r.id for r in env.records[:6]}  # no gold copy
    assert [annotated[r.id]["needs_review"] for r in env.records[:6]] == [False] * 4 + [True, True]
    assert all(annotated[r.id]["round"] == 1 and annotated[r.id]["reviewed_by"] == 0 for r in env.records[:6])
    curated = set(store.ids(Table.CURATED).to_list())
    assert curated == {r.id for r in env.records[:4]} and not any(i.startswith("gold-") for i in curated)

    report = report_json()
    people = {a["username"]: a for a in report["annotators"]}
    assert set(people) == set(ANNOTATORS)
    # agreement with the consensus (labels equal to the majority, calidad within one point of the median):
    # sofia 22 of 23 compared answers, tomas 23 of 23, ursula 18 of 23 (see ANSWERS)
    assert people["sofia"]["agreement"] == pytest.approx(22 / 23, abs=1e-4) and people["sofia"]["compared"] == 23
    assert people["tomas"]["agreement"] == 1.0
    assert people["ursula"]["agreement"] == pytest.approx(18 / 23, abs=1e-4)
    # gold: 7 expected answers over the 3 copies (A, B, A); ursula gets only pais of B right
    assert (people["sofia"]["gold_responses"], people["sofia"]["gold_accuracy"]) == (3, 1.0)
    assert people["ursula"]["gold_accuracy"] == pytest.approx(1 / 7, abs=1e-4)
    assert [people[u]["needs_help"] for u in ANNOTATORS] == [False, False, True]
    # gold copies count nowhere else
    assert (people["sofia"]["submitted"], people["tomas"]["discarded"], people["ursula"]["draft"]) == (6, 1, 1)
    ws = report["workspaces"][0]
    assert (ws["workspace"], ws["records"], ws["completed"], ws["disputed"], ws["needs_review"], ws["gold_copies"]) == (
        WS, 12, 6, 2, 2, 3)
    assert report["totals"]["responses"] == {"submitted": 18, "draft": 1, "discarded": 1}
    mx = next(c for c in report["countries"] if c["id"] == "MX")
    assert (mx["records"], mx["completed"], mx["target"]) == (12, 6, 5)
    assert report["alpha_over_time"]["dates"] and report["alpha_over_time"]["all"]["calidad"][-1] == pytest.approx(
        report["alpha"]["calidad"], abs=1e-4)
    table = cli("annotate", "report", "--dataset", DATASET, "--out-dir", str(env.data_dir / "rep"))
    assert re.search(r"ursula\s*│\s*6\s*│\s*1\s*│\s*0\s*│\s*78%\s*│\s*14% \(3\)\s*│\s*yes", table.output), table.output


def test_review_push_sends_disputed_records_with_suggestions_and_guidelines(env: Sprint):
    result = cli("annotate", "review", "push", "--dataset", DATASET)
    assert result.exit_code == 0, result.output
    owner = argilla_client(env.server)
    review = owner.datasets(REVIEW, workspace=WS)
    assert review.settings.distribution.min_submitted == 1
    assert "Ronda de revisión" in review.settings.guidelines and "Guía de anotación" in review.settings.guidelines
    items = owner.http_client.get(f"/api/v1/datasets/{review.id}/records",
                                  params={"limit": 100, "include": ["suggestions"]}).json()["items"]
    assert sorted(r["external_id"] for r in items) == sorted(r.id for r in env.records[4:6])
    tie = next(r for r in items if r["external_id"] == env.records[4].id)
    assert "Persona 3: país MX · variedad mexicana · calidad 3 · ¿correcta? Parcialmente" in tie["fields"]["desacuerdo"]
    assert "¿La respuesta es correcta?: empate" in tie["fields"]["desacuerdo"]
    question_names = {str(q.id): q.name for q in review.settings.questions}
    suggested = {question_names[s["question_id"]]: (s["value"], s["score"], s["agent"]) for s in tie["suggestions"]}
    assert suggested["es_correcta"] == ("si", pytest.approx(1 / 3, abs=1e-3), "primera ronda")
    assert suggested["calidad"][0] == 3 and suggested["pais"][0] == "MX"
    assert suggested["problemas"][:2] == (["ofensivo", "sin_sentido"], [pytest.approx(1 / 3, abs=1e-3)] * 2)
    assert suggested["respuesta_corregida"][0] == CORRECTION
    assert "problemas: Ofensivo, Sin sentido · corrección: «Significa" in tie["fields"]["desacuerdo"]
    low = next(r for r in items if r["external_id"] == env.records[5].id)
    assert "Calidad de la respuesta (1 = inútil, 5 = excelente): acuerdo 33%" in low["fields"]["desacuerdo"]
    again = cli("annotate", "review", "push", "--dataset", DATASET)
    assert again.exit_code == 0 and re.search(r"sprint-mx\s*│\s*0\s*│\s*2", again.output), again.output


@pytest.mark.browser
def test_the_reviewer_decides_in_the_browser_and_pull_takes_it_as_final(env: Sprint, browser_page, artifacts_dir):
    owner = argilla_client(env.server)
    review = owner.datasets(REVIEW, workspace=WS)
    page = browser_page
    page.goto(f"{env.server.url}/sign-in", wait_until="domcontentloaded")
    page.locator("input[type=text]").first.fill(REVIEWER)
    page.locator("input[type=password]").fill(env.credentials[REVIEWER]["password"])
    page.locator("input[type=password]").press("Enter")
    page.wait_for_url(lambda u: "sign-in" not in u)
    page.goto(f"{env.server.url}/dataset/{review.id}/annotation-mode", wait_until="domcontentloaded")
    page.get_by_text("Desacuerdo de la primera ronda").first.wait_for()
    page.get_by_text("Persona 3", exact=False).first.wait_for()
    page.get_by_text(re.compile(r"^\s*(directrices|guidelines)\s*$", re.I)).first.click()
    page.get_by_text("Ronda de revisión de #Somos600M").wait_for()
    assert page.locator("#es_correcta_si").is_checked()  # the first round's most voted answer, suggested
    page.screenshot(path=artifacts_dir / "annotate_review_reviewer.png", full_page=True)
    page.locator("button", has_text="Enviar").first.click()  # the reviewer accepts the suggestions

    rosa = argilla_client(env.server, api_key=env.credentials[REVIEWER]["api_key"])

    def rosas_responses() -> dict[str, dict]:
        items = owner.http_client.get(f"/api/v1/datasets/{review.id}/records",
                                      params={"limit": 100, "include": ["responses"]}).json()["items"]
        return {r["external_id"]: r for r in items
                if any(x["user_id"] == str(rosa.me.id) and x["status"] == "submitted" for x in r["responses"])}

    for _ in range(60):
        if rosas_responses():
            break
        page.wait_for_timeout(500)
    decided = rosas_responses()
    assert len(decided) == 1, "the reviewer's submit in the web UI did not reach Argilla"
    in_ui = next(iter(decided))
    other = next(r.id for r in env.records[4:6] if r.id != in_ui)
    items = owner.http_client.get(f"/api/v1/datasets/{review.id}/records", params={"limit": 100}).json()["items"]
    uuid_of = {r["external_id"]: r["id"] for r in items}
    submit(rosa, uuid_of[other], "submitted", values_of(OK))
    sofia = argilla_client(env.server, api_key=env.credentials["sofia"]["api_key"])
    submit(sofia, uuid_of[other], "submitted", values_of(("MX", "mexicana", 1, "no")))  # not a reviewer: ignored

    result = cli("annotate", "pull", "--dataset", DATASET)
    assert result.exit_code == 0, result.output
    assert "1 response(s) in the review dataset are not from reviewers" in result.output
    annotated = {r["id"]: r["annotation"] for r in Store(env.data_dir).read(Table.ANNOTATED).to_dicts()}
    for record_id in (in_ui, other):
        a = annotated[record_id]
        assert (a["round"], a["reviewed_by"], a["needs_review"], a["n_annotators"]) == (2, 1, False, 3)
    assert (annotated[other]["es_correcta"], annotated[other]["calidad"]) == ("si", 5.0)
    assert annotated[in_ui]["es_correcta"] == "si"  # the suggestion the reviewer accepted
    curated = set(Store(env.data_dir).ids(Table.CURATED).to_list())
    assert other in curated and in_ui not in curated  # accepted suggestion: calidad 3 or 1, below 4
    report = report_json()
    assert report["review"] == {"records": 2, "reviewed": 2, "pending": 0, "ignored_responses": 1}


def _numbers(page) -> dict[str, str]:
    return page.evaluate("() => Object.fromEntries([...document.querySelectorAll('[data-k]')]"
                         ".map(e => [e.dataset.k, e.textContent.trim()]))")


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _float(text: str) -> float | None:
    return None if text == "—" else float(text.replace(",", "."))


def _share(text: str) -> int | None:
    return None if text.startswith("—") else int(text.split("\u00a0")[0])


@pytest.mark.browser
def test_dashboard_renders_offline_with_the_reports_numbers(env: Sprint, browser_page, artifacts_dir,
                                                           monkeypatch: pytest.MonkeyPatch):
    from PIL import Image

    out = env.data_dir / "tablero"
    monkeypatch.setenv("CORPUS600M_DASHBOARD_ANONYMOUS", "1")
    get_settings.cache_clear()
    result = cli("annotate", "dashboard", "--dataset", DATASET, "--out", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing fetched from the network
    assert not any(u in html for u in ANNOTATORS)  # anonymous: initials only
    report = report_json()

    errors: list[str] = []
    page = browser_page
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"request {r.url}") if not r.url.startswith(("file:", "data:")) else None)
    page.goto((out / "index.html").as_uri())
    page.get_by_text("Sprint de anotación #Somos600M").wait_for()
    assert errors == []
    shown = _numbers(page)
    totals = report["totals"]
    assert _int(shown["totals.records"]) == totals["records"] == 12
    assert _int(shown["totals.completed"]) == totals["completed"] == 6
    assert _int(shown["totals.needs_review"]) == totals["needs_review"] == 0  # both settled by the reviewer
    assert _int(shown["review.reviewed"]) == report["review"]["reviewed"] == 2
    for status in ("submitted", "draft", "discarded"):
        assert _int(shown[f"responses.{status}"]) == totals["responses"][status]
    assert _int(shown["totals.annotators"]) == len(report["annotators"]) == 3
    for w in report["workspaces"]:
        for key in ("records", "completed", "in_progress", "needs_review"):
            assert _int(shown[f"ws.{w['workspace']}.{key}"]) == w[key]
        for question, value in w["alpha"].items():
            assert _float(shown[f"alpha.{w['workspace']}.{question}"]) == (None if value is None else round(value, 3))
    for question, value in report["alpha"].items():
        assert _float(shown[f"alpha.all.{question}"]) == (None if value is None else round(value, 3))
    for rank, a in enumerate(report["annotators"], start=1):
        assert _int(shown[f"ann.{rank}.submitted"]) == a["submitted"]
        assert _share(shown[f"ann.{rank}.agreement"]) == round(a["agreement"] * 100)
        assert _share(shown[f"ann.{rank}.gold"]) == round(a["gold_accuracy"] * 100)
        assert shown[f"ann.{rank}.name"] in {"S.", "T.", "U."}
    assert _int(shown["country.MX.completed"]) == 6
    assert _int(shown["gaps.total"]) == sum(g["deficit"] for g in report["gaps"])
    assert page.get_by_text("necesita ayuda", exact=True).count() == 1
    path = artifacts_dir / "annotate_dashboard.png"
    page.screenshot(path=path, full_page=True)
    tiles = artifacts_dir / "annotate_dashboard_map.png"
    page.locator('svg[aria-label="Mapa de avance por país"]').screenshot(path=tiles)
    with Image.open(path) as shot:
        assert shot.width == 1366 and shot.height > 1500  # every section drawn, not a blank or error page
        assert len(shot.convert("RGB").getcolors(1 << 20) or []) > 50
    with Image.open(tiles) as shot:  # Mexico's tile (6 of 5 done) is deep blue; others are light grey
        pixels = list(shot.convert("RGB").getdata())
        assert sum(1 for r, g, b in pixels if b > 120 and r < 40) > 1500


@pytest.mark.browser
def test_dashboard_serve_rebuilds_and_the_page_reloads_itself(env: Sprint, browser_page, tmp_path: Path):
    import subprocess
    import sys
    import time

    from tests.fixtures import interrupt_group

    out = tmp_path / "vivo"
    log_path = tmp_path / "serve.log"
    environ = {**os.environ, "CORPUS600M_DASHBOARD_REFRESH_SECONDS": "5", "COLUMNS": "200"}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "corpus600m", "annotate", "dashboard", "--dataset", DATASET,
                                 "--out", str(out), "--serve", "0"], env=environ, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (found := re.search(r"http://127\.0\.0\.1:\d+/", log_path.read_text())):
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.5)
        first_build = (out / "index.html").stat().st_mtime_ns
        page = browser_page
        page.goto(found.group(0))
        page.get_by_text("se recarga sola").wait_for()
        assert 'http-equiv="refresh" content="5"' in page.content()
        page.wait_for_event("load", timeout=20_000)  # the page reloads itself ...
        deadline = time.monotonic() + 30
        while (out / "index.html").stat().st_mtime_ns == first_build:  # ... and the server rebuilt it meanwhile
            assert time.monotonic() < deadline and proc.poll() is None, log_path.read_text()
            time.sleep(0.5)
    finally:
        interrupt_group(proc)
    assert proc.returncode == 0, log_path.read_text()  # Ctrl-C stops it cleanly
    assert "Traceback" not in log_path.read_text()


def test_annotate_pull_flow_rebuilds_the_dashboard_as_an_artifact(env: Sprint, prefect_api: str):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.annotate import annotate_pull

    state = annotate_pull(DATASET, return_state=True)
    assert state.is_completed()
    details = state.result().details
    assert (details["reviewed"], details["gold_copies"], details["needs_review"]) == (2, 3, 0)
    path = Path(details["dashboard"])
    assert path == env.data_dir / "annotate" / DATASET / "dashboard" / "index.html" and path.stat().st_size > 5_000

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"annotate-dashboard-{DATASET}"])))

    found = asyncio.run(artifacts())
    assert found and str(path) in found[0].data and "| 12 | 6 |" in found[0].data
    assert os.environ.get("CORPUS600M_DASHBOARD_ANONYMOUS") is None and "ursula" in found[0].data
