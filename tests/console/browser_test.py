#!/usr/bin/python3
"""The console in a real browser (issue #17): headless Chromium from Debian's packages driven by
Selenium (python3-selenium, chromium-driver), against a running demo cluster.

Checks that what the pages show is what `zhuji ... --json` says, that an overdue duty is shown
overdue, that a matter's timeline lists every level, that the province's picture colours a county
with an overdue duty, and that a printed notice's verification code checks with `zhuji verify`
while a code with one character changed does not. Saves screenshots of the main pages.

Usage (deploy/console-check.sh runs it):
  browser_test.py --zhuji BIN --topology FILE --run-dir DIR --matter ID --county ID
                  --province ID [--screenshots DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

FAILURES = []


def check(ok, what):
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


class Cluster:
    def __init__(self, zhuji, topology, run_dir):
        self.zhuji, self.topology, self.run_dir = zhuji, topology, run_dir

    def run(self, node, *args, ok=True):
        cmd = [self.zhuji, "--cluster", self.topology, "--run-dir", self.run_dir, "--node", node,
               *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if ok and p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}{p.stdout}")
        return p

    def json(self, node, *args):
        return json.loads(self.run(node, *args, "--json").stdout)

    def url(self, node):
        return self.json(node, "status")["console_url"]


def browser():
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1280,1000", "--lang=zh-CN"):
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def wait_for(driver, url, css, timeout=60):
    """Loads `url` until an element matching `css` is on it (the picture fills in as summaries
    arrive); returns the elements, or [] after `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        driver.get(url)
        found = driver.find_elements(By.CSS_SELECTOR, css)
        if found or time.time() > deadline:
            return found
        time.sleep(1)


def shot(driver, out, name):
    if out:
        os.makedirs(out, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        # The whole page, not the window: the viewport is set to the page's height (at most
        # 2400 px) for the screenshot.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": min(max(height, 600), 2400),
                                "deviceScaleFactor": 1, "mobile": False})
        driver.save_screenshot(os.path.join(out, name + ".png"))
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zhuji", required=True)
    ap.add_argument("--topology", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--matter", required=True)
    ap.add_argument("--county", required=True)
    ap.add_argument("--province", required=True)
    ap.add_argument("--screenshots", default="")
    a = ap.parse_args()
    c = Cluster(a.zhuji, a.topology, a.run_dir)
    county, province = a.county, a.province
    d = browser()
    try:
        # The node page: what `zhuji status --json` says.
        st = c.json(province, "status")
        d.get(c.url(province) + "/")
        card = lambda i: d.find_element(By.CSS_SELECTOR, f"#{i} b").text
        check(card("open") == str(st["deadlines_open"]) and card("overdue") == str(st["deadlines_overdue"])
              and card("deadletters") == str(st["dead_letters"]),
              f"{province} node page: open/overdue/dead letters as zhuji status --json "
              f"({st['deadlines_open']}/{st['deadlines_overdue']}/{st['dead_letters']})")
        links = d.find_elements(By.XPATH, "//h2[contains(., '链路')]/following-sibling::table[1]//td[1]")
        check(sorted(l.text for l in links) == sorted(l["endpoint"] for l in st["links"]),
              f"{province} node page: the links of zhuji status --json")
        shot(d, a.screenshots, "node")

        # Deadlines: every duty of `zhuji deadlines --all --json`, the overdue one overdue.
        dl = c.json(county, "deadlines", "--all")["deadlines"]
        d.get(c.url(county) + "/deadlines")
        rows = d.find_elements(By.CSS_SELECTOR, "tr[data-item]")
        shown = {(r.get_attribute("data-item"), r.get_attribute("data-step")): r for r in rows}
        check(set(shown) == {(x["item"], x["step"]) for x in dl},
              f"{county} deadlines page: the {len(dl)} duties of zhuji deadlines --all --json")
        overdue = [x for x in dl if x["state"] == "overdue"]
        check(bool(overdue), f"{county} has an overdue duty (zhuji deadlines --json)")
        for x in overdue:
            r = shown.get((x["item"], x["step"]))
            check(r is not None and r.get_attribute("data-standing") == "late" and "逾期" in r.text,
                  f"{county} deadlines page: {x['item']} / {x['step']} shown 逾期 overdue")
        shot(d, a.screenshots, "deadlines")
        d.get(c.url(county) + "/todo")
        shot(d, a.screenshots, "todo")

        # A matter's timeline: every level of `zhuji matter show --json`, then the decision.
        m = c.json(county, "matter", "show", a.matter)
        m = m[0] if isinstance(m, list) else m
        d.get(c.url(county) + "/matters/" + a.matter)
        items = d.find_elements(By.CSS_SELECTOR, "#timeline li")
        organs = [i.get_attribute("data-organ") for i in items if i.get_attribute("data-organ")]
        check(organs == [h["organ"] for h in m["path"]],
              f"{county} timeline of {a.matter}: every level {organs}")
        levels = [i.get_attribute("data-level") for i in items]
        check(levels[0] == "origin" and levels[-1] == "decision" and bool(m.get("decision")),
              f"{county} timeline: from the report to the decision")
        shot(d, a.screenshots, "matter")

        # The province's picture: the county with the overdue duty is coloured overdue, its city
        # with it.
        tile = wait_for(d, c.url(province) + "/regions",
                        f'[data-node="{county}"][data-standing="late"]')
        check(bool(tile), f"{province} picture: {county} coloured 逾期 overdue")
        city = [s for s in d.find_elements(By.CSS_SELECTOR, "section.region")
                if s.find_elements(By.CSS_SELECTOR, f'[data-node="{county}"]')]
        check(bool(city) and city[0].get_attribute("data-worst") == "late",
              f"{province} picture: {county}'s city card shows the overdue below it")
        shot(d, a.screenshots, "regions")
        d.get(c.url(province) + f"/regions?node={county}")
        check(bool(d.find_elements(By.CSS_SELECTOR, "#duties")) and
              all(x["rule"] in d.find_element(By.ID, "duties").text for x in overdue),
              f"{province} picture, drilled down to {county}: its duties per rule")

        # A printed notice (书面通知): its code checks with zhuji verify, one changed character
        # does not.
        d.get(c.url(county) + "/documents")
        notices = d.find_elements(By.CSS_SELECTOR, 'tr[data-kind="notice"]')
        check(bool(notices), f"{county} documents: the 书面通知 of the decision")
        envelope = notices[0].get_attribute("data-envelope")
        d.get(c.url(county) + "/documents/" + envelope)
        code = d.find_element(By.ID, "code").text
        paper = [p.text for p in d.find_elements(By.CSS_SELECTOR, "#document .body p")]
        check(d.find_element(By.ID, "envelope").text == envelope and m["id"] in d.page_source,
              f"{county} printable notice {envelope} names its matter; code {code}")
        shot(d, a.screenshots, "document")
        data_dir = os.path.join(a.run_dir, "nodes", county)
        with open(os.path.join(data_dir, "node.toml"), encoding="utf-8") as f:
            key = [l.split('"')[1] for l in f if l.startswith("directory_key")][0]
        verify = [a.zhuji, "verify", envelope, "--data-dir", data_dir, "--directory-key", key]
        good = subprocess.run(verify + ["--code", code], capture_output=True, text=True)
        check(good.returncode == 0 and "验证码相符" in good.stdout and "签名有效" in good.stdout,
              f"zhuji verify {envelope} --code {code}: 验证码相符, 签名有效")
        check(bool(paper) and all(line in good.stdout for line in paper),
              f"zhuji verify prints the {len(paper)} lines of the printed page, to read the paper by")
        bad_code = ("B" if code[0] != "B" else "C") + code[1:]
        bad = subprocess.run(verify + ["--code", bad_code], capture_output=True, text=True)
        check(bad.returncode == 1 and "验证码不符" in bad.stdout,
              f"zhuji verify {envelope} --code {bad_code} (one character changed): 验证码不符, exit 1")
        print(good.stdout, end="")
    finally:
        d.quit()
    if FAILURES:
        print(f"browser_test: {len(FAILURES)} check(s) failed", file=sys.stderr)
        return 1
    print("browser_test: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
