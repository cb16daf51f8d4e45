#!/usr/bin/python3
"""Parses /metrics text with Prometheus's own parser (Debian's python3-prometheus-client) and
prints every sample as JSON: [{"family", "type", "name", "labels", "value"}, ...].

Usage: parse_metrics.py FILE   (what `curl URL/metrics` wrote). Exits 1, naming the problem,
when the text does not parse or a family has no TYPE (issue #17, must show 2)."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    out = []
    try:
        for family in text_string_to_metric_families(text):
            if family.type == "unknown":
                print(f"parse_metrics: family {family.name} has no TYPE", file=sys.stderr)
                return 1
            for s in family.samples:
                out.append({"family": family.name, "type": family.type, "name": s.name,
                            "labels": s.labels, "value": s.value})
    except ValueError as e:
        print(f"parse_metrics: not Prometheus text: {e}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
