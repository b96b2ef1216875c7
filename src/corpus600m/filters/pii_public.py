"""What looks like personal data but is public: the phones, addresses and names of a directory of public services,
an institution's address in text about it, and records about people born or dead a century ago. `pii.detect_pii`
and `pii.propagate_findings` drop these findings."""

from __future__ import annotations

import re

from corpus600m.filters.pii import PiiSpan
from corpus600m.filters.pii_recognizers import PARTY_LABEL


def _any_of(words: list[str], *, stem: bool = False) -> re.Pattern:
    """A case-insensitive pattern for any of `words` (regex fragments) as whole words, or as word starts (`stem`)."""
    return re.compile(rf"(?i:\b(?:{'|'.join(words)})" + (r"\w*)" if stem else r"\b)"))


# public bodies and places open to all
_PUBLIC_BODIES = [
    r"sede", r"oficinas?\s+(?:central|centrales|principal|de\s+atenci[óo]n)", r"museo", r"ministerio", r"embajada",
    r"ministerios", r"consulado", r"ayuntamiento", r"municipalidad", r"alcald[íi]a", r"defensor[íi]a", r"fiscal[íi]a", r"juzgado",
    r"tribunal", r"universidad", r"hospital", r"biblioteca", r"palacio", r"superintendencia", r"instituto",
    r"secretar[íi]a", r"procuradur[íi]a", r"aeropuerto", r"centro\s+cultural", r"intendencia",
]
# an institution's address in text about the institution: "la AEPD ... por escrito en C/ Jorge Juan, 6, 28001
# Madrid", "el Café Tortoni (Av. de Mayo 825)"; dropped only when nothing else in the text is personal data and no one
# says they live or receive things there
_CONTACT_CENTRE = r"centro\s+de\s+(?:contacto|atenci[óo]n|llamadas)"
_INSTITUTION = _any_of(_PUBLIC_BODIES + [
    r"agencia", r"registro\s+civil", r"teatro", r"caf[ée]", r"restaurante", r"hotel", r"catedral", r"bas[íi]lica",
    r"banco\s+central", r"congreso", r"senado", r"terminal", r"estadio", r"mercado", r"casa[\s-]museo",
    r"oficina\s+(?:de\s+turismo|nacional)", r"asociaci[óo]n", r"fundaci[óo]n", r"federaci[óo]n", r"loter[íi]a",
    r"centro\s+nacional", r"registro\s+(?:nacional|p[úu]blico|de\s+la\s+propiedad)", r"comisi[óo]n", r"c[áa]mara\s+de",
    r"colegio\s+de", r"parroquia", r"iglesia", _CONTACT_CENTRE])
# ... or an organization named by its acronym, said to be at the address ("El CNR está en ...", "la sede de la FWC
# queda en ...")
_ACRONYM = re.compile(r"\b(?!(?:DNI|NIF|NIE|RUT|RUN|NIT|RUC|RIF|CUIT|CUIL|CURP|RFC|DPI|DUI|DIP|NSS|SSN|CBU|CVU|IBAN|"
                      r"CLABE|NIS|NIC|PIN|CP|II|III|IV|VI|VII|VIII|IX|XI|XII|"
                      # a vCard's or a form's field names ("TEL;TYPE=CELL:", "EMAIL;TYPE=HOME:")
                      r"TEL|CEL|CELL|FAX|HOME|WORK|TYPE|VOICE|PREF|EMAIL|ADR|ORG|BDAY|NOTE|URL|UID|MOBILE|SMS|WSP|BEGIN|END|"
                      r"VCARD|VERSION|FN)\b)"
                      r"[A-Z]{2,6}\b")
_ACRONYM_THERE = re.compile(_ACRONYM.pattern + r"[^.\n]{0,25}?\b(?:est[áa]|queda|se\s+encuentra|ubicad[oa])\b[^.\n]{0,25}$")
_SOMEONE_THERE = _any_of([
    r"viv[oe]", r"viven", r"vivimos", r"resid[eo]", r"domicili", r"mi\s+casa", r"su\s+casa",
    r"(?:casa|quinta|finca|granja|hacienda|chacra)\s+de",
    r"entreg", r"env[íi][oa]", r"m[áa]nd", r"recog", r"inquilin", r"propietari", r"arrendat", r"queda"], stem=True)
