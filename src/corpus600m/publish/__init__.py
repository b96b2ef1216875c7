"""Publishing: the curated corpus as a Hugging Face dataset repository (Parquet + Dataset Card), gated and pushed.

`build_repository` checks the gates (licence, provenance, language, PII re-scan) and writes the repository;
`push_repository` uploads it in one commit. The CLI (`corpus600m publish`) and the Prefect flow
(`flows/publish.py`) call these.
"""

from corpus600m.publish.gates import GateReport, PublishError, check_gates
from corpus600m.publish.inputs import read_curated, read_jsonl, read_rejected
from corpus600m.publish.repository import (
    BuildResult,
    PublishRefused,
    build_repository,
    commit_message,
    default_run_name,
    push_repository,
)

__all__ = [
    "BuildResult", "GateReport", "PublishError", "PublishRefused", "build_repository", "check_gates",
    "commit_message", "default_run_name", "push_repository", "read_curated", "read_jsonl", "read_rejected",
]
