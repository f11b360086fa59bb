"""Where the running platform is: chain RPC, deployment manifest, contract ABIs, API and operator key.

`make up` runs anvil on 127.0.0.1:8545, the API on 127.0.0.1:8000 with a development-only operator key
(`PEERLEND_BOOTSTRAP_ADMIN_KEY`, default `local-admin-key`, refused in production). The same names
are read from the environment so the demo can point anywhere the lead's scripts put things.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ADMIN_KEY = "local-admin-key"  # toolchain/up.sh's local-only default


@dataclass
class Stack:
    rpc_url: str
    api_url: str
    manifest_path: Path
    admin_key: str
    build_dir: Path = ROOT / "build" / "contracts"
    # Oracle processes: None = expect the ones `make up` runs; the demo starts its own if none answer.
    oracle_node_urls: list[str] = field(default_factory=list)
    # Where the local SMTP sink writes what it receives (`make up`: .run/mail/); None: no sink to read.
    mail_dir: Path | None = None

    @property
    def manifest(self) -> dict:
        return json.loads(self.manifest_path.read_text())

    @property
    def chain_id(self) -> int:
        return int(self.manifest["chainId"])

    @classmethod
    def from_environment(cls) -> Stack:
        port = os.environ.get("PEERLEND_PORT", "8000")
        chain_port = os.environ.get("PEERLEND_CHAIN_PORT", "8545")
        manifest = os.environ.get("PEERLEND_MANIFEST_PATH") or str(ROOT / "deployments" / "31337.json")
        return cls(
            rpc_url=os.environ.get("PEERLEND_RPC_URL", f"http://127.0.0.1:{chain_port}"),
            api_url=os.environ.get("PEERLEND_API_URL", f"http://127.0.0.1:{port}"),
            manifest_path=Path(manifest),
            admin_key=os.environ.get("PEERLEND_BOOTSTRAP_ADMIN_KEY", DEFAULT_ADMIN_KEY),
            build_dir=Path(os.environ.get("PEERLEND_BUILD_DIR", str(ROOT / "build" / "contracts"))),
            mail_dir=Path(os.environ.get("PEERLEND_MAIL_DIR", str(ROOT / ".run" / "mail"))),
        )
