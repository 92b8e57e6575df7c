#!/usr/bin/env python3
"""Writes the example data of 作风效能建设考评 (S4, rulesets/作风效能建设考评.kp): units.csv
and events.csv for the 市直 departments and their 下属单位 over the year 2024, and
history/results.csv, the previous year's (2023) results, for `--history`.

Deterministic (fixed seed, Python 3 standard library only): running it again rewrites the
same bytes.

    python3 examples/作风效能建设考评/generate.py
"""
import csv
import datetime
import os
import random

YEAR = 2024
HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20110101)

# 市直 departments (parent empty). Flags: A = has approval items in the 行政服务中心
# (审批进驻, 满意度 窗口), X = handles 信访积案 (积案化解).
DEPARTMENTS = [
    ("SZ01", "市发展和改革委员会", "A"), ("SZ02", "市教育局", ""), ("SZ03", "市科学技术局", "A"),
    ("SZ04", "市工业和信息化局", "A"), ("SZ05", "市公安局", "AX"), ("SZ06", "市民政局", "AX"),
    ("SZ07", "市司法局", "X"), ("SZ08", "市财政局", ""), ("SZ09", "市人力资源和社会保障局", "AX"),
    ("SZ10", "市自然资源和规划局", "AX"), ("SZ11", "市生态环境局", "A"), ("SZ12", "市住房和城乡建设局", "AX"),
    ("SZ13", "市交通运输局", "A"), ("SZ14", "市水利局", "A"), ("SZ15", "市农业农村局", "A"),
    ("SZ16", "市商务局", "A"), ("SZ17", "市文化广电旅游局", "A"), ("SZ18", "市卫生健康委员会", "AX"),
    ("SZ19", "市退役军人事务局", "X"), ("SZ20", "市应急管理局", "A"), ("SZ21", "市审计局", ""),
    ("SZ22", "市市场监督管理局", "AX"), ("SZ23", "市统计局", ""), ("SZ24", "市医疗保障局", "A"),
    ("SZ25", "市城市管理局", "AX"), ("SZ26", "市信访局", "X"), ("SZ27", "市行政审批服务局", "A"),
    ("SZ28", "市机关事务管理局", ""),
]
# 下属单位: (id, name, parent)
SUBORDINATES = [
    ("SZ05-01", "市公安局交通警察支队", "SZ05"), ("SZ05-02", "市公安局出入境管理支队", "SZ05"),
    ("SZ09-01", "市社会保险事业管理中心", "SZ09"), ("SZ09-02", "市公共就业服务中心", "SZ09"),
    ("SZ12-01", "市住房公积金管理中心", "SZ12"), ("SZ12-02", "市建设工程质量安全监督站", "SZ12"),
    ("SZ18-01", "市疾病预防控制中心", "SZ18"),
    ("SZ25-01", "市城市管理综合执法支队", "SZ25"), ("SZ25-02", "市环境卫生管理处", "SZ25"),
    ("SZ25-03", "市市政设施管理处", "SZ25"),
]

# How each unit's year goes: mostly fine, a few poor ones, two bad ones.
PROFILE = {u[0]: "good" for u in DEPARTMENTS + SUBORDINATES}
for uid in ["SZ04", "SZ10", "SZ13", "SZ22", "SZ09-02", "SZ25-02"]:
    PROFILE[uid] = "fair"
for uid in ["SZ12", "SZ25-01", "SZ07"]:
    PROFILE[uid] = "poor"
for uid in ["SZ19", "SZ12-02"]:
    PROFILE[uid] = "bad"

# expected number of rows per kind and profile (a row is one verified case)
RATES = {
    #            good  fair  poor  bad
    "督办未落实": (0.3, 1.0, 2.0, 3.0),
    "批示敷衍": (0.1, 0.5, 1.0, 2.0),
    "提案逾期": (0.2, 0.6, 1.0, 1.5),
    "两头受理": (0.05, 0.3, 0.6, 1.0),
    "超时办结": (0.3, 1.0, 2.0, 3.0),
    "投诉逾期": (0.6, 1.5, 3.0, 4.0),
    "退回重办": (0.2, 0.6, 1.2, 2.0),
    "办理不实": (0.02, 0.2, 0.5, 1.0),
    "信访逾期": (0.3, 1.0, 2.0, 3.0),
    "信访敷衍": (0.1, 0.4, 1.0, 1.5),
    "缺席会议": (0.2, 0.5, 1.0, 2.0),
    "会议迟到": (0.5, 1.2, 2.0, 3.0),
    "未报参会": (0.2, 0.5, 1.0, 1.5),
    "暗访通报": (0.0, 0.1, 0.5, 1.5),
    "午餐饮酒": (0.03, 0.15, 0.5, 1.0),
    "娱乐场所": (0.02, 0.1, 0.3, 1.0),
    "上班违规": (0.3, 0.8, 1.5, 2.0),
    "着装违规": (0.4, 0.8, 1.5, 2.0),
    "迟到早退": (0.8, 1.5, 2.5, 4.0),
    "不作为": (0.0, 0.05, 0.3, 1.0),
    "公共事件": (0.0, 0.02, 0.2, 0.8),
    "效率低": (0.05, 0.3, 0.6, 1.0),
    "黄赌毒": (0.0, 0.02, 0.1, 0.5),
}
LEVEL = {"good": 0, "fair": 1, "poor": 2, "bad": 3}

