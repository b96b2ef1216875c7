"""What a donation's ingestion did: the JSON report and a short Markdown summary for the contributor (in Spanish)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from corpus600m.records import StageReport, utcnow


class FileSummary(BaseModel):
    """Counts for one file (or one split) of the donation."""

    model_config = ConfigDict(extra="forbid")

    file: str
    format: str
    encoding: str | None = None
    rows_read: int = 0
    kept: int = 0
    quarantined: int = 0
    duplicates: int = 0


class DonationReport(BaseModel):
    """The outcome of one donation; `rows_read == kept + quarantined + duplicates` always holds."""

    model_config = ConfigDict(extra="forbid")

    donation: str
    donor: str
    license: str
    path: str
    status: str = "processed"
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    seconds: float = 0.0
    rows_read: int = 0
    kept: int = Field(0, description="Rows written to the donated table (new, or already there from this donation).")
    quarantined: int = 0
    duplicates: int = Field(0, description="Rows whose content already appeared earlier in the donation or in the store.")
    duplicates_in_donation: int = 0
    duplicates_in_store: int = 0
    already_ingested: int = Field(0, description="Kept rows that an earlier run of this same donation had already written.")
    quarantined_by_reason: dict[str, int] = Field(default_factory=dict)
    language_mix: dict[str, int] = Field(default_factory=dict, description="Detected language -> rows, on `language_sample` kept rows.")
    language_sample: int = 0
    quarantine_path: str | None = None
    report_path: str | None = None
    files: list[FileSummary] = Field(default_factory=list)
    ignored_files: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    filters: StageReport | None = None
    filters_note: str | None = None
    rows_per_second: float = 0.0

    @model_validator(mode="after")
    def _identity(self) -> DonationReport:
        if self.rows_read != self.kept + self.quarantined + self.duplicates:
            raise ValueError(f"rows_read ({self.rows_read}) != kept ({self.kept}) + quarantined ({self.quarantined}) "
                             f"+ duplicates ({self.duplicates})")
        if sum(self.quarantined_by_reason.values()) != self.quarantined:
            raise ValueError("quarantined_by_reason does not add up to quarantined")
        return self

    def finish(self) -> DonationReport:
        self.finished_at = utcnow()
        self.seconds = (self.finished_at - self.started_at).total_seconds()
        self.rows_per_second = self.rows_read / self.seconds if self.seconds > 0 else 0.0
        return self._identity()

    def to_markdown(self) -> str:
        """A short summary for the contributor (Spanish: contributors are Spanish speakers)."""
        lines = [
            f"# Donación «{self.donation}» de {self.donor}",
            "",
            f"¡Gracias por donar tu corpus a #Somos600M! Licencia: **{self.license}**.",
            "",
            "| | filas |",
            "|---|---:|",
            f"| leídas | {self.rows_read:,} |",
            f"| aceptadas | {self.kept:,} |",
            f"| en cuarentena (con problemas) | {self.quarantined:,} |",
            f"| duplicadas (no se añaden otra vez) | {self.duplicates:,} |",
        ]
        if self.quarantined_by_reason:
            lines += ["", "## Filas en cuarentena, por motivo", "", "| motivo | filas |", "|---|---:|"]
            lines += [f"| `{reason}` — {REASON_ES.get(reason, reason)} | {n:,} |"
                      for reason, n in sorted(self.quarantined_by_reason.items(), key=lambda kv: -kv[1])]
            lines += ["", f"Cada fila apartada, con su archivo, línea y motivo, está en `{self.quarantine_path}`. "
                          "Puedes corregirlas y volver a donarlas: las filas ya aceptadas no se duplican."]
        if self.language_mix:
            total = sum(self.language_mix.values())
            mix = ", ".join(f"{lang} {n / total:.0%}" for lang, n in sorted(self.language_mix.items(), key=lambda kv: -kv[1]))
            lines += ["", f"**Idiomas** (sobre {self.language_sample:,} filas aceptadas): {mix}."]
        if self.filters is not None:
            lines += ["", f"**Filtros** (idioma, datos personales, duplicados, calidad): pasan {self.filters.n_kept:,}, "
                          f"descartadas {self.filters.n_rejected:,}."]
            if self.filters.rejected_by_reason:
                lines += ["", ", ".join(f"`{k}`: {v:,}" for k, v in sorted(self.filters.rejected_by_reason.items()))]
        if self.warnings:
            lines += ["", "## Avisos", ""] + [f"- {w}" for w in self.warnings]
        return "\n".join(lines) + "\n"


REASON_ES = {
    "malformed": "línea o fila ilegible (JSON o CSV mal formado)",
    "not_an_object": "la línea no es un objeto JSON con columnas",
    "missing_field": "falta una columna indicada en el manifiesto",
    "empty_field": "instrucción o respuesta vacía",
    "non_text": "el valor no es texto (número, lista, objeto)",
    "too_long": "campo demasiado largo",
    "control_chars": "caracteres de control",
    "invalid_unicode": "Unicode inválido (sustitutos sueltos)",
    "encoding_damage": "texto dañado por una conversión de codificación (�)",
    "html": "contiene HTML o scripts",
}
