#!/usr/bin/env python3
"""Example data for rulesets/万人评议机关.kp (S5, seed 004, 篇5).

Writes units.csv and events.csv beside this script: the 2005 "万人评议机关" of 32 市直机关.
Each valid questionnaire rates every unit on the five 方面 (教育管理, 依法行政, 机关作风,
效能建设, 系统监管) as 满意 / 基本满意 / 不满意. The tallies come from the four channels of
the seed's count of 10834 valid forms — 机关各单位相互评议 5546, 四县一区机关干部 750,
流动评议台 672, 《日报》读者 3866 — one `评议票` row per unit, 方面 and channel (the
`来源` column is for the reader; the scheme sums a 方面's rows). A form may leave a unit
blank, so a unit's votes per channel are a little under the channel's total.

Deterministic: the same bytes on every run (fixed seed, Python 3 standard library only).
Run from the repository root (or anywhere):

    python3 examples/万人评议机关/generate.py
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20060530)

ASPECTS = ["教育管理", "依法行政", "机关作风", "效能建设", "系统监管"]
# (来源, valid forms, how much harsher than the unit's standing: the public is stricter)
CHANNELS = [("机关单位互评", 5546, 0.00), ("县区机关干部评议", 750, 0.04),
            ("流动评议台", 672, 0.10), ("日报读者评议", 3866, 0.08)]

# (id, name, standing): standing is the share of 满意 a unit tends to get from its peers.
UNITS = [
    ("SZ01", "市发展和改革委员会", 0.74), ("SZ02", "市教育局", 0.69),
    ("SZ03", "市科学技术局", 0.78), ("SZ04", "市公安局", 0.61),
    ("SZ05", "市民政局", 0.73), ("SZ06", "市司法局", 0.71),
    ("SZ07", "市财政局", 0.72), ("SZ08", "市人事局", 0.70),
    ("SZ09", "市劳动和社会保障局", 0.63), ("SZ10", "市国土资源局", 0.58),
    ("SZ11", "市建设委员会", 0.60), ("SZ12", "市交通局", 0.64),
    ("SZ13", "市水利局", 0.75), ("SZ14", "市农业委员会", 0.77),
    ("SZ15", "市商务局", 0.73), ("SZ16", "市文化局", 0.80),
    ("SZ17", "市卫生局", 0.62), ("SZ18", "市人口和计划生育委员会", 0.76),
    ("SZ19", "市审计局", 0.79), ("SZ20", "市环境保护局", 0.66),
    ("SZ21", "市规划局", 0.59), ("SZ22", "市统计局", 0.81),
    ("SZ23", "市物价局", 0.68), ("SZ24", "市工商行政管理局", 0.62),
    ("SZ25", "市质量技术监督局", 0.67), ("SZ26", "市食品药品监督管理局", 0.70),
    ("SZ27", "市安全生产监督管理局", 0.74), ("SZ28", "市旅游局", 0.82),
    ("SZ29", "市林业局", 0.79), ("SZ30", "市粮食局", 0.76),
    ("SZ31", "市城市管理行政执法局", 0.52), ("SZ32", "市房地产管理局", 0.55),
]
# Per-方面 leanings of some units (added to the standing): the 城管 and 房管 are judged
# harshly on 机关作风, the 审计局 and 统计局 well on 依法行政, and so on.
LEAN = {
    ("SZ31", "机关作风"): -0.08, ("SZ32", "效能建设"): -0.06, ("SZ04", "依法行政"): -0.05,
    ("SZ19", "依法行政"): 0.05, ("SZ22", "依法行政"): 0.04, ("SZ10", "系统监管"): -0.07,
    ("SZ16", "教育管理"): 0.05, ("SZ02", "教育管理"): 0.06, ("SZ28", "效能建设"): 0.03,
}


def main():
    rows = []
    for uid, _, standing in UNITS:
        for aspect in ASPECTS:
            for source, forms, harsh in CHANNELS:
                votes = forms - rng.randint(0, forms // 40)
                p_sat = min(0.95, max(0.2, standing + LEAN.get((uid, aspect), 0)
                                      - harsh + rng.uniform(-0.03, 0.03)))
                # of the rest, a share 不满意 that grows as satisfaction falls
                p_dis = (1 - p_sat) * (0.10 + 0.5 * (0.85 - p_sat))
                sat = round(votes * p_sat)
                dis = round(votes * p_dis)
                rows.append({"date": "2005-12-20", "kind": "评议票", "subject": uid, "方面": aspect,
                             "满意": sat, "基本满意": votes - sat - dis, "不满意": dis, "来源": source})

    with open(os.path.join(HERE, "units.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "parent"])
        for uid, name, _ in UNITS:
            w.writerow([uid, name, ""])
    with open(os.path.join(HERE, "events.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["date", "kind", "subject", "方面", "满意", "基本满意", "不满意", "来源"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
