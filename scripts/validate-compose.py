#!/usr/bin/env python3
"""Checks deploy/compose.yaml offline, without a Docker engine.

- The file against the Compose Specification's JSON schema (`schema/compose-spec.json` of
  compose-spec/compose-spec, given with --schema; not committed here), strictly: the schema
  refuses unknown keys itself.
- Every bind-mounted file or folder exists (relative to the compose file).
- Every `depends_on: condition: service_healthy` names a service with a health check.
- Services running arkivar stop later than arkivar's own `--shutdown-timeout`.
- With --print-commands, prints the arkivar services' commands as JSON lines, for
  tests/deploy.rs to check that arkivar takes every option.

usage: validate-compose.py COMPOSE_FILE [--schema FILE] [--print-commands]
Exit 0 when valid, 1 with one line per problem.
"""
import argparse
import json
import os
import re
import sys

import yaml


def seconds(duration):
    """Compose durations: '90s', '1m30s', '1h'."""
    total = 0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s|us)", str(duration)):
        total += float(number) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}[unit]
    return total


def arkivar_services(compose):
    for name, service in compose.get("services", {}).items():
        image = str(service.get("image", ""))
        if "arkivar" in image:
            yield name, service


def problems_of(path, compose, schema):
    problems = []
    if schema is not None:
        import jsonschema

        for error in jsonschema.Draft7Validator(schema).iter_errors(compose):
            where = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{where}: {error.message}")
    base = os.path.dirname(os.path.abspath(path))
    services = compose.get("services", {})
    for name, service in services.items():
        for volume in service.get("volumes", []):
            if isinstance(volume, str):
                # ${VAR:-default}: check the default, the value a first `up` uses.
                volume = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", volume)
                source = volume.split(":")[0]
            else:
                source = volume.get("source", "")
            if source.startswith((".", "/")):
                if not os.path.exists(os.path.join(base, source)):
                    problems.append(f"services/{name}/volumes: {source} does not exist")
        for other, condition in (service.get("depends_on") or {}).items():
            wanted = condition.get("condition") if isinstance(condition, dict) else None
            if other not in services:
                problems.append(f"services/{name}/depends_on: no service {other}")
            elif wanted == "service_healthy" and "healthcheck" not in services[other]:
                problems.append(f"services/{name}/depends_on: {other} has no healthcheck")
    for name, service in arkivar_services(compose):
        command = [str(word) for word in service.get("command", [])]
        if "--shutdown-timeout" in command:
            deadline = float(command[command.index("--shutdown-timeout") + 1])
            grace = seconds(service.get("stop_grace_period", "10s"))
            if grace <= deadline:
                problems.append(
                    f"services/{name}: stop_grace_period {grace:g} s <= --shutdown-timeout {deadline:g} s"
                )
        if "healthcheck" not in service:
            problems.append(f"services/{name}: no healthcheck")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("compose")
    parser.add_argument("--schema")
    parser.add_argument("--print-commands", action="store_true")
    args = parser.parse_args()
    with open(args.compose) as f:
        compose = yaml.safe_load(f)
    schema = None
    if args.schema:
        with open(args.schema) as f:
            schema = json.load(f)
    else:
        print("skipped: the Compose Specification schema (no --schema)")
    if args.print_commands:
        for name, service in arkivar_services(compose):
            print(json.dumps({"service": name, "command": [str(w) for w in service["command"]],
                              "healthcheck": [str(w) for w in service["healthcheck"]["test"]]}))
    problems = problems_of(args.compose, compose, schema)
    for p in problems:
        print(p)
    print(f"{args.compose}: {len(compose.get('services', {}))} services: "
          f"{'ok' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
