"""The operator roles, named once: the API's schema and the role checks both read them from here.

admin: keys and settings; reviewer: KYC and risk reviews; compliance: AML cases and freezes; oracle: the
signer nodes and aggregator; collector: the collection cases assigned to it; supervisor: every
collection case and its assignment; regulator: read-only disclosure and exports.
"""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["admin", "reviewer", "compliance", "oracle", "collector", "supervisor", "regulator"]
ROLES: frozenset[str] = frozenset(get_args(Role))
