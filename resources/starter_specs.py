"""What an entry of the starter library is (resources/starter.py, and its Spanish versions in
resources/starter_es.py): its fields, and the closing line every article and helpline ends
with, in its language."""

from __future__ import annotations

from dataclasses import dataclass, field
from textwrap import dedent

from resources.models import Resource

Kind = Resource.Kind
State = Resource.State

DISCLAIMER = (
    "*General information, not medical advice. If you are worried about your health, "
    "talk to a doctor or pharmacist.*"
)
HOTLINE_NOTE = (
    "*General information, not medical advice. Services sometimes change their details: "
    "the service's own website has the latest. If a life is in danger, call 911.*"
)
# The same closing lines for the Spanish versions (resources/starter_es.py).
CLOSINGS = {
    "en": (DISCLAIMER, HOTLINE_NOTE),
    "es": (
        "*Información general, no consejo médico. Si te preocupa tu salud, habla con un "
        "médico o farmacéutico.*",
        "*Información general, no consejo médico. Los servicios a veces cambian sus datos: "
        "el sitio web del propio servicio tiene la información más reciente. Si una vida "
        "corre peligro, llama al 911.*",
    ),
}

# The only outside addresses the starter library links to.
SAMHSA_HELPLINE_URL = "https://www.samhsa.gov/find-help/national-helpline"
LIFELINE_URL = "https://988lifeline.org/"

STARTER_NOTE = "Starter library"


@dataclass(frozen=True)
class StarterCategory:
    slug: str
    name: str
    description: str
    position: int


@dataclass(frozen=True)
class StarterResource:
    slug: str
    title: str
    kind: str
    summary: str
    text: str  # Markdown, without the closing not-medical-advice line (added by `body`)
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    for_recovery: bool = True
    for_loved_ones: bool = False
    for_facilitators: bool = False
    external_url: str = ""
    phone: str = ""
    text_line: str = ""
    hours: str = ""
    featured_position: int | None = None
    language: str = field(default="en")
    # For a version in another language: the slug of the resource it translates.
    translation_of: str = ""

    @property
    def body(self) -> str:
        disclaimer, hotline_note = CLOSINGS[self.language]
        closing = hotline_note if self.kind == Kind.HOTLINE else disclaimer
        return f"{dedent(self.text).strip()}\n\n{closing}"

    def content(self) -> dict[str, object]:
        """The fields the seed owns (and refreshes when this file changes)."""
        return {
            "title": self.title,
            "kind": self.kind,
            "summary": self.summary,
            "body": self.body,
            "external_url": self.external_url,
            "phone": self.phone,
            "text_line": self.text_line,
            "hours": self.hours,
            "for_recovery": self.for_recovery,
            "for_loved_ones": self.for_loved_ones,
            "for_facilitators": self.for_facilitators,
            "language": self.language,
        }
