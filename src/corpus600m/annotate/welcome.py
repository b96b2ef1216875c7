"""Onboarding: one Spanish welcome message per annotator, instead of handing out a CSV of passwords.

`write_welcome_messages` writes `<folder>/<username>.md` (mode 0600, created so from the first byte) with the
Argilla URL, the username, the password (for people created by this tool; otherwise a note that it did not
change), the workspaces, how to start and where the guidelines are. The guidelines link is
CORPUS600M_ANNOTATION_GUIDELINES_URL, or a copy of the guidelines written next to the messages.
Messages are meant to be sent one by one, privately; nothing here prints a secret.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from corpus600m.annotate.design import guidelines
from corpus600m.annotate.users import AnnotatorRow, read_credentials

GUIDELINES_FILE = "guia-de-anotacion.md"

ROLE_ES = {"annotator": "anotación", "reviewer": "revisión", "admin": "coordinación"}

TEMPLATE = """# ¡Te damos la bienvenida al sprint de anotación de #Somos600M, {name}!

Gracias por sumarte. Vas a revisar instrucciones y respuestas en español para que el corpus represente
cómo se habla en tu país. Este mensaje es personal: no lo compartas.

## Tus datos de acceso
- **Dirección**: {url}
- **Usuario**: `{username}`
- **Contraseña**: {password}
- **Rol**: {role}
- **Espacios de trabajo**: {workspaces}

## Cómo empezar
1. Abre {url} e inicia sesión con tu usuario y tu contraseña.
2. Elige tu espacio de trabajo ({first_workspace}) y abre el conjunto de datos {dataset}.
3. Lee la guía de anotación (panel «Directrices» a la derecha, o el enlace de abajo) antes del primer registro.
4. Para cada registro responde país, variedad, calidad y si la respuesta es correcta; escribe la respuesta
   corregida cuando haga falta y marca los problemas que veas. Pulsa **Enviar** (o **Descartar** si no
   puedes valorarlo); **Guardar como borrador** no cuenta todavía.
5. Algunos registros son de control y su respuesta ya se conoce: nos ayudan a ver si la guía se entiende.
   Respóndelos como cualquier otro.
{reviewer_step}
## Guía de anotación
{guidelines_link}

Si algo no funciona o tienes dudas, escribe a la coordinación del sprint. ¡Gracias por tu tiempo!
"""

REVIEWER_STEP = """
Como **revisora o revisor**, además verás el conjunto {review}: son los registros en los que
las personas anotadoras no se pusieron de acuerdo. Tu respuesta ahí es la definitiva; la guía de revisión está
en su panel «Directrices».
"""


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600 from creation, atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def welcome_message(row: AnnotatorRow, url: str, password: str | None, guidelines_link: str,
                    dataset: str | None = None) -> str:
    """The Spanish welcome message of one person (`dataset`: the sprint's Argilla dataset, when known)."""
    review = f"`{dataset}-revision`" if dataset else "que termina en `-revision`"
    return TEMPLATE.format(
        dataset=f"`{dataset}`" if dataset else "del sprint",
        name=row.name, url=url, username=row.username,
        password=f"`{password}`" if password else "la que ya tenías (no ha cambiado)",
        role=ROLE_ES.get(row.role, row.role), workspaces=", ".join(f"`{w}`" for w in row.workspaces),
        first_workspace=f"`{row.workspaces[0]}`" if row.workspaces else "el tuyo",
        reviewer_step=REVIEWER_STEP.format(review=review) if row.role == "reviewer" else "",
        guidelines_link=guidelines_link,
    )


def write_welcome_messages(rows: Sequence[AnnotatorRow], folder: Path, url: str, credentials_path: Path,
                           guidelines_url: str | None = None, dataset: str | None = None) -> list[Path]:
    """One `<username>.md` per row in `folder` (mode 0600; the folder 0700 when created); returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if guidelines_url:
        link = f"[Guía de anotación]({guidelines_url})"
    else:
        (folder / GUIDELINES_FILE).write_text(guidelines(), encoding="utf-8")
        link = (f"La encontrarás en el archivo adjunto `{GUIDELINES_FILE}` y en el panel «Directrices» de Argilla, "
                "junto a cada registro.")
    credentials = read_credentials(credentials_path)
    written = []
    for row in rows:
        password = credentials.get(row.username, {}).get("password") or None
        path = folder / f"{row.username}.md"
        _write_private(path, welcome_message(row, url.rstrip("/"), password, link, dataset))
        written.append(path)
    return written
