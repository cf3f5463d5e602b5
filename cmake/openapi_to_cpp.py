#!/usr/bin/env python3
"""Embed docs/openapi.yaml in the binary: YAML in, a .cpp defining the compact JSON out.

    openapi_to_cpp.py SPEC.yaml OUT.cpp VERSION

Fails (exit 1, one line naming the file and the problem) when the YAML does not parse, repeats
a key, holds a value JSON cannot carry (an unquoted date, say), or is not an OpenAPI 3.1 document
with info and paths. info.version becomes VERSION, the project's. Needs PyYAML (python3-yaml).
"""
import json
import sys

try:
    import yaml
except ImportError:
    sys.exit("openapi_to_cpp.py: PyYAML is missing: apt-get install python3-yaml (scripts/bootstrap does)")


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.MarkedYAMLError("while reading a mapping", node.start_mark,
                                       f"key {key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def fail(spec, message):
    sys.exit(f"{spec}: invalid OpenAPI document: {message}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    spec, out, version = sys.argv[1:]
    try:
        with open(spec, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=UniqueKeyLoader)
    except (OSError, yaml.YAMLError) as e:
        fail(spec, str(e).replace("\n", " "))
    if not isinstance(doc, dict):
        fail(spec, "the top level is not a mapping")
    if not str(doc.get("openapi", "")).startswith("3.1."):
        fail(spec, f"openapi is {doc.get('openapi')!r}, expected 3.1.x")
    for key in ("info", "paths"):
        if not isinstance(doc.get(key), dict):
            fail(spec, f"'{key}' is missing or not a mapping")
    for path, item in doc["paths"].items():
        if not str(path).startswith("/") or not isinstance(item, dict):
            fail(spec, f"paths: {path!r} must start with / and map to operations")
    doc["info"]["version"] = version
    try:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as e:
        fail(spec, f"{e} (quote dates and other non-JSON scalars)")
    delimiter = "openapi_json"
    if f"){delimiter}\"" in text:
        fail(spec, f"contains the raw-string delimiter ){delimiter}\"")
    cpp = ("// Generated from docs/openapi.yaml by cmake/openapi_to_cpp.py; do not edit.\n"
           "#include <string_view>\n\n"
           "namespace vibework::app {\n"
           f"extern const std::string_view openapi_json;\n"
           f"const std::string_view openapi_json = R\"{delimiter}({text}){delimiter}\";\n"
           "}  // namespace vibework::app\n")
    with open(out, "w", encoding="utf-8") as f:
        f.write(cpp)


if __name__ == "__main__":
    main()
