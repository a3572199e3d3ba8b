#!/usr/bin/env python3
"""Validate OCI image-spec JSON documents.

Applies the image-spec JSON schemas (draft-04, with `uri` format checking) plus
the extra checks of upstream schema/validator.go: the document must decode into
the Go struct (valid padded base64 in `data`), config Env entries must match
^[^=]+=.*$, and a descriptor's digest must be valid for its algorithm.

Usage:
  validate_oci.py --schema-dir DIR vectors VECTOR.json...
      one JSON line per case: {"case": "<file stem>/<index>", "valid": bool, "error": str}
  validate_oci.py --schema-dir DIR check KIND FILE...
      KIND is manifest|index|config|descriptor|layout; exit 1 and print the
      errors when any FILE is invalid.
"""
import argparse
import base64
import binascii
import json
import os
import re
import sys

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

KIND_SCHEMA = {
    "manifest": "image-manifest-schema.json",
    "index": "image-index-schema.json",
    "config": "config-schema.json",
    "descriptor": "content-descriptor.json",
    "layout": "image-layout-schema.json",
}
SCHEMA_KIND = {v: k for k, v in KIND_SCHEMA.items()}
BASES = ["https://opencontainers.org/schema/", "https://opencontainers.org/schema/image/",
         "https://opencontainers.org/schema/image/descriptor/"]
EXTRA_ALIASES = {
    "content-descriptor.json": ["https://opencontainers.org/schema/descriptor"],
    "defs-descriptor.json": ["https://opencontainers.org/schema/image/descriptor/mediaType"],
}
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
ENV_RE = re.compile(r"^[^=]+=.*$", re.S)
DIGEST_RES = {"sha256": re.compile(r"^[a-f0-9]{64}$"), "sha512": re.compile(r"^[a-f0-9]{128}$")}

format_checker = FormatChecker()


@format_checker.checks("uri")
def is_uri(value):
    return not isinstance(value, str) or bool(URI_RE.match(value))


def load_registry(schema_dir):
    registry = Registry()
    schemas = {}
    for name in sorted(os.listdir(schema_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(schema_dir, name)) as f:
            contents = json.load(f)
        schemas[name] = contents
        resource = Resource.from_contents(contents, default_specification=DRAFT4)
        uris = [name] + [b + name for b in BASES] + EXTRA_ALIASES.get(name, [])
        if isinstance(contents.get("id"), str):
            uris.append(contents["id"])
        for uri in uris:
            registry = registry.with_resource(uri, resource)
    return registry, schemas


def check_descriptor_data(node, errors):
    """Go decodes `data` as []byte: it must be padded standard base64."""
    if isinstance(node, dict):
        data = node.get("data")
        if "digest" in node and data is not None:
            try:
                base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError, TypeError):
                errors.append("data is not valid padded base64")
        for v in node.values():
            check_descriptor_data(v, errors)
    elif isinstance(node, list):
        for v in node:
            check_descriptor_data(v, errors)


def extra_checks(kind, doc):
    errors = []
    check_descriptor_data(doc, errors)
    if kind == "config":
        env = (doc.get("config") or {}).get("Env") or []
        for e in env if isinstance(env, list) else []:
            if isinstance(e, str) and not ENV_RE.match(e):
                errors.append("config.Env entry %r is not KEY=value" % e)
    if kind == "descriptor":
        digest = doc.get("digest", "")
        algo, _, hexpart = digest.partition(":") if isinstance(digest, str) else ("", "", "")
        if algo in DIGEST_RES and not DIGEST_RES[algo].match(hexpart):
            errors.append("digest %r is not valid for %s" % (digest, algo))
    return errors


def validate(registry, schemas, kind, text):
    """Returns a list of error strings (empty when valid)."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        return ["not valid JSON: %s" % e]
    if not isinstance(doc, dict):
        return ["document is not a JSON object"]
    schema = schemas[KIND_SCHEMA[kind]]
    validator = Draft4Validator(schema, registry=registry, format_checker=format_checker)
    errors = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
              for e in validator.iter_errors(doc)]
    return errors + extra_checks(kind, doc)


def run_vectors(registry, schemas, files):
    for path in files:
        with open(path) as f:
            vec = json.load(f)
        kind = SCHEMA_KIND[vec["schema"]]
        stem = os.path.splitext(os.path.basename(path))[0]
        for i, case in enumerate(vec["cases"]):
            errors = validate(registry, schemas, kind, case["document"])
            print(json.dumps({"case": "%s/%d" % (stem, i), "valid": not errors, "error": "; ".join(errors)}))
    return 0


def run_check(registry, schemas, kind, files):
    status = 0
    for path in files:
        with open(path) as f:
            errors = validate(registry, schemas, kind, f.read())
        for e in errors:
            print("%s: %s" % (path, e))
            status = 1
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--schema-dir", required=True)
    sub = ap.add_subparsers(dest="mode", required=True)
    v = sub.add_parser("vectors")
    v.add_argument("files", nargs="+")
    c = sub.add_parser("check")
    c.add_argument("kind", choices=sorted(KIND_SCHEMA))
    c.add_argument("files", nargs="+")
    args = ap.parse_args()
    registry, schemas = load_registry(args.schema_dir)
    if args.mode == "vectors":
        return run_vectors(registry, schemas, args.files)
    return run_check(registry, schemas, args.kind, args.files)


if __name__ == "__main__":
    sys.exit(main())