# A line of a directory of public services: "- Cruz Roja (ambulancias): 065", "Hospital del Salvador: Av. Salvador
# 364. Teléfono central: 22 575 4000", "Línea Mujeres: 55 5658 1111". Its phones and addresses are the service's, and
# a "name" in its label is the service's (the NER model reads "Locatel" or "Cruz Roja" as people).
SERVICE = _any_of(_PUBLIC_BODIES + [
    r"cl[íi]nica", r"centro\s+(?:m[ée]dico|de\s+salud)", r"registradur[íi]a", r"cruz\s+roja", r"bomberos",
    r"polic[íi]a", r"emergencias?", r"l[íi]nea", r"consejo", r"protecci[óo]n\s+civil", r"negociado", r"servicio",
    r"caja\s+de", r"procurador[a]?", r"seguro\s+social", r"atenci[óo]n[\s_]+(?:al?[\s_]+)?(?:cliente|usuario|ciudadano|p[úu]blico)s?",
    r"aver[íi]as", r"denuncia", r"locatel", r"terminal\s+de", r"correos", r"comisi[óo]n\s+nacional",
    r"direcci[óo]n\s+(?:general|nacional|regional)"])
# ... and what says a line is about someone's own data
_SOMEONES_LINE = _any_of([
    r"mi", r"mis", r"su", r"sus", r"tu", r"tus", r"soy", r"me\s+llamo", r"cliente", r"paciente", r"contacto\s+de",
    r"titular", r"hij[oa]", r"espos[oa]", r"herman[oa]", r"mam[áa]", r"pap[áa]", r"t[íi][oa]"])
# ... or names a party to a lawsuit or a contract ("TRIBUNAL ... Demandada: Karla Orellana, Av. ...")
_PARTY = re.compile(PARTY_LABEL, re.IGNORECASE)
_DIRECTORY_TYPES = frozenset({"PHONE_NUMBER", "STREET_ADDRESS", "PERSON"})
# a title or a salutation right before a name: someone's, whatever item it is in ("BNB: Sr(a) JHOSELIN MAMANI")
_SALUTED = re.compile(r"(?i:\b(?:estimad[oa]|apreciad[oa]|sr|sra|srta|señor|señora|don|doña|dr|dra)(?:\(a\))?\.?\s*:?\s*)$")
_ITEM_NUMBERS = frozenset({"NATIONAL_ID", "REGISTRY_ID"})


_LINE_HEAD = re.compile(r"[\s|*\-•#>\d.)\"']*(?:(?i:el|la|los|las)\s+)?")


