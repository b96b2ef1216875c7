"""The catalog: Spanish-speaking countries, dialect areas (varieties) and the languages the corpus accepts.

Country codes are ISO 3166-1 alpha-2; language codes are ISO 639-1 where one exists, else ISO 639-3.
Variety ids are ASCII slugs; their Spanish names are what annotators see.

The dialect areas follow the usual division of Hispanic dialectology (Henríquez Ureña, Moreno-Fernández):
a country may hold more than one area (Spain: castellana, andaluza, canaria; Colombia: caribeña and andina),
and each country has one default area used when a record says nothing more precise.
"""

from __future__ import annotations

from dataclasses import dataclass


class UnknownCodeError(ValueError):
    """A country, variety or language code that is not in the catalog."""

    def __init__(self, kind: str, value: object, valid: list[str]):
        self.kind = kind
        self.value = value
        self.valid = valid
        super().__init__(f"unknown {kind} {value!r}; valid {kind} codes: {', '.join(valid)}")


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name_es: str
    name_en: str
    default_variety: str
    varieties: tuple[str, ...]
    spanish_official: bool = True


@dataclass(frozen=True)
class Variety:
    id: str
    name_es: str
    countries: tuple[str, ...]
    regions: str  # where it is spoken, in Spanish, for annotators and prompts
    voseo: bool  # whether voseo is the everyday second-person form in (part of) the area
    features: str  # a short, prompt-ready description of what marks the variety


@dataclass(frozen=True)
class Language:
    code: str
    name_es: str
    name_en: str
    countries: tuple[str, ...]  # where it is official or co-official (or widely spoken, for indigenous ones)
    default: bool = False  # accepted without opting in


VARIETIES: dict[str, Variety] = {
    v.id: v
    for v in [
        Variety(
            "castellana", "castellana (centro y norte de España)", ("ES",),
            "centro y norte de la península ibérica", False,
            "distinción s/z, vosotros con sus formas verbales, leísmo frecuente, léxico peninsular (coche, ordenador, móvil, vale)",
        ),
        Variety(
            "andaluza", "andaluza (sur de España)", ("ES",),
            "Andalucía, Murcia, Extremadura, Ceuta y Melilla", False,
            "seseo o ceceo, aspiración de /s/ final, ustedes por vosotros en el occidente, léxico andaluz (chiquillo, quillo, mijilla)",
        ),
        Variety(
            "canaria", "canaria (Islas Canarias)", ("ES",),
            "Islas Canarias", False,
            "seseo, ustedes en lugar de vosotros, léxico canario y americano (guagua, papa, millo)",
        ),
        Variety(
            "mexicana", "mexicana", ("MX", "US"),
            "México y comunidades mexicanas de los Estados Unidos", False,
            "tuteo, ustedes, diminutivos frecuentes (ahorita), léxico mexicano (camión para autobús, padre, chamba, platicar)",
        ),
        Variety(
            "centroamericana", "centroamericana", ("GT", "HN", "SV", "NI", "CR"),
            "Guatemala, Honduras, El Salvador, Nicaragua y Costa Rica", True,
            "voseo (vos tenés), usted también entre familiares, léxico centroamericano (chunche, maje, cipote, tico, pura vida)",
        ),
        Variety(
            "caribena", "caribeña", ("CU", "DO", "PR", "PA", "VE", "CO", "US"),
            "Cuba, República Dominicana, Puerto Rico, Panamá, las costas de Venezuela y Colombia y comunidades caribeñas de los Estados Unidos", False,
            "tuteo, aspiración o pérdida de /s/, sujeto pronominal explícito en preguntas (¿qué tú quieres?), léxico caribeño (guagua, chévere, vaina)",
        ),
        Variety(
            "andina", "andina", ("CO", "VE", "EC", "PE", "BO", "AR"),
            "zonas altas de Colombia, Venezuela, Ecuador, Perú y Bolivia, y el noroeste argentino", True,
            "consonantes finales conservadas, usted frecuente, voseo en partes de Colombia y Ecuador, préstamos del quechua y el aimara (cancha, choclo, guagua por bebé)",
        ),
        Variety(
            "chilena", "chilena", ("CL",),
            "Chile", True,
            "voseo verbal (¿cómo estái?), aspiración de /s/, léxico chileno (cachai, pololo, fome, al tiro, harto)",
        ),
        Variety(
            "rioplatense", "rioplatense", ("AR", "UY"),
            "Argentina y Uruguay", True,
            "voseo (vos sabés, tenés), žeísmo/šeísmo, léxico rioplatense (che, laburo, colectivo, pibe, boludo)",
        ),
        Variety(
            "paraguaya", "paraguaya", ("PY", "AR"),
            "Paraguay y el nordeste argentino", True,
            "voseo, contacto intenso con el guaraní (partículas como 'nomás', 'pio', 'ko'), léxico paraguayo (che'i, jaha)",
        ),
        Variety(
            "ecuatoguineana", "ecuatoguineana", ("GQ",),
            "Guinea Ecuatorial", False,
            "base peninsular, contacto con fang, bubi y pichi, usted como tratamiento común",
        ),
        Variety(
            "estadounidense", "estadounidense", ("US",),
            "Estados Unidos", False,
            "contacto con el inglés, préstamos y calcos (aplicar para una beca, troca), mezcla de variedades de origen",
        ),
    ]
}


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in [
        Country("AR", "Argentina", "Argentina", "rioplatense", ("rioplatense", "andina", "paraguaya")),
        Country("BO", "Bolivia", "Bolivia", "andina", ("andina",)),
        Country("CL", "Chile", "Chile", "chilena", ("chilena",)),
        Country("CO", "Colombia", "Colombia", "andina", ("andina", "caribena")),
        Country("CR", "Costa Rica", "Costa Rica", "centroamericana", ("centroamericana",)),
        Country("CU", "Cuba", "Cuba", "caribena", ("caribena",)),
        Country("DO", "República Dominicana", "Dominican Republic", "caribena", ("caribena",)),
        Country("EC", "Ecuador", "Ecuador", "andina", ("andina",)),
        Country("ES", "España", "Spain", "castellana", ("castellana", "andaluza", "canaria")),
        Country("GQ", "Guinea Ecuatorial", "Equatorial Guinea", "ecuatoguineana", ("ecuatoguineana",)),
        Country("GT", "Guatemala", "Guatemala", "centroamericana", ("centroamericana",)),
        Country("HN", "Honduras", "Honduras", "centroamericana", ("centroamericana",)),
        Country("MX", "México", "Mexico", "mexicana", ("mexicana",)),
        Country("NI", "Nicaragua", "Nicaragua", "centroamericana", ("centroamericana",)),
        Country("PA", "Panamá", "Panama", "caribena", ("caribena",)),
        Country("PE", "Perú", "Peru", "andina", ("andina",)),
        Country("PR", "Puerto Rico", "Puerto Rico", "caribena", ("caribena",)),
        Country("PY", "Paraguay", "Paraguay", "paraguaya", ("paraguaya",)),
        Country("SV", "El Salvador", "El Salvador", "centroamericana", ("centroamericana",)),
        Country("UY", "Uruguay", "Uruguay", "rioplatense", ("rioplatense",)),
        Country("VE", "Venezuela", "Venezuela", "caribena", ("caribena", "andina")),
        Country("US", "Estados Unidos", "United States", "estadounidense", ("estadounidense", "mexicana", "caribena"),
                spanish_official=False),
    ]
}


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("es", "español", "Spanish", tuple(COUNTRIES), default=True),
        Language("ca", "catalán", "Catalan", ("ES",)),
        Language("gl", "gallego", "Galician", ("ES",)),
        Language("eu", "euskera", "Basque", ("ES",)),
        Language("qu", "quechua", "Quechua", ("PE", "BO", "EC")),
        Language("gn", "guaraní", "Guarani", ("PY", "BO")),
        Language("ay", "aimara", "Aymara", ("BO", "PE")),
        Language("nah", "náhuatl", "Nahuatl", ("MX",)),
        Language("arn", "mapudungun", "Mapudungun", ("CL",)),
    ]
}


