#!/usr/bin/env python3
"""Validates a GitLab security report against a vendored JSON schema (draft-07).

usage: validate_report.py SCHEMA REPORT

Needs nothing beyond the standard library: the schema keywords GitLab's report schemas use are
checked here. It is stricter than the schema in one way, on purpose: a key the schema does not
declare is an error (GitLab ignores such keys, so a field a newer schema dropped, such as 15.x's
removal of `confidence` and `scanner` from vulnerabilities, would otherwise go unnoticed).
When python3-jsonschema is installed, the report is also checked with it.
Exit 0: valid; 1: invalid (each problem on stderr, with its JSON path); 2: bad usage.
"""
import json
import re
import sys


def resolve(root, ref):
    if not ref.startswith("#/"):
        raise ValueError(f"unsupported $ref {ref}")
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def check(root, schema, value, path, errors):
    """Appends (path, message) for every way `value` breaks `schema`."""
    if "$ref" in schema:
        check(root, resolve(root, schema["$ref"]), value, path, errors)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not any(TYPES[kind](value) for kind in kinds):
            errors.append((path, f"is {type(value).__name__}, expected {'/'.join(kinds)}"))
            return
    if "const" in schema and value != schema["const"]:
        errors.append((path, f"must be {schema['const']!r}"))
    if "enum" in schema and value not in schema["enum"]:
        errors.append((path, f"{value!r} is not one of {schema['enum']}"))
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append((path, f"shorter than {schema['minLength']}"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append((path, f"longer than {schema['maxLength']}"))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append((path, f"{value!r} does not match {schema['pattern']}"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append((path, f"below {schema['minimum']}"))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append((path, f"fewer than {schema['minItems']} items"))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append((path, f"more than {schema['maxItems']} items"))
        if isinstance(schema.get("items"), dict):
            for index, item in enumerate(value):
                check(root, schema["items"], item, f"{path}[{index}]", errors)
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append((path, f"lacks required key {key!r}"))
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key, item in value.items():
            matched = False
            if key in properties:
                matched = True
                check(root, properties[key], item, f"{path}.{key}", errors)
            for pattern, sub in patterns.items():
                if re.search(pattern, key):
                    matched = True
                    check(root, sub, item, f"{path}.{key}", errors)
            # Strict: an undeclared key is an error wherever the schema lists properties.
            if not matched and (properties or patterns):
                errors.append((f"{path}.{key}", "is not declared by the schema"))
        for key, needed in schema.get("dependencies", {}).items():
            if key in value and isinstance(needed, list):
                for other in needed:
                    if other not in value:
                        errors.append((path, f"has {key!r} without {other!r}"))
    for sub in schema.get("allOf", []):
        check(root, sub, value, path, errors)
    if "oneOf" in schema:
        passing = 0
        for sub in schema["oneOf"]:
            trial = []
            check(root, sub, value, path, trial)
            passing += not trial
        if passing != 1:
            errors.append((path, f"matches {passing} of the oneOf alternatives, expected 1"))


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as file:
        schema = json.load(file)
    with open(argv[2], encoding="utf-8") as file:
        report = json.load(file)
    errors = []
    check(schema, schema, report, "$", errors)
    try:
        import jsonschema  # optional: python3-jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema is not None:
        for error in jsonschema.Draft7Validator(schema).iter_errors(report):
            errors.append((error.json_path, "jsonschema: " + error.message))
    for path, message in errors:
        print(f"{argv[2]}: {path} {message}", file=sys.stderr)
    if not errors:
        print(f"{argv[2]}: valid against {argv[1]} ({schema.get('self', {}).get('version')})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
