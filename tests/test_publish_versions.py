"""Versioned releases: history and changelog in the store, the card's CHANGELOG, `--diff`, Hub tags (stand-in)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus600m.records import Record, records_to_frame
from tests.test_publish import corpus_records, mx_variants, settings_for

REPO = "somosnlp/somos600m-prueba"


def next_records() -> list[Record]:
    """corpus_records() a version later: PE left, 2 MX records added, one AR record re-labelled (domain),
    one ES record's output corrected by annotators (same id, text changed)."""
    records = [r for r in corpus_records() if r.country != "PE"]
    ar = next(i for i, r in enumerate(records) if r.country == "AR" and r.source == "synthetic")
    records[ar] = records[ar].model_copy(update={"domain": "ocio"})
    es = next(i for i, r in enumerate(records) if r.country == "ES")
    records[es] = records[es].model_copy(update={
        "output": "El sábado, el Prado y el Retiro; el domingo, el Rastro y La Latina.",
        "origin": records[es].origin.model_copy(update={"original_output": records[es].output})})
    return [*records, *mx_variants(2)]


def _build(records: list[Record], tmp_path: Path, settings, version: str | None, name: str = "repo"):
    from flows.publish import build_gated_repository as build_repository

    return build_repository(records_to_frame(records), tmp_path / name, REPO, settings, run_name=f"run-{version}",
                            version=version)


def test_version_and_changelog_per_country_go_into_the_card(tmp_path: Path) -> None:
    from huggingface_hub import DatasetCard

    from corpus600m.publish.versions import ReleaseHistory
    from corpus600m.store import Store

    settings = settings_for(tmp_path / "data")
    first = _build(corpus_records(), tmp_path, settings, "0.2.0")
    assert first.release.changelog.previous is None and first.release.changelog.totals["added"] == 18
    second = _build(next_records(), tmp_path, settings, "v0.3.0")
    changelog = second.release.changelog
    assert changelog.previous == "0.2.0"
    assert {row["country"]: (row["added"], row["removed"], row["relabelled"], row["edited"]) for row in changelog.rows} \
        == {"AR": (0, 0, 1, 0), "ES": (0, 0, 0, 1), "MX": (2, 0, 0, 0), "PE": (0, 1, 0, 0)}
    assert changelog.totals == {"added": 2, "removed": 1, "relabelled": 1, "edited": 1}

    text = DatasetCard.load(tmp_path / "repo" / "README.md").text
    assert "- **Versión:** 0.3.0 (etiqueta `v0.3.0` en el Hub" in text
    section = text.split("## Registro de cambios (CHANGELOG)")[1].split("## Citación")[0]
    assert section.index("### v0.3.0") < section.index("### v0.2.0")
    assert "Cambios desde v0.2.0 (19 registros en total):" in section
    assert "| México (MX) | 2 | 0 | 0 | 0 |" in section and "| Perú (PE) | 0 | 1 | 0 | 0 |" in section
    assert "| Argentina (AR) | 0 | 0 | 1 | 0 |" in section and "| España (ES) | 0 | 0 | 0 | 1 |" in section
    assert "| **Total** | 2 | 1 | 1 | 1 |" in section
    assert "Primera versión publicada: 18 registros." in section

    # the history is in the store: a re-run with the same records is the same release, nothing added
    history = ReleaseHistory(Store(tmp_path / "data"))
    before = (tmp_path / "data" / "releases" / "index.json").read_text()
    again = _build(next_records(), tmp_path, settings, "0.3.0")
    assert again.release == second.release
    assert (tmp_path / "data" / "releases" / "index.json").read_text() == before
    assert [r.tag for r in history.releases()] == ["v0.2.0", "v0.3.0"]
    assert sorted(p.name for p in (tmp_path / "data" / "releases").glob("*.parquet")) == ["v0.2.0.parquet",
                                                                                         "v0.3.0.parquet"]
    # unchanged records under a new version: an empty changelog, said so
    _build(next_records(), tmp_path, settings, "0.3.1")
    assert "Sin cambios en los registros desde v0.3.0 (19 registros)." in (tmp_path / "repo" / "README.md").read_text()


def test_bad_versions_are_refused(tmp_path: Path) -> None:
    from corpus600m.publish import PublishError
    from corpus600m.publish.versions import ReleaseHistory, ReleaseStatus
    from corpus600m.store import Store

    settings = settings_for(tmp_path / "data")
    with pytest.raises(PublishError, match=r"write it as MAJOR.MINOR.PATCH, e.g. 0.3.0"):
        _build(corpus_records(), tmp_path, settings, "0.3")
    _build(corpus_records(), tmp_path, settings, "0.3.0")
    ReleaseHistory(Store(tmp_path / "data")).mark("0.3.0", ReleaseStatus.TAGGED, "a" * 40)
    with pytest.raises(PublishError, match="v0.3.0 was already pushed .* with other records"):
        _build(next_records(), tmp_path, settings, "0.3.0")
    with pytest.raises(PublishError, match="versions only go forward: v0.3.0 is already released"):
        _build(next_records(), tmp_path, settings, "0.2.9")


