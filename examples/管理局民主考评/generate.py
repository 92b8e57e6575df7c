#!/usr/bin/env python3
"""Example data for rulesets/管理局民主考评.kp (S1, seed 001).

Writes units.csv and events.csv beside this script: 14 units (the 机关服务中心 and its
peers under the 县机关事务管理局) rated by questionnaire on the six 内容, in two batches
(paper forms at the 测评大会, then a second round of visits), and a few 违规查处.

Deterministic: the same files on every run (fixed seed, Python 3 standard library only).

    python3 examples/管理局民主考评/generate.py
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
CONTENTS = ["履行职责", "依法办事", "政务公开", "工作作风", "服务态度", "勤政廉政"]

# (id, name, quality): quality is the share of 满意 a unit tends to get.
UNITS = [
    ("JG01", "机关服务中心", 0.86),
    ("JG02", "公务接待服务中心", 0.80),
    ("JG03", "公务用车服务中心", 0.71),
    ("JG04", "机关食堂管理所", 0.64),
    ("JG05", "机关物业管理所", 0.58),
    ("JG06", "办公用房管理所", 0.75),
    ("JG07", "公共机构节能办公室", 0.90),
    ("JG08", "机关幼儿园", 0.93),
    ("JG09", "机关医务室", 0.69),
    ("JG10", "会议服务中心", 0.78),
    ("JG11", "资产管理中心", 0.52),
    ("JG12", "采购服务站", 0.40),
    ("JG13", "后勤保障中心", 0.83),
    ("JG14", "集中办公区管理处", 0.66),
]

VIOLATIONS = [
    ("JG03", "2023-09-12", "公车私用，被县纪委通报"),
    ("JG08", "2023-11-03", "违规收取赞助费"),
    ("JG12", "2023-06-21", "采购中吃拿卡要，群众实名举报查实"),
]


def tally(rng, voters, quality):
    """Split `voters` ballots into 满意, 基本满意, 不满意 around `quality`."""
    q = min(0.99, max(0.05, quality + rng.uniform(-0.08, 0.08)))
    s = round(voters * q)
    rest = voters - s
    b = round(rest * rng.uniform(0.45, 0.8))
    return s, b, rest - b


def main():
    rng = random.Random(20231101)
    with open(os.path.join(HERE, "units.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "parent"])
        for uid, name, _ in UNITS:
            w.writerow([uid, name, ""])

    rows = []
    for uid, _, quality in UNITS:
        for content in CONTENTS:
            # JG14 opened in the autumn: no one was asked about its 政务公开, so that 内容
            # has no votes (its 满意率 is 0 and still counts in the mean of six).
            if uid == "JG14" and content == "政务公开":
                continue
            # Batch 1: the 测评大会 (2024-01-16); batch 2: visits to service users.
            rows.append(["2024-01-16", "问卷", uid, content, *tally(rng, rng.randint(40, 60), quality), ""])
            rows.append(["2024-01-23", "问卷", uid, content, *tally(rng, rng.randint(15, 30), quality), ""])
    for uid, date, reason in VIOLATIONS:
        rows.append([date, "违规查处", uid, "", "", "", "", reason])
    rows.sort(key=lambda r: (r[0], r[2]))

    with open(os.path.join(HERE, "events.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "kind", "subject", "内容", "满意", "基本满意", "不满意", "事由"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
