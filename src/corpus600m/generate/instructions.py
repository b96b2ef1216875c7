"""Is a generated instruction a real user request? Rules for what small models write instead.

Measured on the default 0.5B model (30 records of `make run`-like generation, see README): about half of the
"instructions" were the assistant's greeting ("¡Hola! ¿En qué puedo ayudarte hoy?"), a description of the user
("El usuario ha pedido una petición de consejo práctico sobre...") or the prompt's own words echoed. The
generation step retries those (bounded, `CORPUS600M_GENERATE_INSTRUCTION_ATTEMPTS`) and the judge scores them 1.
"""

from __future__ import annotations

import re

MIN_CHARS = 12
GREETING = re.compile(
    r"(?:en\s+qu[ée]\s+(?:m[áa]s\s+)?(?:te|le|les|os)?\s*puedo\s+(?:ayudar|servir|asistir)|"
    r"c[óo]mo\s+(?:te|le|les)?\s*puedo\s+(?:ayudar|asistir|servir)|puedo\s+ayudarte\s+hoy|"
    r"estoy\s+aqu[íi]\s+para\s+(?:ayudar|asistir)|soy\s+(?:tu|su|un|una)\s+asistente|"
    r"(?:hola|buen[oa]s\s+\w+)[!.,]*\s*¿?\s*c[óo]mo\s+est[áa]s?\s*\??\s*$)",
    re.IGNORECASE,
)
META = re.compile(
    r"^\W*(?:el|la|un|una|este|esta)\s+(?:usuari[oa]|persona|cliente|hablante)\b|"
    r"\b(?:el|la)\s+usuari[oa]\s+(?:de\s+\w+\s+)?(?:ha\s+pedido|pide|solicita|quiere|dice|habla|podr[íi]a|deber[íi]a|sugiere|"
    r"le\s+(?:ha\s+)?pedido|puede\s+hacer|ha\s+solicitado)|\basistente\s+virtual\b|^\W*(?:instrucci[óo]n|petici[óo]n|"
    r"solicitud|respuesta)\s*:?\s*$",
    re.IGNORECASE,
)
ECHO = re.compile(
    r"\btrata\s+al\s+asistente\b|\bespañol\s+(?:castellan|andaluz|canari|mexican|centroamerican|caribeñ|andin|"
    r"chilen|rioplatense|paraguay|ecuatoguinean|estadounidense)\w*|\bsobre\s+este\s+tema\b|\busa\s+palabras\s+y\s+"
    r"referencias\b|\bvoseo\s+verbal\b|\bregla\s+obligatoria\b|\bl[ée]xico\s+\w+\s*\(|\bescribe\s+solo\b|\ben\s+una\s+o\s+dos\s+frases\b",
    re.IGNORECASE,
)
# the assistant's side of a conversation: an affirmation or a refusal where the user's request should be
ASSISTANT_REPLY = re.compile(
    r"^[^\w¿]*(?:(?:ah|oh|bueno|vale)\W+)?(?:por\s+supuesto|claro(?:\s+que\s+s[íi])?|con\s+(?:mucho\s+)?gusto|"
    r"lo\s+siento|de\s+nada|entendido|entiendo|perfecto|excelente\s+pregunta)\b|\bno\s+puedo\s+ayudarte\b",
    re.IGNORECASE,
)
ENGLISH = re.compile(r"\b(?:the|and|what|how|can|you|please|your|with|for|is|are|this|that|of|to|do|i)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")


def _word_set(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def instruction_problem(text: str | None, example: str = "") -> str | None:
    """Why `text` is not a user request (`too_short`, `assistant_greeting` (also the assistant's affirmations and
    refusals), `meta_description`, `prompt_echo`,
    `english`), or None when it looks like one. `example`: the worked example the prompt showed; a copy of it is
    an echo."""
    text = (text or "").strip()
    if len(text) < MIN_CHARS:
        return "too_short"
    if ECHO.search(text):
        return "prompt_echo"
    if example:
        mine, theirs = _word_set(text), _word_set(example)
        if mine and len(mine & theirs) / len(mine | theirs) >= 0.6:
            return "prompt_echo"
        # a sentence of the example copied into another request ("... No sé si piden la CURP impresa.")
        lowered = " ".join(WORD.findall(text.lower()))
        for sentence in re.split(r"(?<=[.?!])\s+", example):
            words = WORD.findall(sentence.lower())
            if len(words) >= 4 and " ".join(words) in lowered:
                return "prompt_echo"
    if META.search(text):
        return "meta_description"
    if GREETING.search(text[:200]) or ASSISTANT_REPLY.search(text[:200]):
        return "assistant_greeting"
    words = WORD.findall(text)
    if len(words) >= 4 and len(ENGLISH.findall(text)) / len(words) > 0.25:
        return "english"
    return None
