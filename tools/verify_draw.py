#!/usr/bin/env python3
"""Reproduces a 双随机 draw (LN 四.1) from its published list and seed, independently of zhuji's
C++ code (services/workflows/draw.h states the algorithm; this is a second implementation of it,
from that text alone):

  key(text) = lowercase hex SHA-256 of the UTF-8 bytes of  seed + "\\n" + text
  1. units ranked by key("unit:" + id) ascending; the first unit_count are drawn;
  2. for each drawn unit in that order, experts ranked by key("expert:" + unit id + ":" + expert
     id) ascending; the first experts_per_unit eligible ones are drawn: not employed by the unit,
     not drawn already in this round, not of the unit's region when exclude_same_region.

Input (a file or stdin), JSON:
  {"seed": "...", "unit_count": 2, "experts_per_unit": 2, "exclude_same_region": true,
   "units": [{"id": "...", "region": "210100"}, ...],
   "experts": [{"id": "...", "region": "210200", "unit": "..."}, ...]}
Output, JSON: [{"unit": "...", "region": "...", "experts": ["...", ...]}, ...]
Usage: tools/verify_draw.py [FILE]      (exit 1 with the reason when the draw cannot be made)
       tools/verify_draw.py --check FILE
         FILE is a published round (`zhuji draw show ROUND --json`, one of its "rounds"): the
         draw is redone from its lists and seed and compared with its "result"; exit 0 and
         "same result" when they agree, exit 1 with the first difference when not.
"""
import hashlib
import json
import sys


def key(seed, text):
    return hashlib.sha256((seed + "\n" + text).encode("utf-8")).hexdigest()


def draw(req):
    seed = req["seed"]
    units = sorted(req["units"], key=lambda u: (key(seed, "unit:" + u["id"]), u["id"]))
    chosen, taken = [], set()
    for unit in units[: req["unit_count"]]:
        experts = sorted(req["experts"],
                         key=lambda e: (key(seed, "expert:" + unit["id"] + ":" + e["id"]), e["id"]))
        picked = []
        for e in experts:
            if e["unit"] == unit["id"] or e["id"] in taken:
                continue
            if req.get("exclude_same_region", True) and e["region"] == unit["region"]:
                continue
            if len(picked) < req["experts_per_unit"]:
                picked.append(e["id"])
                taken.add(e["id"])
        if len(picked) < req["experts_per_unit"]:
            sys.exit(f"verify_draw: unit {unit['id']}: too few eligible experts")
        chosen.append({"unit": unit["id"], "region": unit["region"], "experts": picked})
    return chosen


def main():
    args = sys.argv[1:]
    check = bool(args) and args[0] == "--check"
    if check:
        args = args[1:]
    text = open(args[0], encoding="utf-8").read() if args else sys.stdin.read()
    req = json.loads(text)
    if "rounds" in req:  # the whole reply of `zhuji draw show ROUND --json`
        if len(req["rounds"]) != 1:
            sys.exit("verify_draw: the file holds %d rounds; show one" % len(req["rounds"]))
        req = req["rounds"][0]
    mine = draw(req)
    if not check:
        json.dump(mine, sys.stdout, ensure_ascii=False)
        print()
        return
    published = [{"unit": a["unit"], "region": a["region"], "experts": a["experts"]}
                 for a in req.get("result", [])]
    if mine == published:
        print("same result: %d unit(s), seed %r" % (len(mine), req["seed"]))
        return
    for i in range(max(len(mine), len(published))):
        a = mine[i] if i < len(mine) else None
        b = published[i] if i < len(published) else None
        if a != b:
            sys.exit("verify_draw: differs at #%d: redone %s, published %s" % (i + 1, a, b))


if __name__ == "__main__":
    main()
