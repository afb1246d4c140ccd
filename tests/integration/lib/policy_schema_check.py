#!/usr/bin/env python3
"""Checks policy files against docs/policy.schema.json.
Usage: policy_schema_check.py SCHEMA valid|invalid FILE...
YAML dates stay strings, as imagegate reads them."""
import json
import sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    pass


Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
want_valid = sys.argv[2] == "valid"
for path in sys.argv[3:]:
    doc = yaml.load(open(path), Loader=Loader)
    errors = list(validator.iter_errors(doc))
    if want_valid and errors:
        sys.exit("%s does not match the schema: %s" % (path, errors[0].message))
    if not want_valid and not errors:
        sys.exit("%s matches the schema but should not" % path)
