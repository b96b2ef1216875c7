"""Annotators from a CSV: created in Argilla, added to their workspaces, passwords kept in a 0600 file.

The CSV has a header and one person per line:

    username,name,countries,role
    ana.mx,Ana López,MX,annotator
    lucia,Lucía Pérez,"AR,UY",annotator
    coord,Coordinación,*,admin          # '*' = every workspace, 'global' = the global one only
    rosa,Rosa Díaz,MX,reviewer          # decides the review round (an Argilla annotator whose answers count there)

Passwords are generated (`secrets`), written with the user's API key to
`<data dir>/annotate/credentials.csv` (mode 0600) and never printed or logged. Re-running is idempotent:
existing users keep their password and key, missing workspace memberships are added. Everyone's role
(no secret) is recorded in `<data dir>/annotate/roles.csv`: the review round reads who the reviewers are.
"""

from __future__ import annotations

import csv
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corpus600m import catalog
from corpus600m.annotate.client import AnnotateError, get_json
from corpus600m.annotate.workspaces import WorkspaceLayout, WorkspaceLayoutError

if TYPE_CHECKING:
    import argilla as rg

COLUMNS = ("username", "name", "countries", "role")
ROLES = ("annotator", "reviewer", "admin")  # owners are made by hand, never from a CSV
ARGILLA_ROLE = {"annotator": "annotator", "reviewer": "annotator", "admin": "admin"}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
CREDENTIAL_COLUMNS = ("username", "password", "api_key")


@dataclass(frozen=True)
class AnnotatorRow:
    """One valid line of the annotators CSV, with the workspaces it resolves to."""

    line: int
    username: str
    name: str
    role: str
    workspaces: tuple[str, ...]


@dataclass
class CsvProblems:
    """Valid rows and, for the others, what is wrong where."""

    rows: list[AnnotatorRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_annotators_csv(path: Path, layout: WorkspaceLayout) -> CsvProblems:
    """Parse and validate the CSV; errors name the file, line and column and say what to do."""
    out = CsvProblems()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise AnnotateError(f"{path}: no such file; give a CSV with columns {', '.join(COLUMNS)}") from exc
    except UnicodeDecodeError as exc:
        raise AnnotateError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from exc
    kept = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if not line.lstrip().startswith("#")]
    numbers = [number for number, _ in kept]  # errors name the line in the file, comments included
    reader = csv.DictReader(line for _, line in kept)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise AnnotateError(f"{path}: line 1: missing column(s) {', '.join(missing)}; the header must be "
                            f"{','.join(COLUMNS)}")
    reader.fieldnames = header
    seen: dict[str, int] = {}
    for row in reader:
        line = numbers[reader.line_num - 1]
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        where = f"{path}: line {line}"
        username = values["username"].lower()
        problems = []
        if not _USERNAME.match(username):
            problems.append(f"column 'username' = {values['username']!r}: use 2-64 lowercase letters, digits, '.', '_' "
                            "or '-', starting with a letter or digit")
        elif username in seen:
            problems.append(f"column 'username' = {username!r}: already on line {seen[username]}; keep one line per person")
        role = values["role"].lower() or "annotator"
        if role not in ROLES:
            problems.append(f"column 'role' = {values['role']!r}: must be one of {', '.join(ROLES)}")
        workspaces: list[str] = []
        try:
            workspaces = layout.workspaces_for_countries(values["countries"])
        except (WorkspaceLayoutError, catalog.UnknownCodeError) as exc:
            problems.append(f"column 'countries' = {values['countries']!r}: {exc}")
        if problems:
            out.errors.extend(f"{where}: {p}" for p in problems)
            continue
        seen[username] = line
        out.rows.append(AnnotatorRow(line, username, values["name"] or username, role, tuple(workspaces)))
    return out


def read_credentials(path: Path) -> dict[str, dict[str, str]]:
    """username -> {password, api_key} from the credentials file (empty if it does not exist)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["username"]: row for row in csv.DictReader(fh)}


def write_credentials(path: Path, credentials: dict[str, dict[str, str]]) -> None:
    """Write the file atomically, created with mode 0600 (never readable by others, even for an instant)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CREDENTIAL_COLUMNS)
        writer.writeheader()
        for username in sorted(credentials):
            writer.writerow({c: credentials[username].get(c, "") for c in CREDENTIAL_COLUMNS})
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@dataclass(frozen=True)
class ProvisionedUser:
    """What provisioning did for one person (no secrets here: this is what gets printed)."""

    username: str
    role: str
    created: bool
    workspaces: tuple[str, ...]
    added_to: tuple[str, ...]
    password_known: bool  # False: the user existed before and their password is not in the credentials file


def ensure_workspaces(client: rg.Argilla, names: list[str]) -> dict[str, rg.Workspace]:
    """Create the workspaces that do not exist yet; return name -> workspace."""
    import argilla as rg

    existing = {ws.name: ws for ws in client.workspaces}
    for name in names:
        if name not in existing:
            existing[name] = rg.Workspace(name=name, client=client).create()
    return {name: existing[name] for name in names}


def provision(client: rg.Argilla, rows: list[AnnotatorRow], credentials_path: Path) -> list[ProvisionedUser]:
    """Create missing users, add every user to their workspaces, record new passwords and keys (0600)."""
    import argilla as rg

    credentials = read_credentials(credentials_path)
    needed = sorted({ws for row in rows for ws in row.workspaces})
    workspaces = ensure_workspaces(client, needed)
    members = {name: {u.username for u in ws.users} for name, ws in workspaces.items()}
    existing = {u.username: u for u in client.users}
    results = []
    for row in rows:
        user = existing.get(row.username)
        created = user is None
        if created:
            password = secrets.token_urlsafe(18)
            user = rg.User(username=row.username, first_name=row.name, role=ARGILLA_ROLE[row.role], password=password,
                           client=client).create()
            # the key is only in the raw API answer (the SDK's UserModel drops it)
            api_key = get_json(client, f"/api/v1/users/{user.id}")["api_key"]
            credentials[row.username] = {"username": row.username, "password": password, "api_key": api_key}
            write_credentials(credentials_path, credentials)  # after each user: a crash loses no password
        added = []
        for name in row.workspaces:
            if row.username not in members[name]:
                workspaces[name].add_user(user)
                members[name].add(row.username)
                added.append(name)
        results.append(ProvisionedUser(row.username, row.role, created, row.workspaces, tuple(added),
                                       row.username in credentials))
    write_roles(credentials_path.parent / "roles.csv", {row.username: row.role for row in rows})
    return results


def write_roles(path: Path, roles: dict[str, str]) -> None:
    """Merge `roles` (username -> role) into the roles file, atomically."""
    current = {}
    if path.exists():
        with open(path, encoding="utf-8", newline="") as fh:
            current = {row["username"]: row["role"] for row in csv.DictReader(fh)}
    current.update(roles)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["username", "role"])
        writer.writerows(sorted(current.items()))
    os.replace(tmp, path)
