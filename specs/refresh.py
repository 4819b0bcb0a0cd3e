"""Regenerate stackengine/data/specs/schemas.zip from the schemas bundled in cfn-lint.

Usage (from the repository root, with the pinned cfn-lint installed):

    python specs/refresh.py            # refuses to run against another cfn-lint version
    python specs/refresh.py --force    # run anyway; the version used is recorded in the output

The output is deterministic (sorted members, fixed timestamps), so re-running with the same
cfn-lint gives a byte-identical file and a clean `git diff`.

Layout of schemas.zip (read by stackengine/specs.py):
    AWS__S3__Bucket.json   one minified registry schema per type ("::" -> "__")
    _meta/source.json      where the data came from
    _meta/getatts.json     {type: [GetAtt names]} only where cfn-lint's GetAtt list differs from
                           the names derived from readOnlyProperties ("*" is a wildcard)
    _meta/regions.json     {region: [types NOT available there]}
"""

from __future__ import annotations

import argparse
import copy
import importlib.metadata
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

PINNED_CFN_LINT = "1.51.0"
PRIMARY_REGION = "us-east-1"

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "stackengine" / "data" / "specs" / "schemas.zip"

# cfn-lint's synthetic stand-in for `Org::Svc::Res::MODULE` types; not a real resource type.
SKIP_TYPES = {"Module"}

# Documentation and provenance only: nothing at runtime reads them.
DROP_TOP = {"sourceUrl", "documentationUrl", "$schema", "$id", "resourceLink"}
DROP_ANYWHERE = {"description", "markdownDescription", "title", "examples", "$comment"}

# Keywords whose value is a map {name: subschema} or a subschema / list of subschemas. Only these
# are walked, so a *property* named "title" or "examples" is never mistaken for a keyword.
SCHEMA_MAPS = {"properties", "definitions", "patternProperties"}
SCHEMA_ONE = {"items", "additionalProperties", "additionalItems", "not", "if", "then", "else",
              "contains", "propertyNames"}
SCHEMA_LIST = {"oneOf", "anyOf", "allOf", "prefixItems"}

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def strip_schema(node: Any) -> Any:
    """Copy a (sub)schema without documentation keys."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROP_ANYWHERE:
            continue
        if key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: strip_schema(sub) for name, sub in value.items()}
        elif key in SCHEMA_ONE:
            out[key] = (strip_schema(value) if isinstance(value, dict)
                        else [strip_schema(v) for v in value] if isinstance(value, list) else value)
        elif key in SCHEMA_LIST and isinstance(value, list):
            out[key] = [strip_schema(v) for v in value]
        elif key == "dependencies" and isinstance(value, dict):
            # values are either a list of property names or a subschema
            out[key] = {k: strip_schema(v) for k, v in value.items()}
        else:
            out[key] = value
    return out


def compact(schema: dict[str, Any]) -> dict[str, Any]:
    return strip_schema({k: v for k, v in schema.items() if k not in DROP_TOP})


def derived_getatts(schema: dict[str, Any]) -> list[str]:
    """The GetAtt names stackengine derives on its own (mirrors ResourceSchema.getatt_names)."""
    return sorted(".".join(p.split("/")[2:]) for p in schema.get("readOnlyProperties", []))


def cfnlint_getatts(keys: list[str]) -> list[str]:
    """cfn-lint keys are regexes; turn its two special patterns into "*" wildcards."""
    names = []
    for key in keys:
        if key == ".*":
            names.append("*")
        elif key.endswith("\\..*"):  # e.g. "Outputs\\..*" for nested stacks
            names.append(key[: -len("\\..*")] + ".*")
        else:
            names.append(key)
    return sorted(set(names))


def check_version(force: bool) -> str:
    try:
        installed = importlib.metadata.version("cfn-lint")
    except importlib.metadata.PackageNotFoundError:
        sys.exit(f"cfn-lint is not installed; install the pinned version: pip install cfn-lint=={PINNED_CFN_LINT}")
    if installed == PINNED_CFN_LINT:
        print(f"cfn-lint {installed} installed (matches the pinned version)")
    elif force:
        print(f"WARNING: cfn-lint {installed} installed, pinned is {PINNED_CFN_LINT}; continuing (--force). "
              f"Update PINNED_CFN_LINT and specs/README.md if you keep this data.")
    else:
        sys.exit(f"cfn-lint {installed} installed but {PINNED_CFN_LINT} is pinned; "
                 f"pip install cfn-lint=={PINNED_CFN_LINT}, or pass --force to use {installed}")
    return installed


def member_name(type_name: str) -> str:
    return type_name.replace("::", "__") + ".json"


def dump(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode("utf-8")


def build(version: str) -> dict[str, bytes]:
    # Imported here so `--help` and the version check work without cfn-lint's import cost.
    from cfnlint.helpers import REGIONS
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as manager

    regions = sorted(REGIONS)
    by_region = {r: set(manager.get_resource_types(r)) - SKIP_TYPES for r in regions}
    primary = by_region[PRIMARY_REGION]
    all_types = sorted(set().union(*by_region.values()))

    members: dict[str, bytes] = {}
    getatt_overrides: dict[str, list[str]] = {}
    source_region: dict[str, str] = {}
    for type_name in all_types:
        # us-east-1's schema when the type exists there, else the first region that has it.
        region = PRIMARY_REGION if type_name in primary else next(r for r in regions if type_name in by_region[r])
        if region != PRIMARY_REGION:
            source_region[type_name] = region
        lint_schema = manager.get_resource_schema(region, type_name)
        # deepcopy: never mutate cfn-lint's cached schema objects.
        schema = compact(copy.deepcopy(lint_schema.schema))
        members[member_name(type_name)] = dump(schema)
        names = cfnlint_getatts(list(lint_schema.get_atts.keys()))
        if names != derived_getatts(schema):
            getatt_overrides[type_name] = names

    missing = {r: sorted(set(all_types) - by_region[r]) for r in regions}
    members["_meta/getatts.json"] = dump(getatt_overrides)
    members["_meta/regions.json"] = dump(missing)
    members["_meta/source.json"] = dump({
        "source": "cfn-lint (cfnlint.schema.PROVIDER_SCHEMA_MANAGER, patched schemas)",
        "cfn_lint_version": version,
        "primary_region": PRIMARY_REGION,
        "type_count": len(all_types),
        "types_not_in_primary_region": source_region,
    })
    return members


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name], compresslevel=9)
    tmp.replace(path)  # atomic: a failed run never leaves a half-written zip behind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="run even if the installed cfn-lint is not the pinned one")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"zip to write (default {OUTPUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)

    version = check_version(args.force)
    members = build(version)
    write_zip(args.output, members)
    count = sum(1 for name in members if not name.startswith("_meta/"))
    raw = sum(len(b) for b in members.values())
    print(f"wrote {args.output}: {count} types, {raw / 1e6:.1f} MB minified JSON, "
          f"{args.output.stat().st_size / 1e6:.2f} MB zipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