def test_cli_diff_shows_the_change_since_a_version_and_writes_nothing(data_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.store import Store, Table

    store = Store(data_dir)
    store.upsert(Table.CURATED, corpus_records())
    out = tmp_path / "repo"
    result = CliRunner().invoke(app, ["publish", "--repo-id", REPO, "--out", str(out), "--version", "0.2.0"])
    assert result.exit_code == 0, result.output
    assert "first release" in result.output

    store.delete(Table.CURATED, [r.id for r in corpus_records() if r.country == "PE"])
    store.upsert(Table.CURATED, next_records())
    readme = (out / "README.md").read_bytes()
    result = CliRunner().invoke(app, ["publish", "--diff", "v0.2.0"])
    assert result.exit_code == 0, result.output
    assert "since v0.2.0" in result.output
    rows = {m.group(1): m.group(2).split() for m in re.finditer(r"│ (\w[^│]*?) +│([\d │]+)│", result.output)}
    assert rows["México (MX)"] == ["2", "│", "0", "│", "0", "│", "0"]
    assert rows["Perú (PE)"] == ["0", "│", "1", "│", "0", "│", "0"]
    assert (out / "README.md").read_bytes() == readme  # nothing built
    assert sorted(p.name for p in (data_dir / "releases").glob("*.parquet")) == ["v0.2.0.parquet"]

    result = CliRunner().invoke(app, ["publish", "--diff", "v0.1.0"])
    assert result.exit_code == 1 and "no release v0.1.0 in the store's history" in result.output
    assert "recorded versions: v0.2.0" in result.output
    result = CliRunner().invoke(app, ["publish", "--version", "0.3.0"])
    assert result.exit_code == 1 and "needs --repo-id and --out" in result.output


# ---- tags on the Hub (stand-in) ------------------------------------------------------------------------------


def _push_settings(hub_standin, tmp_path: Path):
    from pydantic import SecretStr

    return settings_for(tmp_path / "data", hf_endpoint=hub_standin.url, hf_token=SecretStr(hub_standin.token))


def test_push_tags_the_release_commit_and_reruns_are_idempotent(hub_standin, tmp_path: Path) -> None:
    from corpus600m.publish import push_repository
    from corpus600m.publish.versions import ReleaseHistory
    from corpus600m.store import Store

    settings = _push_settings(hub_standin, tmp_path)
    first = _build(corpus_records(), tmp_path, settings, "0.2.0")
    url = push_repository(first, settings)
    assert len(hub_standin.commits) == 1 and url.endswith(hub_standin.commits[0].oid)
    assert hub_standin.commits[0].summary == "Publish v0.2.0 (run-0.2.0): 18 records from 7 countries"
    assert hub_standin.tags[REPO] == {"v0.2.0": (hub_standin.commits[0].oid, "v0.2.0: 18 records (run run-0.2.0)")}
    history = ReleaseHistory(Store(tmp_path / "data"))
    assert (history.get("0.2.0").status, history.get("0.2.0").commit_oid) == ("tagged", hub_standin.commits[0].oid)

    # the same version again: no new commit, no new tag, the same commit URL
    again = _build(corpus_records(), tmp_path, settings, "0.2.0")
    assert push_repository(again, settings) == url
    assert len(hub_standin.commits) == 1 and list(hub_standin.tags[REPO]) == ["v0.2.0"]

    second = _build(next_records(), tmp_path, settings, "0.3.0")
    push_repository(second, settings)
    assert len(hub_standin.commits) == 2
    assert hub_standin.tags[REPO]["v0.3.0"][0] == hub_standin.commits[1].oid != hub_standin.tags[REPO]["v0.2.0"][0]
    readme = hub_standin.repos[REPO]["README.md"].decode()
    assert "### v0.3.0" in readme and "| **Total** | 2 | 1 | 1 | 1 |" in readme


def test_push_after_a_crash_before_the_tag_tags_the_recorded_commit(hub_standin, tmp_path: Path) -> None:
    from corpus600m.publish import push_repository
    from corpus600m.publish.repository import BuildResult
    from corpus600m.publish.versions import ReleaseHistory, ReleaseStatus
    from corpus600m.store import Store

    settings = _push_settings(hub_standin, tmp_path)
    first = _build(corpus_records(), tmp_path, settings, "0.2.0")
    # an upload made the commit, then the process died before tagging: the history says `committed`
    untagged = BuildResult(**{**first.__dict__, "release": None})
    push_repository(untagged, settings)
    oid = hub_standin.commits[0].oid
    ReleaseHistory(Store(tmp_path / "data")).mark("0.2.0", ReleaseStatus.COMMITTED, oid)

    rerun = _build(corpus_records(), tmp_path, settings, "0.2.0")
    assert rerun.release.status == "committed"
    push_repository(rerun, settings)
    assert len(hub_standin.commits) == 1 and hub_standin.tags[REPO]["v0.2.0"][0] == oid
    assert rerun.release.status == "tagged"


def test_a_tag_already_on_another_commit_is_refused(hub_standin, tmp_path: Path) -> None:
    from corpus600m.publish import PublishError, push_repository

    settings = _push_settings(hub_standin, tmp_path)
    push_repository(_build(corpus_records(), tmp_path, settings, "0.2.0"), settings)
    hub_standin.tags[REPO]["v0.3.0"] = (hub_standin.commits[0].oid, "made by hand")
    with pytest.raises(PublishError, match=r"the Hub already has tag v0.3.0 on commit \w+, not on this release's commit"):
        push_repository(_build(next_records(), tmp_path, settings, "0.3.0"), settings)


def test_cli_publish_version_push_prints_the_tag(hub_standin, data_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.store import Store, Table

    monkeypatch.setenv("HF_TOKEN", hub_standin.token)
    Store(data_dir).upsert(Table.CURATED, corpus_records())
    result = CliRunner().invoke(app, ["publish", "--repo-id", REPO, "--out", str(tmp_path / "repo"), "--push",
                                      "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    assert f"tagged v1.0.0 on commit {hub_standin.commits[0].oid}" in result.output.replace("\n", "")
    assert hub_standin.token not in result.output
