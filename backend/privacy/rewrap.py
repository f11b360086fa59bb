"""Re-encrypts stored personal data under the current key after a rotation (idempotent, batched)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.privacy.crypto import Keyring


@dataclass(frozen=True)
class Sealed:
    """A model with an encrypted column and how its associated data is built from a row."""

    model: Any  # a mapped class with an ordered `id` primary key
    column: str
    aad: Callable[[Any], bytes]


def rewrap_all(session: Session, keyring: Keyring, targets: list[Sealed], batch: int = 500) -> dict[str, int]:
    counts: dict[str, int] = {}
    for target in targets:
        changed = 0
        last_id = None
        pk = target.model.id
        while True:
            query: Any = select(target.model).order_by(pk).limit(batch)
            if last_id is not None:
                query = query.where(pk > last_id)
            rows = list(session.scalars(query))
            if not rows:
                break
            for row in rows:
                envelope = getattr(row, target.column)
                rewrapped = keyring.rewrap(envelope, target.aad(row))
                if rewrapped != envelope:
                    setattr(row, target.column, rewrapped)
                    changed += 1
            session.commit()
            last_id = rows[-1].id
        counts[target.model.__tablename__] = changed
    return counts