WORKDAYS = [d for d in (datetime.date(YEAR, 1, 1) + datetime.timedelta(i) for i in range(366))
            if d.year == YEAR and d.weekday() < 5]


def count(mean):
    """A small random count with the given mean (sum of Bernoulli trials)."""
    n = 0
    whole = int(mean * 4) + 1
    for _ in range(whole):
        if rng.random() < mean / whole:
            n += 1
    return n


def main():
    units = [(uid, name, "") for uid, name, _ in DEPARTMENTS] + list(SUBORDINATES)
    flags = {uid: f for uid, _, f in DEPARTMENTS}
    rows = []

    def add(date, kind, uid, **attrs):
        rows.append((date, kind, uid, attrs))

    for uid, name, parent in units:
        level = LEVEL[PROFILE[uid]]
        for kind, rates in RATES.items():
            for _ in range(count(rates[level] * 0.6)):
                attrs = {}
                if kind == "督办未落实":
                    attrs["影响全局"] = "是" if rng.random() < 0.25 + 0.15 * level else "否"
                if kind in ("不作为", "公共事件"):
                    attrs["分值"] = rng.choice(["10", "12", "15", "18", "20"])
                add(rng.choice(WORKDAYS), kind, uid, **attrs)
        f = flags.get(uid, "")
        if "A" in f:  # once a year, from the 行政服务中心
            need = rng.randint(6, 40)
            missing = 0 if level == 0 and rng.random() < 0.8 else rng.randint(1, 1 + level)
            add(datetime.date(YEAR, 12, 31), "审批进驻", uid, 应进驻=str(need), 已进驻=str(max(0, need - missing)))
        if "X" in f:
            target = rng.choice([80, 85, 90])
            done = min(100.0, target + rng.uniform(-4, 6) - level * rng.uniform(2, 5))
            add(datetime.date(YEAR, 12, 31), "积案化解", uid, 目标=str(target), 完成="%.1f" % done)
        if not parent:  # 民主评议 of the department, and of its window if it has one
            for obj in ["部门"] + (["窗口"] if "A" in f else []):
                rate = min(100.0, rng.uniform(89, 99) - level * rng.uniform(1, 3))
                add(datetime.date(YEAR, rng.choice([6, 12]), 20), "满意度", uid, 对象=obj, 满意率="%.1f" % rate)

    # every kind of the scheme appears at least once: a rare one missing from the draw is
    # put on one of the two bad units
    seen = {k for _, k, _, _ in rows}
    worst = [uid for uid, _, _ in units if PROFILE[uid] == "bad"]
    for i, kind in enumerate(k for k in RATES if k not in seen):
        attrs = {"分值": "15"} if kind in ("不作为", "公共事件") else {"影响全局": "否"} if kind == "督办未落实" else {}
        add(rng.choice(WORKDAYS), kind, worst[i % len(worst)], **attrs)

    write_csv(os.path.join(HERE, "units.csv"), ["id", "name", "parent"], units)
    attrs = ["影响全局", "应进驻", "已进驻", "目标", "完成", "分值", "对象", "满意率"]
    rows.sort(key=lambda r: (r[0], r[2], r[1]))
    write_csv(os.path.join(HERE, "events.csv"), ["date", "kind", "subject"] + attrs,
              [[d.isoformat(), k, u] + [a.get(x, "") for x in attrs] for d, k, u, a in rows])

    # history/results.csv: the 2023 run's results (the columns of the scheme's output). Last
    # year's units were much like this year's; SZ26 and two 下属单位 were added in 2024 (no
    # previous year), and the 市粮食局 (SZ99) has since been merged away (ignored).
    hist = []
    for uid, name, parent in units:
        if uid in ("SZ26", "SZ05-02", "SZ25-03"):
            continue
        level = LEVEL[PROFILE[uid]]
        if rng.random() < 0.25:
            level = max(0, level + rng.choice([-1, 1]))
        score = [rng.uniform(90, 99), rng.uniform(82, 94), rng.uniform(64, 84), rng.uniform(40, 62)][level]
        hist.append((uid, round(score, 2)))
    hist.append(("SZ99", 91.0))
    hist.sort()
    write_csv(os.path.join(HERE, "history", "results.csv"), ["id", "得分", "等次", "先进单位", "处理建议"],
              [[uid, "%.2f" % s, tier(s), "否", "否"] for uid, s in hist])


def tier(score):
    return "优秀" if score >= 90 else "良好" if score >= 80 else "合格" if score >= 60 else "不合格"


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


if __name__ == "__main__":
    main()
