"""One settings object for the whole pipeline.

Read from the environment (prefix `CORPUS600M_`, e.g. `CORPUS600M_DATA_DIR`) and from a `.env` file in
the working directory. A few well-known variables are also accepted under their usual names
(`ARGILLA_API_URL`, `ARGILLA_API_KEY`, `HF_TOKEN`, `HF_ENDPOINT`). Secrets are `SecretStr`: their
repr, str and JSON dump are masked, so printing or logging the settings never shows them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus600m import catalog


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CORPUS600M_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # ---- store ------------------------------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Root of the corpus store and every local service's state.")
    store_url: str | None = Field(
        None, description="Keep the tables on object storage instead of <data_dir>/tables: an fsspec URL such as "
                          "s3://bucket/corpus600m (tables under <url>/tables/). Every stage reads and writes there; services' "
                          "state, caches, run reports and Argilla push ledgers stay in data_dir.")
    store_options: SecretStr | None = Field(
        None, description='fsspec storage options for store_url, as JSON, e.g. {"client_kwargs": {"endpoint_url": '
                          '"http://minio:9000"}}. Secret (never printed); credentials are better left to the usual '
                          "variables (AWS_ACCESS_KEY_ID, ...).")

    # ---- languages --------------------------------------------------------------------------------
    allowed_langs: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["es"],
        description="Languages the corpus accepts (ISO 639); opt in to co-official ones, e.g. es,ca,gl.",
    )

    # ---- Argilla ----------------------------------------------------------------------------------
    argilla_api_url: str | None = Field(
        None,
        validation_alias=AliasChoices("CORPUS600M_ARGILLA_API_URL", "ARGILLA_API_URL"),
        description="A remote Argilla 2.x server; unset means the project's local server.",
    )
    argilla_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("CORPUS600M_ARGILLA_API_KEY", "ARGILLA_API_KEY")
    )
    argilla_host: str = Field("127.0.0.1", description="Interface the local Argilla server listens on.")
    argilla_port: int = Field(6900, description="Port of the local Argilla server.")
    argilla_venv: Path | None = Field(
        None, description="Virtualenv of the local argilla-server; default .venv-argilla/ in the repository."
    )

    # ---- LLM (generation) -------------------------------------------------------------------------
    llm_backend: str = Field("embedded", description="embedded | openai | hf-inference")
    llm_base_url: str | None = Field(
        None, description="openai: the OpenAI-compatible base URL, e.g. http://host:8000/v1. hf-inference: a dedicated "
                          "Inference Endpoint's (or TGI server's) URL, e.g. https://xyz.endpoints.huggingface.cloud; "
                          "chat completions are posted to <url>/v1/chat/completions (<url>/chat/completions if it ends in /v1).")
    llm_model: str | None = Field(
        None, description="Model name the endpoint serves. hf-inference: a Hub model id for the serverless API, or, "
                          "with a base URL, the name records carry as their model (default: the URL).")
    llm_api_key: SecretStr | None = None
    llm_model_path: Path | None = Field(None, description="A GGUF file for the embedded llama.cpp server.")
    llm_host: str = "127.0.0.1"
    llm_port: int = 8765
    llm_models_dir: Path | None = Field(None, description="Where installed GGUFs live; default <venv>/share/corpus600m/models.")
    llm_model_repo: str | None = Field(None, description="'owner/repo/file.gguf' fetched from the Hub if no local model.")
    llm_threads: int | None = Field(None, description="CPU threads of the embedded server; default all cores.")
    llm_parallel: int = Field(2, ge=1, description="Concurrent requests: server slots and pipeline batch size.")
    llm_context: int = Field(4096, ge=512, description="Context tokens of the embedded server (shared by its slots).")
    llm_max_new_tokens: int = Field(256, ge=8, description="Max tokens the model writes per instruction or answer.")
    llm_temperature: float = Field(0.7, ge=0.0, le=2.0)
    llm_timeout: float = Field(600.0, gt=0, description="Seconds to wait for one LLM response.")
    llm_chunk_items: int = Field(32, ge=1, description="Items per distilabel run: the unit of store writes and resume.")

    # ---- LLM judge and generation checks ---------------------------------------------------------------
    judge_enabled: bool = Field(True, description="Run the LLM judge on every generated record (a second pass of the same backend).")
    judge_min_score: int = Field(
        0, ge=0, le=5, description="The filters reject records whose judge score is below this (quality:judge); 0 turns "
                                   "the gate off. Off by default: see README, 'Judge and variety checks'.")
    judge_max_new_tokens: int = Field(96, ge=16, description="Max tokens of one judge verdict.")
    generate_instruction_attempts: int = Field(
        3, ge=1, le=6, description="Attempts per item to get an instruction that is a real request (not an echo, greeting, "
                                  "meta-description or English) within the same distilabel run.")
    generate_variety_attempts: int = Field(
        3, ge=1, le=6, description="Attempts per instruction and per answer to get forms of address that fit the item's "
                                  "variety (e.g. voseo, not tuteo, for rioplatense), within the same distilabel run; "
                                  "1 turns the retry off.")
    generate_variety_adapt: bool = Field(
        True, description="When an answer in a voseo variety still has tuteo after its attempts, rewrite its forms of "
                          "address by rule (puedes -> podés, dime -> decime; generate/voseo.py), keep it only if it "
                          "then fits, and mark the record (origin.variety_adapted; Argilla shows it as metadata "
                          "variety_adapted=si). False keeps the model's text and lets the filters reject it.")
    filter_variety_check: bool = Field(True, description="Reject records whose text contradicts their variety (quality:variety_mismatch).")

    # ---- Prefect and scheduling -------------------------------------------------------------------
    prefect_port: int = 4200
    prefect_api_url: str | None = Field(
        None, validation_alias=AliasChoices("CORPUS600M_PREFECT_API_URL", "PREFECT_API_URL"),
        description="A remote Prefect server / Prefect Cloud API; unset means the project's local server.",
    )
    pipeline_countries: str = Field("MX,AR,ES,CO", description="Countries the main job generates for by default.")
    pipeline_per_country: int = Field(2, description="Records per country the main job generates by default.")
    pipeline_dataset: str = Field("somos600m", description="Argilla dataset name of the main job.")
    pipeline_repo_id: str = Field("somosnlp/somos600m-instrucciones", description="Hub repo id the main job publishes to.")
    fill_gaps_target: int = Field(100, description="Records per country×variety the scheduled generation aims at.")
    schedule_generate_cron: str = "0 3 * * *"
    schedule_ingest_cron: str = "0 * * * *"
    schedule_filter_cron: str = "30 * * * *"
    schedule_pull_minutes: int = 5
    schedule_publish_cron: str = "0 6 * * 1"
    schedule_publish_push: bool = Field(False, description="Scheduled publish pushes to the Hub (else a dry run).")
    dask_address: str | None = Field(
        None, description="tcp://host:8786 of a Dask scheduler for partitioned filter/ingest; unset = a LocalCluster."
    )

    # ---- Hugging Face Hub (publishing) ------------------------------------------------------------
    hf_token: SecretStr | None = Field(None, validation_alias=AliasChoices("CORPUS600M_HF_TOKEN", "HF_TOKEN"))
    hf_endpoint: str | None = Field(None, validation_alias=AliasChoices("CORPUS600M_HF_ENDPOINT", "HF_ENDPOINT"))
    hub_organization: str = "somosnlp"
    hub_pretty_name: str = Field("Somos600M: instrucciones en español", description="Pretty name of the published dataset.")
    hub_synthetic_license: str = Field(
        "Apache-2.0",
        description="Licence of synthetic records whose origin names none: the default generator (Qwen2.5) is Apache-2.0.",
    )
    hub_model_licenses: dict[str, str] = Field(
        default_factory=dict,
        description='Licence per generator model name, JSON, e.g. {"meta-llama/Llama-3.1-8B-Instruct": "llama3.1"}.',
    )
    hub_annotation_license: str = Field("CC-BY-4.0", description="Licence of records written by annotators.")
    hub_shard_rows: int = Field(100_000, ge=1, description="Maximum rows per published Parquet shard.")
    hub_private: bool = Field(False, description="Create the Hub repository as private.")

    # ---- annotation -------------------------------------------------------------------------------
    annotation_min_submitted: int = Field(2, ge=1, description="Submitted responses a record needs before its consensus is taken (Argilla task distribution).")
    annotation_agreement_threshold: float = Field(
        0.6, ge=0.0, le=1.0, description="Records whose weakest question has a smaller share agreeing with the consensus are flagged needs_review."
    )
    annotation_quality_threshold: float = Field(4.0, ge=1.0, le=5.0, description="Minimum consensus calidad (median, 1-5) for a record to be curated.")
    annotation_workspace_grouping: str = Field(
        "country", description="Argilla workspaces: 'country', 'variety' or groups 'centroamerica=GT,HN,SV,NI,CR;rioplatense=AR,UY'."
    )
    annotation_workspace_prefix: str = Field("somos600m", description="Prefix of workspace names (somos600m-mx, somos600m-global).")
    annotation_gold_rate: float = Field(0.05, gt=0.0, le=1.0, description="Share of gold (calibration) copies mixed into each workspace's queue by `annotate push --gold`.")
    annotation_public_url: str | None = Field(None, description="Argilla URL annotators open (welcome messages); default the server's URL.")
    annotation_guidelines_url: str | None = Field(None, description="Where annotators read the guidelines (welcome messages); default a copy next to the messages.")
    dashboard_anonymous: bool = Field(False, description="The sprint dashboard shows annotators by their initials.")
    dashboard_refresh_seconds: int = Field(60, ge=5, description="`annotate dashboard --serve`: seconds between rebuilds (and page reloads).")

    # ---- filters ----------------------------------------------------------------------------------
    filter_pii_policy: dict[str, str] = Field(
        default_factory=dict,
        description="Action per PII entity type, JSON: {\"CREDIT_CARD\": \"reject\", \"PERSON\": \"keep\"}; "
        "actions: redact (typed placeholder such as <EMAIL>), reject (the record), keep (recorded only).",
    )
    filter_pii_default_action: str = Field("redact", pattern="^(redact|reject|keep)$",
                                           description="Action for entity types not in filter_pii_policy.")
    filter_pii_min_score: float = Field(0.5, ge=0.0, le=1.0, description="PII findings with a lower score are ignored.")
    filter_min_lang_score: float = Field(0.5, ge=0.0, le=1.0,
                                         description="Below this confidence an allowed-language verdict is not trusted (lenient for short texts).")
    filter_min_instruction_chars: int = Field(8, ge=0, description="Shorter instructions are rejected (quality:too_short).")
    filter_min_output_chars: int = Field(2, ge=0, description="Shorter outputs are rejected (quality:too_short).")
    filter_max_field_chars: int = Field(20_000, ge=1, description="Longer fields are rejected (quality:too_long).")
    filter_near_duplicate_threshold: float = Field(0.8, ge=0.0, le=1.0,
                                                   description="Estimated Jaccard of word 3-grams at or above which two records are near-duplicates.")
    filter_batch_rows: int = Field(20_000, ge=100, description="Records filtered per batch (bounds memory).")

    # ---- donations --------------------------------------------------------------------------------
    donation_licenses: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-3.0", "CC-BY-SA-3.0", "PDDL-1.0", "ODC-By-1.0",
            "ODbL-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "Apache-2.0", "MIT",
            "BSD-2-Clause", "BSD-3-Clause", "Unlicense",
        ],
        description="SPDX ids of the open licences a donation may carry (comma-separated in the env); others are refused.",
    )
    donation_max_field_chars: int = Field(
        20_000, ge=1, description="Longest instruction/input/output (characters) a donated row may have; longer rows are quarantined."
    )
    donation_max_unpacked_gb: float = Field(
        20.0, gt=0, description="Most data (GB, declared sizes) the archives of one donation may unpack to, nested ones "
                               "included; a larger one (or one that would not fit on the disk) is refused before anything is written."
    )
    donation_inbox_dir: str = Field("inbox", description="Folder under the data dir where each donation is a subfolder with its manifest.")
    donation_batch_rows: int = Field(50_000, ge=1, description="Rows read per batch while ingesting a donation (bounds memory).")

    @field_validator("donation_licenses", "allowed_langs", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.replace(" ", "").split(",") if part]
        return value

    @field_validator("allowed_langs")
    @classmethod
    def _known_langs(cls, value: list[str]) -> list[str]:
        return [catalog.language(code).code for code in value]

    def service_home(self, service: str) -> Path:
        """Where the local service `service` (argilla, llm, prefect) keeps its state: `<data dir>/services/<service>`."""
        return self.data_dir / "services" / service

    @property
    def cache_dir(self) -> Path:
        """Caches (distilabel, datasets) kept inside the data dir rather than the home directory."""
        return self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests call `get_settings.cache_clear()` after changing the env."""
    return Settings()


def settings_for(data_dir: str | Path | None = None) -> Settings:
    """The process-wide settings with `data_dir` in place of the configured one (None: as configured).

    The one way a data dir reaches a stage: a flow takes `data_dir` as a parameter (default: the setting) and hands
    the stages `settings_for(data_dir)` (or the path itself, to those that take one).
    """
    settings = get_settings()
    return settings.model_copy(update={"data_dir": Path(data_dir)}) if data_dir else settings
