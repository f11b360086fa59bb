"""The versioned texts shown with every loan: the risk notice and the legal statement.

Each text is a file `texts/<name>-v<N>.md` in the repository; a change is a new file with the next
version, never an edit of a published one, so the version a lender was shown always names its text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from backend.disclosure.schemas import Text

DIRECTORY = Path(__file__).parent / "texts"
CURRENT = {"risk-notice": 1, "legal-statement": 1}


@cache
def text(name: str, version: int | None = None) -> Text:
    version = version or CURRENT[name]
    body = (DIRECTORY / f"{name}-v{version}.md").read_text(encoding="utf-8")
    return Text(version=f"{name}/{version}", text=" ".join(body.split()))
