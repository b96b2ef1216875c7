"""An in-process search engine for argilla-server (no Elasticsearch), and the server entrypoint that uses it.

This package runs INSIDE the Argilla server's own virtualenv (`.venv-argilla`), started as the top-level
package `argilla_search` (`python -m argilla_search.serve`). It may import only the standard library,
argilla_server and what that virtualenv holds (fakeredis, uvicorn, rq) — never `corpus600m`.

- `text.py`    tokenizer and the simple_query_string subset used by the UI/SDK search box (pure Python)
- `engine.py`  `InProcessSearchEngine`: every method of argilla_server's `SearchEngine` over an in-memory index
- `serve.py`   migrations, owner user, Redis stand-in, rebuild of the index from the database, uvicorn
"""

ENGINE_NAME = "corpus600m-inprocess"
