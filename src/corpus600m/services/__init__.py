"""Start, stop and check the local real services of the embedded default (Prefect API, Argilla, LLM server)."""
