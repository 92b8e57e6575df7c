#!/usr/bin/env python3
"""Example data for rulesets/股级干部效能考评.kp (S2, seed 002 第一篇).

Writes, beside this script:
- roster.csv, events.csv: the 2024 下半年 appraisal of 42 正副股级干部 in 7 股室 of a
  街道办事处 (民主测评 tallies of the staff meeting, 组织评价 tallies of the 9 班子成员,
  three 处分);
- history/data/roster.csv, history/data/events.csv: the 2024 上半年 appraisal (one person
  has since left, two have joined);
- history/results.csv: that earlier period's results, computed here from the rules of
  SCHEMES.md S2 (they are what `kaoping run` writes for history/data; see README.md), so
  that this period's run can be given `--history`.

Deterministic (fixed seed, Python 3 standard library only).

    python3 examples/股级干部效能考评/generate.py
"""
import csv
import os
import random
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
LEVELS = ["优秀", "胜任", "基本胜任", "不胜任"]
POINTS = {"优秀": 100, "胜任": 80, "基本胜任": 60, "不胜任": 0}
DEPTS = ["党政综合办公室", "经济发展股", "社会事务股", "城市管理股", "社会治安综合治理股", "计划生育股", "财政所"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕文斌晓东春林慧琳鹏飞佳怡振华德明丽萍雪梅宏伟永刚"

STAFF_VOTERS = 48   # 机关全体干部职工 at the 民主测评大会
LEADERS = 9         # 办事处党政班子成员 voting in the 组织评价


def two_places(x):
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def split_votes(rng, voters, quality):
    """Split `voters` ballots over the four 等次 around a person's quality (0..1)."""
    weights = [quality ** 2, 2 * quality * (1 - quality) + 0.15, (1 - quality) ** 2 + 0.03, 0.02 + (1 - quality) * 0.1]
    counts = [0, 0, 0, 0]
    for _ in range(voters):
        counts[rng.choices(range(4), weights)[0]] += 1
    return counts


def make_people(rng):
    people, used = [], set()
    for n in range(44):
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            if name not in used:
                used.add(name)
                break
        dept = DEPTS[n % len(DEPTS)]
        role = "股长" if n < len(DEPTS) else "副股长"
        quality = rng.uniform(0.35, 0.95)
        people.append({"id": f"BC{n + 1:03d}", "name": name, "unit": "柏城街道办事处", "dept": dept,
                       "role": role, "quality": quality})
    # Two who did poorly in both periods (they end among the last three twice: 降职).
    people[40]["quality"] = 0.12
    people[41]["quality"] = 0.15
    # BC008 does well but is disciplined in the second half-year: capped at 胜任.
    people[7]["quality"] = 0.97
    return people


def period(rng, people, meeting_day, leaders_day, sanctions):
    rows = []
    for p in people:
        q = min(0.98, max(0.05, p["quality"] + rng.uniform(-0.06, 0.06)))
        for level, n in zip(LEVELS, split_votes(rng, STAFF_VOTERS, q)):
            if n:
                rows.append([meeting_day, "民主测评", p["id"], level, n, ""])
        for level, n in zip(LEVELS, split_votes(rng, LEADERS, q)):
            rows.append([leaders_day, "组织评价", p["id"], level, n, ""])
    for pid, date, kind in sanctions:
        rows.append([date, "处分", pid, "", "", kind])
    rows.sort(key=lambda r: (r[0], r[2]))
    return rows


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def results(people, rows):
    """SCHEMES.md S2 without history (the first period of the example)."""
    votes = {(p["id"], k): [0, 0] for p in people for k in ("民主测评", "组织评价")}
    sanctioned = set()
    for _, kind, pid, level, n, _ in rows:
        if kind == "处分":
            sanctioned.add(pid)
        else:
            v = votes[(pid, kind)]
            v[0] += POINTS[level] * n
            v[1] += n
    out = {}
    for p in people:
        s = {}
        for kind in ("民主测评", "组织评价"):
            total, n = votes[(p["id"], kind)]
            s[kind] = two_places(Decimal(total) / n) if n else Decimal(0)
        overall = two_places(Decimal("0.4") * s["民主测评"] + Decimal("0.6") * s["组织评价"])
        tier = "优秀" if overall >= 90 else "胜任" if overall >= 75 else "基本胜任" if overall >= 60 else "不胜任"
        if p["id"] in sanctioned and tier == "优秀":
            tier = "胜任"
        out[p["id"]] = [s["民主测评"], s["组织评价"], overall, 0, tier]
    order = sorted(out, key=lambda i: (-out[i][2], i.encode()))
    for rank, i in enumerate(order, 1):
        out[i][3] = rank
    n = len(order)
    return [[i, *(f"{x:.2f}" for x in out[i][:3]), out[i][3], out[i][4],
             "是" if out[i][3] > n - 3 else "否", "否"] for i in sorted(out, key=str.encode)]


def main():
    rng = random.Random(2024)
    people = make_people(rng)
    roster_header = ["id", "name", "unit", "dept", "role"]
    roster = lambda ps: [[p[k] for k in roster_header] for p in ps]

    # 2024 上半年: BC001–BC042 (BC043 and BC044 join later); BC005 leaves at mid-year.
    before = people[:42]
    rows_before = period(rng, before, "2024-06-20", "2024-06-24", [("BC017", "2024-03-08", "政纪处分")])
    write_csv(os.path.join(HERE, "history", "data", "roster.csv"), roster_header, roster(before))
    write_csv(os.path.join(HERE, "history", "data", "events.csv"), ["date", "kind", "subject", "等次", "票数", "类型"], rows_before)
    write_csv(os.path.join(HERE, "history", "results.csv"),
              ["id", "民主测评分", "组织评价分", "综合得分", "排名", "等次", "结对帮扶", "降职"], results(before, rows_before))

    # 2024 下半年: BC005 is gone, BC043 and BC044 are new (no previous period: 降职 否).
    now = [p for p in people if p["id"] != "BC005"]
    sanctions = [("BC008", "2024-09-14", "党纪处分"), ("BC023", "2024-10-30", "重大责任事故"),
                 ("BC031", "2024-11-19", "政纪处分")]
    rows_now = period(rng, now, "2024-12-20", "2024-12-24", sanctions)
    write_csv(os.path.join(HERE, "roster.csv"), roster_header, roster(now))
    write_csv(os.path.join(HERE, "events.csv"), ["date", "kind", "subject", "等次", "票数", "类型"], rows_now)


if __name__ == "__main__":
    main()
