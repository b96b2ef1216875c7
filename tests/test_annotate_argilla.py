"""The annotation loop against the real local Argilla server: users, push, annotators' responses, pull, report.

One module-scoped setup (users from a CSV, 50 records pushed, three Mexican annotators answering through
the SDK with their own API keys) is shared by the tests, which run in file order.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus600m.cli import app
from corpus600m.records import Record
from corpus600m.settings import get_settings
from corpus600m.store import Store, Table
from tests.fixtures.argilla_server import LocalArgilla, argilla_client

DATASET = "prueba-anotacion"
MX_WS, AR_WS = "somos600m-mx", "somos600m-ar"
ANNOTATORS = ("ana", "beto", "caro")  # Mexico
USERS_CSV = """username,name,countries,role
ana,Ana López,MX,annotator
beto,Beto Ramírez,MX,annotator
caro,Carolina Díaz,MX,annotator
lucia,Lucía Pérez,"AR,UY",annotator
MAL NOMBRE,Sin Usuario,MX,annotator
pepe,Pepe,XX,annotator
"""

# What the three annotators answer for the first six Mexican records: (es_correcta, calidad) per annotator.
ES_CORRECTA = [("si", "si", "si"), ("si", "si", "no"), ("parcial", "parcial", "parcial"),
               ("no", "no", "no"), ("si", "no", "parcial"), ("si", "si", "si")]
CALIDAD = [(5, 5, 4), (4, 4, 2), (4, 4, 4), (1, 2, 1), (3, 3, 3), (2, 3, 2)]
CORRECTION = "La capital de Jalisco es Guadalajara."


def make_records() -> list[Record]:
    """40 Mexican and 10 Argentine records; some carry HTML that must show as plain text."""
    records = []
    for i in range(40):
        records.append(Record(instruction=f"¿Qué es un chamba número {i}? <b>negrita</b> "
                                          "<img src=x onerror=\"parent.document.title='PWNED'\">",
                              output=f"Es un trabajo, güey ({i}). <script>alert(1)</script>",
                              country="MX", variety="mexicana", source="synthetic",
                              origin={"model": "Qwen2.5-0.5B-Instruct"}))
    for i in range(10):
        records.append(Record(instruction=f"Contame qué es el laburo número {i}", output=f"Es el trabajo, che ({i}).",
                              country="AR", source="donation", origin={"donor": "Somos NLP"}))
    return records


@dataclass
class Loop:
    server: LocalArgilla
    data_dir: Path
    records: list[Record]
    credentials: dict[str, dict[str, str]]
    push_output: str
    users_output: str
    mx_ids: list[str]  # the six Mexican records answered, in ES_CORRECTA order
    pending_id: str  # discarded by ana, a partial draft by beto, submitted by caro


def cli(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result


def mx_records_as(client, dataset_id: str) -> list[dict]:
    """The records an annotator sees (Argilla's /me search: what the web UI uses)."""
    page = client.http_client.post(f"/api/v1/me/datasets/{dataset_id}/records/search", json={},
                                   params={"limit": 100, "include": ["suggestions"]})
    page.raise_for_status()
    return [item["record"] for item in page.json()["items"]]


def submit(client, record_uuid: str, status: str, values: dict | None) -> None:
    """Submit one response through the SDK's records API, as the client's user."""
    from argilla._models import UserResponseModel

    wrapped = None if values is None else {k: {"value": v} for k, v in values.items()}
    client.api.records.create_record_response(record_uuid, UserResponseModel(values=wrapped, status=status,
                                                                              user_id=client.me.id))


@pytest.fixture(scope="module")
def loop(argilla_server: LocalArgilla, tmp_path_factory: pytest.TempPathFactory) -> Loop:
    data_dir = tmp_path_factory.mktemp("annotate-data")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in argilla_server.env.items():
            mp.setenv(key, value)
        mp.setenv("CORPUS600M_DATA_DIR", str(data_dir))
        mp.setenv("CORPUS600M_ANNOTATION_MIN_SUBMITTED", "3")
        mp.setenv("TQDM_DISABLE", "1")
        get_settings.cache_clear()
        records = make_records()
        Store(data_dir).upsert(Table.FILTERED, records)
        csv_path = data_dir / "annotators.csv"
        csv_path.write_text(USERS_CSV, encoding="utf-8")
        users = cli("annotate", "users", str(csv_path))
        assert users.exit_code == 1, users.output  # two bad lines: reported, the four others provisioned
        creds_path = data_dir / "annotate" / "credentials.csv"
        import csv

        with open(creds_path, encoding="utf-8") as fh:
            credentials = {row["username"]: row for row in csv.DictReader(fh)}
        pushed = cli("annotate", "push", "--dataset", DATASET)
        assert pushed.exit_code == 0, pushed.output

        owner = argilla_client(argilla_server)
        mx_dataset = owner.datasets(DATASET, workspace=MX_WS)
        clients = {u: argilla_client(argilla_server, api_key=credentials[u]["api_key"]) for u in ANNOTATORS}
        seen = {r["external_id"]: r for r in mx_records_as(clients["ana"], str(mx_dataset.id))}
        mx_ids = [r.id for r in records if r.country == "MX"]
        for n, record_id in enumerate(mx_ids[:6]):
            for k, user in enumerate(ANNOTATORS):
                values = {"pais": "MX", "variedad": "mexicana", "calidad": CALIDAD[n][k], "es_correcta": ES_CORRECTA[n][k]}
                if n == 1 and user == "caro":
                    values.update(pais="US", variedad="estadounidense")
                if n == 2:
                    values["respuesta_corregida"] = CORRECTION if user != "caro" else "Es Zapopan."
                if n == 3:
                    values["problemas"] = ["sin_sentido"]
                submit(clients[user], seen[record_id]["id"], "submitted", values)
        pending = seen[mx_ids[6]]["id"]
        submit(clients["ana"], pending, "discarded", None)  # Argilla stores values: null
        submit(clients["beto"], pending, "draft", {"pais": "MX"})  # a response with missing values
        submit(clients["caro"], pending, "submitted", {"pais": "MX", "variedad": "mexicana", "calidad": 3,
                                                       "es_correcta": "si"})
        yield Loop(argilla_server, data_dir, records, credentials, pushed.output, users.output, mx_ids[:6], mx_ids[6])
    get_settings.cache_clear()


@pytest.fixture()
def env(loop: Loop, monkeypatch: pytest.MonkeyPatch) -> Loop:
    """The loop's environment for one test (settings re-read)."""
    for key, value in loop.server.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CORPUS600M_DATA_DIR", str(loop.data_dir))
    monkeypatch.setenv("CORPUS600M_ANNOTATION_MIN_SUBMITTED", "3")
    monkeypatch.setenv("TQDM_DISABLE", "1")
    get_settings.cache_clear()
    yield loop
    get_settings.cache_clear()


def argilla_ids(server: LocalArgilla) -> dict[str, list[str]]:
    owner = argilla_client(server)
    out = {}
    for ws in (MX_WS, AR_WS):
        dataset = owner.datasets(DATASET, workspace=ws)
        page = owner.http_client.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()
        out[ws] = [item["external_id"] for item in page["items"]]
    return out


def test_users_are_provisioned_with_secret_passwords_and_bad_lines_named(env: Loop):
    creds = env.data_dir / "annotate" / "credentials.csv"
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    assert set(env.credentials) == {"ana", "beto", "caro", "lucia"}
    assert "line 6" in env.users_output and "'username'" in env.users_output  # MAL NOMBRE
    assert "line 7" in env.users_output and "XX" in env.users_output
    for row in env.credentials.values():  # no secret is ever printed
        assert row["password"] not in env.users_output and row["api_key"] not in env.users_output
    owner = argilla_client(env.server)
    assert {u.username for u in owner.workspaces(MX_WS).users} >= set(ANNOTATORS)
    assert {"lucia"} <= {u.username for u in owner.workspaces("somos600m-uy").users}
    again = cli("annotate", "users", str(env.data_dir / "annotators.csv"))  # idempotent re-run
    assert "existed" in again.output and "created" not in again.output.replace("created\n", "")
    with open(creds, encoding="utf-8") as fh:
        assert fh.read().count("\n") == 5  # header + 4 users, passwords unchanged
    for row in env.credentials.values():
        assert row["password"] not in again.output


def test_fifty_records_pushed_and_a_second_push_adds_none(env: Loop):
    ids = argilla_ids(env.server)
    assert len(ids[MX_WS]) == 40 and len(ids[AR_WS]) == 10
    assert set(ids[MX_WS]) | set(ids[AR_WS]) == {r.id for r in env.records}
    again = cli("annotate", "push", "--dataset", DATASET)
    assert again.exit_code == 0, again.output
    assert argilla_ids(env.server) == ids
    assert "unchanged" in again.output
    # the design as annotators see it: plain text fields, Spanish guidelines, suggestions from the record
    owner = argilla_client(env.server)
    dataset = owner.datasets(DATASET, workspace=MX_WS)
    assert all(f.use_markdown is False for f in dataset.settings.fields)
    assert "Guía de anotación" in dataset.settings.guidelines and "rioplatense" in dataset.settings.guidelines
    assert [q.name for q in dataset.settings.questions] == [
        "pais", "variedad", "calidad", "es_correcta", "respuesta_corregida", "problemas"]
    assert dataset.settings.distribution.min_submitted == 3
    raw = owner.http_client.get(f"/api/v1/datasets/{dataset.id}/records",
                                params={"limit": 1, "include": ["suggestions"]}).json()["items"][0]
    assert sorted(s["value"] for s in raw["suggestions"]) == ["MX", "mexicana"]
    assert raw["metadata"] == {"country": "MX", "variety": "mexicana", "source": "synthetic",
                               "model": "Qwen2.5-0.5B-Instruct"}


def test_an_annotator_cannot_see_another_countrys_dataset(env: Loop):
    lucia = argilla_client(env.server, api_key=env.credentials["lucia"]["api_key"])
    visible = {(d.workspace.name, d.name) for d in lucia.datasets}
    assert (AR_WS, DATASET) in visible and (MX_WS, DATASET) not in visible
    mx_id = argilla_client(env.server).datasets(DATASET, workspace=MX_WS).id
    denied = lucia.http_client.post(f"/api/v1/me/datasets/{mx_id}/records/search", json={})
    assert denied.status_code == 403
    ana = argilla_client(env.server, api_key=env.credentials["ana"]["api_key"])
    assert {d.workspace.name for d in ana.datasets} == {MX_WS}


def test_pull_yields_the_hand_computed_consensus_and_alpha(env: Loop):
    out = env.data_dir / "pulled.jsonl"
    result = cli("annotate", "pull", "--dataset", DATASET, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "discarded response" in result.output
    store = Store(env.data_dir)
    annotated = {r["id"]: r for r in store.read(Table.ANNOTATED).to_dicts()}
    assert set(annotated) == set(env.mx_ids)  # the pending record (1 submitted of 3) is not there yet
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    a = [annotated[rid]["annotation"] for rid in env.mx_ids]
    assert [x["es_correcta"] for x in a] == ["si", "si", "parcial", "no", None, "si"]
    assert [x["calidad"] for x in a] == [5.0, 4.0, 4.0, 1.0, 3.0, 2.0]
    assert [x["needs_review"] for x in a] == [False, False, False, False, True, False]
    assert a[1]["agreement"] == pytest.approx(2 / 3) and a[1]["pais"] == "MX"
    assert a[2]["respuesta_corregida"] == CORRECTION
    assert a[3]["problemas"] == ["sin_sentido"]
    assert all(x["n_annotators"] == 3 and x["dataset"] == DATASET for x in a)
    # es_correcta, nominal, 6 units x 3 coders (each ordered pair weighs 1/2):
    # o_ss=7, o_nn=3, o_pp=3, o_sn=o_ns=1.5, o_sp=o_ps=o_np=o_pn=0.5; n_s=9, n_n=5, n_p=4, n=18
    # D_o = 5/18; D_e = 2(9*5 + 9*4 + 5*4)/(18*17) = 202/306; alpha = 1 - (5/18)/(202/306) = 117/202
    assert a[0]["alpha_es_correcta"] == pytest.approx(float(Fraction(117, 202)))
    # pais: 17 x MX and 1 x US, the US in a unit with two MX: D_o = 2/18 = D_e = 2*17/(18*17): alpha = 0
    assert a[0]["alpha_pais"] == pytest.approx(0.0, abs=1e-12) and a[0]["alpha_variedad"] == pytest.approx(0.0, abs=1e-12)
    # calidad, ordinal: n_1..n_5 = 2, 4, 4, 6, 2; observed pairs (4,5) (2,4) (1,2) (2,3), each twice with weight 1/2
    # d2: (4,5)=16 (2,4)=81 (1,2)=9 (2,3)=16 -> D_o = 2*122/18; sum_{c<k} n_c n_k d2_ck = 8208 -> D_e = 2*8208/306
    # alpha = 1 - (244/18)/(16416/306) = 3067/4104
    assert a[0]["alpha_calidad"] == pytest.approx(float(Fraction(3067, 4104)))
    curated = {r["id"]: r for r in store.read(Table.CURATED).to_dicts()}
    assert set(curated) == set(env.mx_ids[:3])  # r3 'no', r4 tie, r5 quality 2 stay out
    original = next(r for r in env.records if r.id == env.mx_ids[2])
    assert curated[env.mx_ids[2]]["output"] == CORRECTION
    assert curated[env.mx_ids[2]]["origin"]["original_output"] == original.output
    assert curated[env.mx_ids[2]]["origin"]["model"] == "Qwen2.5-0.5B-Instruct"  # provenance kept
    assert curated[env.mx_ids[0]]["output"] == annotated[env.mx_ids[0]]["output"]
    # pulling again changes nothing
    before = store.read(Table.ANNOTATED).drop("updated_at")
    assert cli("annotate", "pull", "--dataset", DATASET).exit_code == 0
    assert store.read(Table.ANNOTATED).drop("updated_at").sort("id").equals(before.sort("id"))


def test_report_table_json_and_chart(env: Loop, tmp_path: Path):
    result = cli("annotate", "report", "--dataset", DATASET, "--out-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    users = {u["username"]: u for u in report["annotators"]}
    assert users["ana"]["submitted"] == 6 and users["ana"]["discarded"] == 1
    assert users["beto"]["draft"] == 1 and users["caro"]["submitted"] == 7
    mx = next(w for w in report["workspaces"] if w["workspace"] == MX_WS)
    assert (mx["records"], mx["completed"], mx["in_progress"], mx["untouched"]) == (40, 6, 1, 33)
    assert mx["needs_review"] == 1 and mx["countries"] == {"MX": 40}
    assert mx["alpha"]["es_correcta"] == pytest.approx(117 / 202)
    assert report["totals"] == {"records": 50, "completed": 6, "progress": 0.12,
                                "responses": {"submitted": 19, "discarded": 1, "draft": 1},
                                "needs_review": 1, "annotators": 3, "gold_copies": 0}
    png = (tmp_path / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "ana" in result.output and "es_correcta" in result.output and "0.579" in result.output


def test_a_record_deleted_in_argilla_is_reported_kept_and_restored(env: Loop):
    owner = argilla_client(env.server)
    dataset = owner.datasets(DATASET, workspace=MX_WS)
    victim = env.records[39].id  # a Mexican record nobody answered
    page = owner.http_client.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 1000}).json()["items"]
    uuid = next(r["id"] for r in page if r["external_id"] == victim)
    owner.api.records.delete(uuid)
    store = Store(env.data_dir)
    annotated_before = store.read(Table.ANNOTATED)
    result = cli("annotate", "pull", "--dataset", DATASET)
    assert result.exit_code == 0, result.output
    assert "no longer in Argilla" in result.output and victim in result.output
    assert victim in store.ids(Table.FILTERED).to_list()  # nothing lost in the store
    assert store.read(Table.ANNOTATED).height == annotated_before.height
    again = cli("annotate", "push", "--dataset", DATASET)
    assert again.exit_code == 0, again.output
    assert victim in argilla_ids(env.server)[MX_WS] and len(argilla_ids(env.server)[MX_WS]) == 40


def test_server_down_gives_a_clear_message_and_leaves_the_store_alone(env: Loop, monkeypatch: pytest.MonkeyPatch):
    from corpus600m.services.process import free_port

    monkeypatch.setenv("ARGILLA_API_URL", f"http://127.0.0.1:{free_port()}")
    get_settings.cache_clear()
    store = Store(env.data_dir)
    before = {t: store.read(t) for t in (Table.FILTERED, Table.ANNOTATED, Table.CURATED)}
    for command in (["pull"], ["push"], ["report"], ["dashboard"], ["review", "push"]):
        result = cli("annotate", *command, "--dataset", DATASET)
        assert result.exit_code == 1
        assert "cannot reach the Argilla server" in result.output and "argilla up" in result.output
        assert "Traceback" not in result.output
        assert env.server.api_key not in result.output
    assert all(store.read(t).equals(frame) for t, frame in before.items())


def test_push_from_a_jsonl_file_names_bad_lines_and_pushes_the_rest(env: Loop, tmp_path: Path):
    good = Record(instruction="¿Qué es una guagua en Canarias?", output="Un autobús.", country="ES",
                  variety="canaria", source="synthetic")
    path = tmp_path / "batch.jsonl"
    path.write_text(good.model_dump_json() + "\n{not json\n" + json.dumps({"instruction": "x", "output": "y",
                                                                          "source": "synthetic", "country": "ZZ"}) + "\n",
                    encoding="utf-8")
    result = cli("annotate", "push", "--dataset", DATASET, "--from", str(path))
    assert result.exit_code == 1  # some lines skipped
    assert f"{path}: line 2: not valid JSON" in result.output
    assert f"{path}: line 3: field 'country'" in result.output
    owner = argilla_client(env.server)
    dataset = owner.datasets(DATASET, workspace="somos600m-es")
    page = owner.http_client.get(f"/api/v1/datasets/{dataset.id}/records").json()["items"]
    assert [r["external_id"] for r in page] == [good.id]


@pytest.mark.browser
def test_an_annotator_signs_in_and_sees_spanish_guidelines_and_suggestions(env: Loop, browser_page, artifacts_dir):
    page = browser_page
    url = env.server.url
    page.goto(f"{url}/sign-in", wait_until="domcontentloaded")
    page.locator("input[type=text]").first.fill("ana")  # labels follow the browser's locale (es)
    page.locator("input[type=password]").fill(env.credentials["ana"]["password"])
    page.locator("input[type=password]").press("Enter")
    page.wait_for_url(lambda u: "sign-in" not in u)
    dataset_id = argilla_client(env.server).datasets(DATASET, workspace=MX_WS).id
    page.goto(f"{url}/dataset/{dataset_id}/annotation-mode", wait_until="domcontentloaded")
    page.get_by_text("MX · México").first.wait_for()
    page.get_by_text(re.compile(r"^\s*(directrices|guidelines)\s*$", re.I)).first.click()  # the panel starts folded
    page.get_by_text("Guía de anotación de #Somos600M").wait_for()
    assert page.get_by_text("vos sabés", exact=False).first.is_visible()  # examples from several countries
    # the suggestion from the record's metadata is pre-selected and marked as a suggestion
    assert page.locator("#pais_MX").is_checked() and page.locator("#variedad_mexicana").is_checked()
    # field text is shown literally: the donated HTML neither renders nor runs
    page.get_by_text("<script>alert(1)</script>", exact=False).first.wait_for()
    texts = " ".join(f.evaluate("() => document.body.innerText") for f in page.frames)
    assert "<b>negrita</b>" in texts and "<script>alert(1)</script>" in texts, texts[:500]
    assert page.title() != "PWNED"
    page.screenshot(path=artifacts_dir / "annotate_argilla_annotator.png", full_page=True)


def test_prefect_flows_push_and_pull_on_the_real_prefect_server(env: Loop, prefect_api: str):
    import asyncio

    from prefect.client.orchestration import get_client

    from flows.annotate import annotate_pull, annotate_push

    push_state = annotate_push(DATASET, return_state=True)
    assert push_state.is_completed()
    assert push_state.result().details["sent"] == 0  # everything already in Argilla
    pull_state = annotate_pull(DATASET, return_state=True)
    assert pull_state.is_completed()
    report = pull_state.result()
    assert (report.n_in, report.n_kept) == (6, 3)
    assert report.details["alpha"][MX_WS]["es_correcta"] == pytest.approx(117 / 202)

    async def read(run_id):
        async with get_client() as client:
            return await client.read_flow_run(run_id)

    run = asyncio.run(read(pull_state.state_details.flow_run_id))
    assert run.name and run.state.type.value == "COMPLETED"
