#!/usr/bin/env python3
"""Validates deploy/kubernetes offline.

Kubernetes' own kinds go through `kubernetes-validate --strict` (its bundled schemas); KEDA's
(ScaledObject, TriggerAuthentication) through the openAPIV3Schema of KEDA's CRDs, read from a
checkout of kedacore/keda (`config/crd/bases/`) that is not committed here.

usage: validate-kubernetes.py MANIFEST_DIR [--keda-crds DIR]
Exit 0 when every document is valid; 1 with one line per problem; a line saying what was
skipped when KEDA's CRDs are not given.
"""
import argparse
import glob
import os
import subprocess
import sys

import jsonschema
import yaml


def crd_schemas(crd_dir):
    schemas = {}
    for path in glob.glob(os.path.join(crd_dir, "*.yaml")):
        with open(path) as f:
            crd = yaml.safe_load(f)
        group = crd["spec"]["group"]
        kind = crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            api = f"{group}/{version['name']}"
            schemas[(api, kind)] = version["schema"]["openAPIV3Schema"]
    return schemas


def strict(schema):
    """CRD schemas leave additionalProperties open; a typo in a field name should fail."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            strict(value)
    elif isinstance(schema, list):
        for value in schema:
            strict(value)
    return schema


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifests")
    parser.add_argument("--keda-crds")
    parser.add_argument("--kubernetes-validate", default="kubernetes-validate")
    args = parser.parse_args()
    problems = []
    native = []
    keda = []
    for path in sorted(glob.glob(os.path.join(args.manifests, "*.yaml"))):
        if os.path.basename(path) == "kustomization.yaml":
            continue
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        if any(d["apiVersion"].startswith("keda.sh/") for d in docs):
            keda.extend((path, d) for d in docs)
        else:
            native.append(path)
    result = subprocess.run(
        [args.kubernetes_validate, "--strict", "--quiet", *native],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        problems.append(result.stdout + result.stderr)
    if args.keda_crds:
        schemas = crd_schemas(args.keda_crds)
        for path, doc in keda:
            schema = schemas.get((doc["apiVersion"], doc["kind"]))
            if schema is None:
                problems.append(f"{path}: no CRD for {doc['apiVersion']} {doc['kind']}")
                continue
            schema = strict(schema)
            # metadata is Kubernetes' own ObjectMeta, which the CRD leaves open.
            schema.get("properties", {}).pop("metadata", None)
            schema["additionalProperties"] = True
            for error in jsonschema.Draft7Validator(schema).iter_errors(doc):
                where = "/".join(str(p) for p in error.absolute_path)
                problems.append(f"{path}: {doc['kind']} {where}: {error.message}")
    else:
        print(f"skipped: {len(keda)} KEDA documents (no --keda-crds)")
    for p in problems:
        print(p.rstrip())
    print(f"{len(native)} Kubernetes files, {len(keda)} KEDA documents: "
          f"{'ok' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