def country(code: str) -> Country:
    """The country for an ISO 3166-1 alpha-2 code (case-insensitive); `UnknownCodeError` lists the valid ones."""
    key = code.strip().upper() if isinstance(code, str) else code
    if key not in COUNTRIES:
        raise UnknownCodeError("country", code, sorted(COUNTRIES))
    return COUNTRIES[key]


def variety(variety_id: str) -> Variety:
    """The dialect area for a variety id (case-insensitive); `UnknownCodeError` lists the valid ones."""
    key = variety_id.strip().lower() if isinstance(variety_id, str) else variety_id
    if key not in VARIETIES:
        raise UnknownCodeError("variety", variety_id, sorted(VARIETIES))
    return VARIETIES[key]


def language(code: str) -> Language:
    """The language for an ISO 639 code (case-insensitive); `UnknownCodeError` lists the valid ones."""
    key = code.strip().lower() if isinstance(code, str) else code
    if key not in LANGUAGES:
        raise UnknownCodeError("language", code, sorted(LANGUAGES))
    return LANGUAGES[key]


def parse_countries(spec: str | list[str]) -> list[Country]:
    """Parse `"MX,AR"` (or a list) into countries, keeping order and dropping repeats."""
    items = spec.split(",") if isinstance(spec, str) else spec
    seen: dict[str, Country] = {}
    for item in items:
        if item.strip():
            c = country(item)
            seen.setdefault(c.code, c)
    if not seen:
        raise UnknownCodeError("country", spec, sorted(COUNTRIES))
    return list(seen.values())


def locale_for(lang: str, country_code: str | None) -> str:
    """The locale tag for a language and country, e.g. `es_MX` (Somos NLP's `idioma` column)."""
    lang_code = language(lang).code
    return f"{lang_code}_{country(country_code).code}" if country_code else lang_code


def country_variety_pairs() -> list[tuple[str, str]]:
    """Every (country, variety) cell the corpus aims to cover, in catalog order."""
    return [(c.code, v) for c in COUNTRIES.values() for v in c.varieties]
