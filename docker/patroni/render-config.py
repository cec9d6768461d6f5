#!/usr/bin/env python3
"""Renders a Patroni YAML template: ${VAR} in string values is replaced from the environment.

Substitution happens on the parsed document, so a password with quotes or colons cannot break the YAML.
Exits 1 naming every variable that is unset or empty.
"""
import os
import re
import sys

import yaml

REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def render(node, missing):
    if isinstance(node, dict):
        return {k: render(v, missing) for k, v in node.items()}
    if isinstance(node, list):
        return [render(v, missing) for v in node]
    if isinstance(node, str):
        def sub(m):
            value = os.environ.get(m.group(1), "")
            if value == "":
                missing.add(m.group(1))
            return value
        return REF.sub(sub, node)
    return node


def main(src, dst):
    with open(src, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    missing = set()
    out = render(doc, missing)
    if missing:
        print("patroni config: unset environment variables: " + ", ".join(sorted(missing)), file=sys.stderr)
        return 1
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        yaml.safe_dump(out, f, default_flow_style=False, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
