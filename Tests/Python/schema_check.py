"""Validates YAML specs against a JSON Schema with the reference validator (jsonschema).

    schema_check.py SCHEMA.json SPEC.yaml...

Prints one JSON line per spec: {"file": …, "valid": true} or {"file": …, "valid": false,
"error": the validator's message}.
"""
import json
import sys

import jsonschema
import yaml

schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
for path in sys.argv[2:]:
    document = yaml.safe_load(open(path))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    result = {"file": path, "valid": not errors}
    if errors:
        result["error"] = "/".join(map(str, errors[0].path)) + ": " + errors[0].message
    print(json.dumps(result))
