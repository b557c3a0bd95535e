"""Validates YAML specs against a JSON Schema with the reference validator (jsonschema).

    schema_check.py SCHEMA.json SPEC.yaml... [--phantoms PRESET.yaml...]

Files after --phantoms are phantom presets, checked against the schema of `phantom:`.
Prints one JSON line per file: {"file": …, "valid": true} or {"file": …, "valid": false,
"error": the validator's message}.
"""
import json
import sys

import jsonschema
import yaml

schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
phantom = jsonschema.Draft7Validator({**schema["properties"]["phantom"], "definitions": schema["definitions"]})
for path in sys.argv[2:]:
    if path == "--phantoms":
        validator = phantom
        continue
    document = yaml.safe_load(open(path))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    result = {"file": path, "valid": not errors}
    if errors:
        result["error"] = "/".join(map(str, errors[0].path)) + ": " + errors[0].message
    print(json.dumps(result))
