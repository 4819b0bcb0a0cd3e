"""A Provider that keeps resources as files, so they outlive a killed process. The physical ID
is derived from the idempotency token: a create repeated with the same token is the same create."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Mapping

from stackengine.providers.base import ResourceResult, StackRef


class FileProvider:
    def __init__(self, directory: str, latency: float = 0.0) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.latency = latency

    def _write(self, physical: str, data: dict[str, Any]) -> None:
        tmp = self.dir / f".{physical}.tmp"
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.dir / f"{physical}.json")

    def all(self) -> dict[str, dict[str, Any]]:
        return {p.stem: json.loads(p.read_text()) for p in sorted(self.dir.glob("*.json"))}

    def create(self, stack: StackRef, type_name: str, logical_id: str,
               properties: Mapping[str, Any], token: str) -> ResourceResult:
        physical = f"{logical_id}-{token[:16]}"
        if not (self.dir / f"{physical}.json").exists():
            time.sleep(self.latency)
            self._write(physical, {"type": type_name, "logical_id": logical_id,
                                   "props": dict(properties)})
        return ResourceResult(physical, {"Arn": f"arn:{physical}"})

    def update(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               old: Mapping[str, Any], new: Mapping[str, Any], token: str) -> ResourceResult:
        time.sleep(self.latency)
        self._write(physical_id, {"type": type_name, "logical_id": logical_id, "props": dict(new)})
        return ResourceResult(physical_id, {"Arn": f"arn:{physical_id}"})

    def delete(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               token: str, *, snapshot: bool = False) -> None:
        time.sleep(self.latency)
        try:
            os.unlink(self.dir / f"{physical_id}.json")
        except FileNotFoundError:
            pass

    def read(self, type_name: str, physical_id: str) -> ResourceResult | None:
        if (self.dir / f"{physical_id}.json").exists():
            return ResourceResult(physical_id, {"Arn": f"arn:{physical_id}"})
        return None

    def supports_snapshot(self, type_name: str) -> bool:
        return False