def _directory_item(text: str, position: int) -> bool:
    """Whether `position` is on a short line whose head (before its first colon) names a public service and that
    says nothing of anyone's: "- Hospital de Clínicas: Av. Italia s/n. Teléfono: 2487 1515"."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start:len(text) if end == -1 else end]
    colon = line.find(":")
    # the service heads the line ("- Cruz Roja (ambulancias): 065"), not a word somewhere before the colon
    head = _LINE_HEAD.match(line).end()
    return 0 < colon and len(line) <= 250 and bool(SERVICE.match(line, head, colon)) and not _SOMEONES_LINE.search(line) \
        and not _PARTY.search(line)


# where an item of a list, a row of a table or an object of pasted data begins: "Hospital Roosevelt PBX 2321-7400",
# "| Cruz Roja Americana en Puerto Rico | 787-758-8150 |", '{"nombre":"Museo del Jade","tel":"2521-6610"}'
_ITEM_SEPARATORS = ("\n", ";", " / ", "{", " · ")
# what an item's head may open with before its name: list marks, table bars, numbering, a JSON key
_ITEM_HEAD = re.compile(r"[\s|*\-•#>\d.)\]\"'{:,–]*(?:\"?[A-Za-z_]{1,20}\"?\s*[:=]\s*\"?)?")


_ITEM_LENGTH = 160  # characters from an item's start to a value in it: a directory's items are short
_COMMA_ITEM_LENGTH = 60  # ... and an item between commas ("..., Hospital Roosevelt PBX 2321-7400")
# an acronym that names an organization: not a word of text written in capitals ("URB VILLA CAROLINA", "FROM: DAVID")
_ACRONYM_NAME = re.compile(_ACRONYM.pattern + r"(?=\s*(?:[(|:]|[A-Z]?[a-záéíóúñ])|\s+[–\-]\s)")  # (not "LIC-5571": a code)
# ... and the labels of someone's data in a shipping label or a form
_SOMEONES_LABEL = _any_of([r"remitente", r"destinatari[oa]", r"nombres?", r"apellidos?", r"c[ée]dula", r"ced", r"dni",
                           r"documento", r"ship\s+to", r"enviar\s+a", r"from", r"to"])


def _item_start(text: str, position: int, separators: tuple[str, ...]) -> int:
    """Where the item holding `position` starts: right after the last of `separators` before it (or the text's start)."""
    starts = (text.rfind(sep, 0, position) for sep in separators)
    return max((found + len(sep) if found != -1 else 0) for found, sep in zip(starts, separators, strict=True))


def _institution_item(text: str, position: int, commas: bool = True) -> bool:
    """Whether `position` is in an item of a list, a table row or an object that a public service heads and that
    says nothing of anyone's: "| Hospital Roosevelt (PBX) | 2321-7400 |", "MINSA Av. Salaverry 801 ... 315-6600;",
    "Bomberos Voluntarios 122, ..., Hospital Roosevelt PBX 2321-7400". Only the head counts: in "Ana Paz, Hospital
    Loayza, 987 654 321" the item is Ana's."""
    start = _item_start(text, position, _ITEM_SEPARATORS)
    comma = _item_start(text, position, (", ",))
    for item_start, length in ((start, _ITEM_LENGTH), *([(comma, _COMMA_ITEM_LENGTH)] if commas else [])):
        head_start = _ITEM_HEAD.match(text, item_start).end()
        if head_start >= position:  # the value opens its item: nothing names whose it is
            continue
        head = text[head_start:max(position + 1, head_start + 40)]
        # an institution's name is capitalized: "Hospital Roosevelt", not "secretaria la Lic. ..."
        if item_start >= start and position - item_start <= length and head[:1].isupper() \
                and (SERVICE.match(head) or _INSTITUTION.match(head)
                     or item_start == start and _ACRONYM_NAME.match(head)) \
                and not _SOMEONES_LINE.search(text, item_start, position) \
                and not _SOMEONES_LABEL.search(text, item_start, position) \
                and not _PARTY.search(text, item_start, position):
            return True
    return False


def public_directory(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` without the phones, addresses and service names of the lines that list public services."""
    out = []
    for span in spans:
        if span.entity_type in _DIRECTORY_TYPES:
            # the label: from the start of the line or of the sentence, at most 80 characters before the value
            line_start = max(text.rfind("\n", 0, span.start) + 1, text.rfind(". ", 0, span.start) + 2,
                             text.rfind("; ", 0, span.start) + 2, span.start - 80)
            if span.entity_type == "PERSON":  # a name in the label: the label runs to the colon after it
                colon = text.find(":", span.end, span.end + 40)
                newline = text.find("\n", span.end)
                label_end = colon if colon != -1 and (newline == -1 or colon < newline) else span.start
            else:
                label_end = span.start
            label = text[line_start:label_end]
            # a label says what the value is: "Línea Mujeres: 55 5658 1111" (not "La línea fija del estudio es ...")
            labelled = label.rstrip().endswith(":") or span.entity_type == "PERSON" and label_end != span.start
            if labelled and SERVICE.search(label) and not _SOMEONES_LINE.search(label) or _directory_item(text, span.start) \
                    or _institution_item(text, span.start, commas=span.entity_type == "PHONE_NUMBER") \
                    and not (span.entity_type == "PERSON" and _SALUTED.search(text, max(0, span.start - 20), span.start)):
                continue
        # a bare number in such an item is the service's, whatever shape it has ("| PGN – denuncias | 1546 |")
        elif span.entity_type in _ITEM_NUMBERS and _institution_item(text, span.start):
            continue
        out.append(span)
    return out


_PUBLIC_CONTACTS = frozenset({"STREET_ADDRESS", "PHONE_NUMBER"})
# what says a phone is someone's: "mi número", "llámame", "escríbeme al", "whatsapp"
_CALL_ME = (r"(?:ll[áa]ma|escr[íi]be|escrib[íi]|m[áa]nda|p[áa]sa|av[íi]sa|contact[áa]|textea|marca)"
            r"(?:me|nos|l[eao]s?)")
_SOMEONES_PHONE = _any_of([r"mi", r"mis", r"tu", r"tus", _CALL_ME, r"whats?app", r"wsp", r"cel", r"celular", r"m[óo]vil",
                           r"mensaje", r"este\s+n[úu]mero", r"me\s+(?:l[oa]s?\s+)?(?:manda|env[íi]a|pasa)"])
# ... and, with `SERVICE`, the public bodies and services whose phone a text about them gives (not shops and cafés:
# a small business's phone is often its owner's mobile)
_PHONE_INSTITUTION = _any_of([r"agencia", _CONTACT_CENTRE])


def institution_contact(text: str, s: PiiSpan, people: list[PiiSpan] = ()) -> bool:
    """Whether the address or phone `s` is an institution's, by what is written around it alone (see
    `public_addresses`): an institution or a service named before it, and no one living, receiving or delivering
    there, nor calling the phone theirs, nor one of `people` named between the institution and it ("TRIBUNAL ...
    Demandado: Luis Vega Rosado, 45 Calle Betances" is Luis's address)."""
    # someone living, receiving or delivering there: in the 150 characters before it or in its own line
    line_end = text.find("\n", s.end)
    if _SOMEONE_THERE.search(text, max(0, s.start - 150), len(text) if line_end == -1 else line_end):
        return False
    if s.entity_type == "STREET_ADDRESS":
        window = max(0, s.start - 200)
        named = [m.start() for m in _INSTITUTION.finditer(text, window, s.start)]
        there = _ACRONYM_THERE.search(text[max(0, s.start - 80):s.start])
        if there:
            named.append(max(0, s.start - 80) + there.start())
    else:
        window = max(0, s.start - 100)
        if _SOMEONES_PHONE.search(text, window, s.start):
            return False
        named = [m.start() for pattern in (_PHONE_INSTITUTION, SERVICE, _ACRONYM)
                 for m in pattern.finditer(text, window, s.start)]
    if not named:
        return False
    last = max(named)
    return not any(p.entity_type == "PERSON" and last < p.start < s.start for p in people)


def public_addresses(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` without the addresses and phones of institutions in text about them (see `_INSTITUTION`): "la
    Agencia Tributaria atiende en el 91 554 87 70", "El CNR está en ...", when nothing else in the text is personal
    data, no one says they live or receive things there and no one calls a phone theirs."""
    if any(s.entity_type not in _PUBLIC_CONTACTS and not (s.entity_type == "PERSON" and s.score < 0.8) for s in spans):
        return spans
    if not (_INSTITUTION.search(text) or _ACRONYM.search(text)):
        return spans

    return [s for s in spans if s.entity_type not in _PUBLIC_CONTACTS or not institution_contact(text, s)]


# e-mail accounts of an office, not of a person ("comunicacion@ccss.sa.cr", "noreply@imm.gub.uy", "info@museo.org"),
# and the domains of placeholders ("usuario@example.com", "nombre@dominio.com")
_ROLE = (r"(?:info|informes|informaci[oó]n|contacto|contact|comunicaci[oó]n(?:es)?|prensa|no-?reply|no\.?responder|"
         r"noresponder|notificaciones|avisos|atenci[oó]n|servicio|soporte|support|ventas|sales|admin|administraci[oó]n|"
         r"recepci[oó]n|secretar[ií]a|tr[aá]mites|citas|reservas|reservaciones|facturaci[oó]n|facturas|rrhh|empleo|"
         r"denuncias|quejas|reclamos|webmaster|postmaster|hola|consultas|ayuda|help|oficina|mesadepartes|transparencia|"
         r"privacidad|dpo|cobranzas?|pagos|compras|marketing|eventos|biblioteca|taquilla|boleter[ií]a|suscripciones|"
         r"alertas|seguridad)")
_ROLE_TAIL = r"(?:clientes?|ciudadan[oa]s?|usuarios?|general|web|central|partes|de|al|a|la|p[uú]blico)"
_ROLE_ACCOUNT = re.compile(rf"(?i:{_ROLE}(?:[._\-]?(?:{_ROLE}|{_ROLE_TAIL}))*\d*@)")
# ... unless someone calls it theirs: "Mi mail es info@..."
_MY_MAIL = re.compile(r"(?i:\bmi\s+(?:correo|mail|e-?mail|direcci[óo]n\s+de\s+correo)\b[^@\n]{0,20}$)")
# (a person's name at a reserved domain, "pineiroreynaldo@example.net", is a real address with its domain hidden)
_PLACEHOLDER_EMAIL = re.compile(r"(?i:(?:tu|su|mi)?[._]?(?:usuario|user|nombre|name|correo|email|mail|ejemplo|example|"
                                r"test|prueba|apellido|nombre[._]apellido|alguien|someone|persona|cliente)\d*"
                                r"@(?:example|ejemplo|dominio|tudominio|midominio|sudominio|tuempresa|miempresa|"
                                r"empresa|test|prueba|sample|correo|email|mail)\.[a-z.]+)")
# ... but a role's name at a free mail provider is anyone's ("soporte.clientes2024@gmail.com")
_FREE_MAIL = re.compile(r"(?i:@(?:gmail|googlemail|hotmail|outlook|live|yahoo|ymail|icloud|me|aol|proton(?:mail)?|gmx|"
                        r"yandex|mail|zoho)\.)")
# names that stand for anyone: "Fulano de Tal", "Juan del Pueblo", "John Doe"
_PLACEHOLDER_NAME = re.compile(r"(?i:consumidor\s+final|fulan[oa]|mengan[oa]|zutan[oa]|perengan[oa]|juan\s+del\s+pueblo|juan\s+nadie|"
                               r"john\s+doe|jane\s+doe|perico\s+de\s+los\s+palotes|juan\s+de\s+los\s+palotes)")


# a receipt's products on a line with a price: "Tylenol Extra Strength 100ct   $12.99" (not people)
_PRICE = re.compile(r"(?:[$€£]|S/\.?|Bs\.?|Q\.?|L\.?|C\$|RD\$|US\$)\s?\d|\d[.,]\d{2}\s*(?:€|\$)?\s*$", re.MULTILINE)
# a business's name on a line: a legal form or a kind of shop, whose address, phone and ids follow it on the next lines
# (not a shop's, a restaurant's or a "tienda"'s: a small business's phone and address are often its owner's own)
_LEGAL_FORM = re.compile(r"(?i:\b(?:s\.\s?a\.?(?:\s?u\.|\s?c\.|\s?s\.|\s?de\s+c\.\s?v\.)?|c\.\s?a\.|s\.\s?r\.\s?l\.?|"
                         r"s\.\s?l\.|ltda\.?|inc\.?|llc|e\.i\.r\.l\.|s\.a\.s\.?)(?![\w]))")
_CHAIN = re.compile(r"(?i:\b(?:supermercados?|farmacias?|pharmacy|sucursal|corporaci[óo]n|hipermercado)\b)")
_TITLE_WORDS = re.compile(r"^[\W\d]*(?:[A-ZÁÉÍÓÚÑ][\w'&.-]*[ \t\-–]+){1,3}")


def _business_name(line: str) -> bool:
    """A line that names a company by its legal form ("... S.A.", "LLC"), or a chain by its kind in a title-case or
    capitals heading ("FARMACIA EL AMAL", "CVS Pharmacy #4821"), not "junto a la farmacia Cruz Azul"."""
    return bool(_LEGAL_FORM.search(line)) or bool(_CHAIN.search(line)) and bool(_TITLE_WORDS.match(line))
_BUSINESS_LINES = 4  # lines after a business's name that hold its address, phone and ids
_SHORT_LINE = 80  # characters of a receipt's or an invoice's header line
_ROW = re.compile(r"\t|\s\|\s|;")
_DATA_OF = re.compile(r"(?i:\bdatos\s+de|\bcuenta\s+de\s+cobro|\bc\.?c\.?\b|\bc[ée]dula|\bdni\b|\bdebe\s+a\b)")


def _business_line(text: str, position: int) -> bool:
    """Whether `position` is on a business's name line or within the `_BUSINESS_LINES` after it (a receipt's or an
    invoice's header), with no one's data on its own line ("Cliente: ...", "mi ...")."""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line_end = len(text) if line_end == -1 else line_end
    if line_end - line_start > _SHORT_LINE or _SOMEONES_LINE.search(text, line_start, line_end) or \
            _SOMEONES_LABEL.search(text, line_start, position):
        return False
    start = line_start
    # a row of a table is its own: "Ferretería El Güegüense S.A.<tab>J0310000123456" says nothing of the next row
    lines = 1 if _ROW.search(text, line_start, line_end) else _BUSINESS_LINES + 1
    for _ in range(lines):
        line_end = text.find("\n", start)
        line_end = len(text) if line_end == -1 else line_end
        if line_end - start > _SHORT_LINE or not text[start:line_end].strip():
            return False  # a paragraph or a blank line: not in a receipt's header
        if _business_name(text[start:line_end]):
            return True
        if _SOMEONES_LINE.search(text, start, line_end) or _SOMEONES_LABEL.search(text, start, line_end) or \
                _DATA_OF.search(text, start, line_end):
            return False  # "DATOS DEL DESTINATARIO", "Cliente: ...": someone's data from here on
        if start == 0:
            return False
        start = text.rfind("\n", 0, start - 1) + 1
    return False


def business_data(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` without a business's own data: the address, phone, tax id and numbers in a receipt's or an invoice's
    header (a line naming a company by its legal form or a chain by its kind, and the lines after it); product names
    read as people on a line with a price."""
    from corpus600m.filters.pii_people import is_given_name

    out = []
    for s in spans:
        value = text[s.start:s.end]
        if s.entity_type not in ("PERSON", "EMAIL_ADDRESS", "DATE_OF_BIRTH"):
            if _business_line(text, s.start):
                continue
        elif s.entity_type == "PERSON" and not _SALUTED.search(text, max(0, s.start - 20), s.start):
            line_start = text.rfind("\n", 0, s.start) + 1
            line_end = text.find("\n", s.end)
            line = text[line_start:len(text) if line_end == -1 else line_end]
            if len(line) <= _SHORT_LINE and _PRICE.search(line) and not is_given_name(value.split()[0]):
                continue
        out.append(s)
    return out


# a thing's number right before it: a parcel's tracking, an order's, an invoice's ("el tracking de Andreani es
# 3600...", "guía 7712...", "factura 001-002-...", "timbrado 1623...", "pedido #48812")
_THING_NUMBER_BEFORE = re.compile(
    r"(?i:\b(?:tracking|seguimiento|gu[íi]a|pedido|orden|factura|boleta|timbrado|ticket|folio|consecutivo|"
    r"localizador|reserva|comprobante|transacci[óo]n|operaci[óo]n|referencia|ref|isbn|issn|sku|ean|serie|lote|"
    r"env[íi]o|remito|albar[áa]n|cotizaci[óo]n|presupuesto)"
    r"(?:\s+(?:de|del)\s+(?:la\s+|el\s+)?[\w.&\-]+(?:\s+[A-Z][\w.&\-]*)?)?"
    r"\s*(?:n[°º.o]\.?\s*|#\s*|nro\.?\s*|no\.\s*|:\s*|es\s+(?:el\s+|la\s+)?)?\s*)$")
_NOT_THINGS = frozenset({"PERSON", "EMAIL_ADDRESS", "STREET_ADDRESS", "DATE_OF_BIRTH", "IP_ADDRESS", "URL_PERSONAL",
                         "SOCIAL_HANDLE"})


def things_numbers(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` without the numbers that their words say are a thing's (a tracking, an order, an invoice, an ISBN),
    when nothing else found in the text is someone's: beside someone's data an order's or a transfer's number is
    theirs too (it leads to them). A company's tax id stays: the team's probes count it as data to redact."""
    things = [s for s in spans if s.entity_type not in _NOT_THINGS and thing_number(text, s.start)]
    return spans if not things or len(things) < len(spans) else []


def thing_number(text: str, start: int) -> bool:
    """Whether the words right before `start` say the number there is a thing's."""
    return bool(_THING_NUMBER_BEFORE.search(text, max(0, start - 60), start))


def things_values(texts: dict[str, str | None], spans: dict[str, list[PiiSpan]]) -> set[str]:
    """The values found in a record that its words call a thing's number in some place (the tracking number
    repeated in the answer is still the tracking number), when everything found in it is such a number."""
    found = {text[s.start:s.end] for name, text in texts.items() if text for s in spans[name]}
    things = set()
    for value in {text[s.start:s.end] for name, text in texts.items() if text for s in spans[name]
                  if s.entity_type not in _NOT_THINGS}:
        for text in texts.values():
            start = text.find(value) if text else -1
            while start != -1 and value not in things:
                if thing_number(text, start):
                    things.add(value)
                start = text.find(value, start + 1)
    return things if found <= things else set()


# ids published for anyone's use: Mexico's generic RFCs (SAT: the public at large, foreigners)
_GENERIC_IDS = frozenset({"XAXX010101000", "XEXX010101000"})


def placeholders_and_offices(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` without what is no one's: an office's e-mail account or a placeholder's, a number of zeros after its
    area code ("787-000-0000"), a name that stands for anyone, and a "name" that is an institution's ("Cruz Roja
    Americana", "Bomberos Municipales", "Embajada de España")."""
    out = []
    for s in spans:
        value = text[s.start:s.end]
        if s.entity_type == "EMAIL_ADDRESS" and (_PLACEHOLDER_EMAIL.fullmatch(value) or _ROLE_ACCOUNT.match(value)
                                                 and not _FREE_MAIL.search(value)
                                                 and not _MY_MAIL.search(text, max(0, s.start - 40), s.start)):
            continue
        if s.entity_type not in _NOT_THINGS:
            digits = "".join(ch for ch in value if ch.isdigit())
            if len(digits) >= 7 and set(digits[-7:]) == {"0"} or value.upper() in _GENERIC_IDS:
                continue
        if s.entity_type == "PERSON" and (_PLACEHOLDER_NAME.match(value) or SERVICE.search(value)):
            continue
        out.append(s)
    return out


# a birth or a death a century ago or more: "nació el 24 de julio de 1783", "murió en 1830", "(1853-1895)"
_HISTORICAL_LIFE = re.compile(r"(?i:\b(?:naci[óo]|muri[óo]|falleci[óo]|asesinad[oa]|fusilad[oa]|nacimiento|fallecimiento)\b"
                              r"[^.\n]{0,60}?\b1[0-8]\d\d\b|\(\s*1[0-8]\d\d\s*[-–]\s*1[0-9]\d\d\s*\))")
_HISTORICAL_TYPES = frozenset({"PERSON", "DATE_OF_BIRTH", "STREET_ADDRESS"})
_LAST_HISTORICAL_BIRTH = 1920


def historical_record(texts: dict[str, str | None], spans: dict[str, list[PiiSpan]]) -> bool:
    """A record about someone born or dead a century ago (a school sheet on Bolívar, Martí's birthplace): names,
    dates of birth and addresses in it are history, not personal data, when nothing else is (no phone, e-mail,
    id...) and no one introduces themselves."""
    from corpus600m.filters.pii_people import _OBITUARY, _PERSONAL_SENTENCE, MY_KIN_NAMED

    if any(s.entity_type not in _HISTORICAL_TYPES for found in spans.values() for s in found):
        return False
    values = [t for t in texts.values() if t]
    if any(_PERSONAL_SENTENCE.search(t) or _OBITUARY.search(t) or MY_KIN_NAMED.search(t) for t in values):
        return False
    births = [texts[name][s.start:s.end] for name, found in spans.items() for s in found
              if s.entity_type == "DATE_OF_BIRTH"]
    years = [int(y) for b in births for y in re.findall(r"\b(1\d{3}|20\d\d)\b", b)]
    if years and max(years) >= _LAST_HISTORICAL_BIRTH:
        return False
    return bool(years) or any(_HISTORICAL_LIFE.search(t) for t in values)


# a value quoted and called an example in its sentence: "ponen como ejemplo de número de cliente 'Customer ID
# 123456789'", "El ejemplo 'Finca 1234, Folio 56' es ilustrativo" (a registry's or a form's illustration)
EXAMPLE_WORD = re.compile(r"(?i:\bejemplos?\b|\bfictici[oa]s?\b|\bilustrativ[oa]s?\b|\bde\s+muestra\b)")
_QUOTE = re.compile(r"(?<!\w)'[^'\n]{1,60}'(?!\w)|«[^»\n]{1,60}»|“[^”\n]{1,60}”|\"[^\"\n]{1,60}\"")


def quoted_examples(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` without those inside a short quote that its sentence calls an example, fictitious or illustrative,
    in a text where no one gives their own data ("me llamo", "Nombre:", "titular:"...)."""
    from corpus600m.filters.pii_people import _PERSONAL_SENTENCE, _sentence

    if _PERSONAL_SENTENCE.search(text):
        return spans
    examples = [m for m in _QUOTE.finditer(text) if EXAMPLE_WORD.search(_sentence(text, m.start(), m.end()))]
    return [s for s in spans if not any(m.start() < s.start and s.end < m.end() for m in examples)]
