"""Personal data that its column or key names: pasted tables, CSV, JSON, YAML, .env, vCards and SQL INSERTs.

People paste data into a chatbot as it comes out of a spreadsheet or an API: `"ci":"4.583.210"`, `BDAY:1988-04-09`,
`name,phone,email,city,a_number` over `...,Houston,A213-482-917`, `| Colaborador | Cédula | ... |`. The value
alone is a number like many others ("4.583.210" is also a quantity); what says it is someone's id, phone or date of
birth is its column's header or its key, which may sit lines away from it. Here each value of such a structure is
read with its header or key, and reported with the type the header names (`COLUMN_TYPES`).
"""

from __future__ import annotations

import re
import unicodedata

from corpus600m.filters.pii import PiiSpan


def _key(name: str) -> str:
    """A header or key as compared: lower case, no accents, words joined by one space ("Fecha_Nac." -> "fecha nac")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


# header/key words (after `_key`) -> the entity their values are; whole keys or their first/last word
_ID_KEYS = frozenset(
    "dni|ci|cc|ce|cedula|ced|rut|run|curp|rfc|nit|ruc|rif|dpi|dui|nie|nif|nss|ssn|itin|nuip|cuil|cuit|dip|cip|cui|"
    "pasaporte|passport|documento|doc|num documento|nro documento|numero documento|numero de documento|"
    "identificacion|id number|national id|a number|alien number|uscis|carnet|carne|legajo|mrn|historia clinica|"
    "expediente|afiliado|member id|poliza|policy|policy number|licencia|license|placa|patente|matricula|cuenta|"
    "account|iban|clabe|cbu|cvu|tarjeta|card|card number|nro tarjeta|numero tarjeta|tarjeta identidad|ti|imss|"
    "seguro social|social security|codigo alumno|student id|employee id|id empleado|codigo empleado|cedula identidad|"
    "cedula de identidad|no cedula|nro cedula|numero cedula|doc identidad|documento identidad".split("|"))
_PHONE_KEYS = frozenset("tel|telefono|telf|tlf|cel|celular|movil|phone|mobile|whatsapp|wsp|fono|fax|tel contacto|"
                        "telefono contacto|telefono celular|phone number|numero celular|numero telefono".split("|"))
_DOB_KEYS = frozenset("dob|bday|birth|birthdate|birthday|fecha nac|fecha nacimiento|f nac|fnac|nacimiento|fec nac|"
                      "date of birth|fecha de nacimiento|fecha de nac|fch nac".split("|"))
_PERSON_KEYS = frozenset(
    "cliente|paciente|empleado|empleada|colaborador|colaboradora|propietario|propietaria|alumno|alumna|estudiante|"
    "titular|afiliado|afiliada|socio|socia|pasajero|pasajera|huesped|responsable|beneficiario|beneficiaria|"
    "destinatario|destinataria|remitente|conductor|conductora|inquilino|inquilina|apoderado|tutor|participante|"
    "inscrito|inscrita|asistente|trabajador|trabajadora|invitado|invitada|padre|madre|apoderada|acudiente|"
    "contacto|vecino|vecina|jugador|jugadora|miembro|integrante|voluntario|voluntaria|guest|student|patient".split("|"))
# a row's own number ("ID", "Código", "No. libreta"): someone's only beside other personal data (`pii.anchored`)
_ROW_ID_KEYS = frozenset("id|codigo|cod|code|no|nro|numero|num|libreta|no libreta|ficha|legajo|socio|id cliente|"
                         "codigo cliente|customer id|client id|user id|id usuario|usuario id".split("|"))
_NAME_KEYS = frozenset("nombre|nombres|name|full name|nombre completo|apellido|apellidos|apellidos y nombres|"
                       "nombres y apellidos|fn|first name|last name".split("|"))


def column_type(header: str) -> str | None:
    """The entity that a column or key holds, by its header: "Cédula" -> NATIONAL_ID, "fecha_nac" -> DATE_OF_BIRTH,
    "Cel" -> PHONE_NUMBER, "Paciente" -> PERSON, "nombre" -> NAME (a person's only beside other personal data)."""
    key = " ".join(re.sub(r"\d+", " ", _key(header)).split())  # a numbered column: "tel1", "fecha_nacimiento_2"
    if not key or len(key) > 30:
        return None
    words = key.split()
    kinds = ((_DOB_KEYS, "DATE_OF_BIRTH"), (_PHONE_KEYS, "PHONE_NUMBER"), (_ID_KEYS, "NATIONAL_ID"),
             (_PERSON_KEYS, "PERSON"), (_NAME_KEYS, "NAME"), (_ROW_ID_KEYS, "REGISTRY_ID"))
    # the whole key first ("id cliente"), then its first or last word ("cedula_cliente", "cliente_ci", "tel_casa")
    for keys, entity in kinds:
        if key in keys:
            return entity
    for keys, entity in kinds:
        if len(words) <= 3 and (words[0] in keys or words[-1] in keys):
            return entity
    return None


_DIGITS = re.compile(r"\d")
_DATE = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{1,2}\s+de\s+\w+(?:\s+de\s+\d{4})?")
_NAME_CELL = re.compile(r"[A-ZÁÉÍÓÚÑÜ][A-Za-zÁÉÍÓÚÑÜáéíóúñüç'\-]+(?:\s+(?:de(?:l| la| los)?\s+)?"
                        r"[A-ZÁÉÍÓÚÑÜ][A-Za-zÁÉÍÓÚÑÜáéíóúñüç'\-]+){0,4}")


def _fits(entity: str, value: str) -> bool:
    """Whether a cell's value can be what its column holds."""
    digits = len(_DIGITS.findall(value))
    if entity == "DATE_OF_BIRTH":
        return bool(_DATE.fullmatch(value) or re.fullmatch(r"(?:19|20)\d{6}", value))
    if entity in ("NATIONAL_ID", "PHONE_NUMBER", "REGISTRY_ID"):
        return digits >= 4 and len(value) <= 30 and not _DATE.fullmatch(value)
    return digits == 0 and bool(_NAME_CELL.fullmatch(value))


# `"key": "value"`, `key: value`, `KEY=value`, vCard `TEL;TYPE=CELL:value`: one value, up to the end of its field
_KEYED = re.compile(r"(?:^|(?<=[{,;\s\[]))[\"']?([A-Za-zÁÉÍÓÚáéíóúñÑ_][\w .\-]{0,29}?)[\"']?(?:;[\w=,\-]*)?\s*[:=]\s*"
                    r"[\"']?([^\"'\n,;{}\[\]|]{2,60}?)[\"']?\s*(?=[,;}\]\n|]|$)", re.MULTILINE)
_DELIMITERS = ("|", ";", "\t", ",")
_MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# SQL: "INSERT INTO t (a, b) VALUES ('x', 'y'), ('z', 'w')"
_INSERT = re.compile(r"(?is:insert\s+into\s+[\w.\"`]+\s*\(([^)]*)\)\s*values\s*)")
_SQL_TUPLE = re.compile(r"\s*\(([^()]*)\)")
_BETWEEN_ROWS = re.compile(r"\s*,?")
_SQL_VALUE = re.compile(r"'((?:[^']|'')*)'|(-?[\w.+\-@]+)")


def _cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """The spans of a line's cells, stripped of spaces and quotes."""
    out, start = [], 0
    for part in line.split(delimiter):
        end = start + len(part)
        left = len(part) - len(part.lstrip(" \"'"))
        right = len(part) - len(part.rstrip(" \"'\r"))
        out.append((start + left, max(start + left, end - right)))
        start = end + 1
    return out


def _table_values(text: str):
    """(header, start, end) for each cell of the delimited tables of `text` (CSV, TSV, Markdown): a block of 2+
    consecutive lines with the same number (2+) of the same delimiter; its first line is the header."""
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    for delimiter in _DELIMITERS:
        i = 0
        while i < len(lines):
            count = lines[i][1].count(delimiter)
            j = i + 1
            while j < len(lines) and count >= 2 and lines[j][1].count(delimiter) == count:
                j += 1
            if count >= 2 and j - i >= 2:
                header_start, header_line = lines[i]
                headers = [header_line[a:b] for a, b in _cells(header_line, delimiter)]
                for row_start, row in lines[i + 1:j]:
                    if _MARKDOWN_RULE.match(row):
                        continue
                    for k, (a, b) in enumerate(_cells(row, delimiter)):
                        if k < len(headers) and b > a:
                            yield headers[k], row_start + a, row_start + b
                i = j
            else:
                i += 1


_ALIGNED_GAP = re.compile(r"\S {2,}\S")
_ALIGNED_CELL = re.compile(r"\S+(?: \S+)*")
_TOKEN = re.compile(r"\S+")


def _aligned_values(text: str):
    """(header, start, end) for the numbers of tables aligned with spaces (a spreadsheet pasted as text): a block of
    2+ consecutive lines with gaps of 2+ spaces, whose header line (3+ cells) names a column; a number belongs to the header
    cell that starts at or before it ("1 Empleado   Cédula" over "2 Dairo Mosquera 1.128.440.917")."""
    offset, block = 0, []
    lines = []
    for line in text.split("\n") + [""]:
        if _ALIGNED_GAP.search(line):
            block.append((offset, line))
        else:
            if len(block) >= 2:
                lines.append(block)
            block = []
        offset += len(line) + 1
    for block in lines:
        for h, (_, header_line) in enumerate(block):
            cells = [(m.start(), m.group()) for m in _ALIGNED_CELL.finditer(header_line)]
            if len(cells) >= 3 and any(column_type(cell) for _, cell in cells):
                break
        else:
            continue
        for row_start, row in block[h + 1:]:
            for token in _TOKEN.finditer(row):
                if _DIGITS.search(token.group()):
                    owners = [cell for start, cell in cells if start <= token.start() + 1]
                    if owners:
                        yield owners[-1], row_start + token.start(), row_start + token.end()


def _sql_values(text: str):
    """(column, start, end) for each value of the rows of SQL INSERTs."""
    for insert in _INSERT.finditer(text):
        columns = [c.strip(" \"`'\n") for c in insert.group(1).split(",")]
        position = insert.end()
        while (row := _SQL_TUPLE.match(text, position)) is not None:
            for k, value in enumerate(_SQL_VALUE.finditer(row.group(1))):
                if k < len(columns):
                    group = 1 if value.group(1) is not None else 2
                    yield columns[k], row.start(1) + value.start(group), row.start(1) + value.end(group)
            position = _BETWEEN_ROWS.match(text, row.end()).end()


# a vCard's structured name, "N:Vila;Martín;;;": its surname and its given names
_VCARD_N = re.compile(r"^N(?:;[^:\n]*)?:([^;\n]*);([^;\n]*)", re.MULTILINE)


def _vcard_names(text: str):
    for match in _VCARD_N.finditer(text):
        for group in (1, 2):
            if match.end(group) > match.start(group):
                yield "nombre", match.start(group), match.end(group)


def might_have_columns(text: str) -> bool:
    """A cheap test: a key-value pair, a delimited line or an INSERT."""
    return ("\n" in text and ("," in text or "|" in text or ";" in text or "\t" in text or "   " in text)) \
        or '":' in text or "=" in text or "VALUES" in text.upper()


def column_values(text: str) -> list[PiiSpan]:
    """Values that their column's header or their key names as personal data: ids, phones, dates of birth and
    people's names (a "nombre" column's only in a text with another personal column)."""
    found: list[tuple[str, int, int]] = []
    for source in (_table_values(text), _sql_values(text), _aligned_values(text), _vcard_names(text),
                   ((m.group(1), m.start(2), m.end(2)) for m in _KEYED.finditer(text))):
        for header, start, end in source:
            entity = column_type(header)
            value = text[start:end].strip()
            if entity and value and _fits("PERSON" if entity == "NAME" else entity, value):
                start = text.index(value, start)
                found.append((entity, start, start + len(value)))
    personal = any(e not in ("NAME", "REGISTRY_ID") for e, _, _ in found)
    return [PiiSpan("PERSON" if e == "NAME" else e, s, t, 0.7) for e, s, t in found if e != "NAME" or personal]


# columns and keys that hold a product's number or a quantity: an EAN, a price, a population (an order's or a
# transfer's number leads to its customer: `pii_public.things_numbers` keeps those only with no one's data around)
_THING_KEYS = frozenset("ean|ean13|upc|gtin|isbn|issn|sku|barcode|codigo barras|cod barras|codigo de barras|modelo|"
                        "precio|price|total|subtotal|monto|importe|cantidad|qty|poblacion|poblacion estimada|"
                        "habitantes|registros|records|count|stock".split("|"))


def thing_cells(text: str) -> list[tuple[int, int]]:
    """The cells and values whose column header or key says they are a product's number or a quantity ("ean",
    "poblacion_estimada"): no one's id, whatever their shape."""
    cells = []
    for source in (_table_values(text), ((m.group(1), m.start(2), m.end(2)) for m in _KEYED.finditer(text))):
        for header, start, end in source:
            key = " ".join(_key(header).split())
            if key in _THING_KEYS:
                cells.append((start, end))
    return cells

