#!/usr/bin/env python3
"""Writes the example data of 城管绩效考评 (S3, rulesets/城管绩效考评.kp): roster.csv and
events.csv for one 局 over the year 2024.

Deterministic (fixed seed, Python 3 standard library only): running it again rewrites the
same bytes.

    python3 examples/城管绩效考评/generate.py
"""
import csv
import datetime
import os
import random

YEAR = 2024
UNIT = "市城市管理行政执法局"
HERE = os.path.dirname(os.path.abspath(__file__))

# (dept, 类别, size, 支部). Section 六(二) names the 业务类 and 党务类 处(室).
DEPTS = [
    ("办公室", "业务类", 10, "机关第一支部"),
    ("法规处", "业务类", 6, "机关第一支部"),
    ("执法一处", "业务类", 12, "机关第二支部"),
    ("执法二处", "业务类", 11, "机关第三支部"),
    ("指挥调度室", "业务类", 8, "机关第三支部"),
    ("政治处", "党务类", 7, "机关第四支部"),
    ("机关党总支", "党务类", 4, "机关第四支部"),
    ("监察室", "党务类", 5, "机关第四支部"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌宇浩凯俊帆建国志海波晨旭辉琳雪梅婷慧颖晶"

rng = random.Random(20240101)


def day(month, d):
    return datetime.date(YEAR, month, d)


WORKDAYS = [d for d in (datetime.date(YEAR, 1, 1) + datetime.timedelta(i) for i in range(366))
            if d.year == YEAR and d.weekday() < 5]


def workday(month=None):
    pool = WORKDAYS if month is None else [d for d in WORKDAYS if d.month == month]
    return rng.choice(pool)


def make_roster():
    people = []
    used = set()
    n = 0
    for dept, cat, size, branch in DEPTS:
        deputies = 2 if size >= 8 else 1
        for i in range(size):
            n += 1
            while True:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
                if name not in used:
                    used.add(name)
                    break
            role = "处长" if i == 0 else "副处长" if i <= deputies else "科员"
            people.append({"id": "CG%03d" % n, "name": name, "unit": UNIT, "dept": dept, "role": role,
                           "类别": cat, "支部": branch, "党内职务": "无"})
    # one 支部书记 per branch: a 副处长 or a senior 科员 of its first dept
    for branch in sorted({d[3] for d in DEPTS}):
        members = [p for p in people if p["支部"] == branch and p["role"] != "处长"]
        rng.choice(members[:4])["党内职务"] = "支部书记"
    return people


def main():
    people = make_roster()
    by_dept = {}
    for p in people:
        by_dept.setdefault(p["dept"], []).append(p)
    heads = {d: ps[0] for d, ps in by_dept.items()}
    secretaries = [p for p in people if p["党内职务"] == "支部书记"]
    business = [p for p in people if p["类别"] == "业务类"]
    party = [p for p in people if p["类别"] == "党务类"]
    staff = [p for p in people if p["role"] == "科员"]

    rows = []  # (date, kind, subject, attrs)
    # one 科员 whose year went badly: the 不称职 path (扣发十三月工资)
    troubled = [p for p in by_dept["执法二处"] if p["role"] == "科员"][-1]

    def add(date, kind, who, **attrs):
        rows.append((date, kind, who["id"], attrs))

    # 处务会: 业务类 处长, about weekly; 指挥调度室 falls short (21 < 24 → 能 −5)
    for dept, cat, size, branch in DEPTS:
        if cat != "业务类":
            continue
        count = 21 if dept == "指挥调度室" else rng.randint(26, 44)
        mondays = [d for d in WORKDAYS if d.weekday() == 0]
        for d in sorted(rng.sample(mondays, count)):
            add(d, "处务会", heads[dept])

    # 调研: trips of 0.5–4 days by 业务类 staff; 法规处 ends the year at 26.5 days (< 30)
    for dept, cat, size, branch in DEPTS:
        if cat != "业务类":
            continue
        target = 26.5 if dept == "法规处" else rng.choice([30, 31.5, 34, 36.5, 40])
        total = 0.0
        while total < target:
            days = min(rng.choice([0.5, 1, 1, 1.5, 2, 2, 3, 4]), target - total)
            add(workday(), "调研", rng.choice(by_dept[dept]), 天数=fmt_num(days))
            total += days

    # 支部活动: each 支部书记 about monthly; one branch holds only 10; some without 记录
    for k, sec in enumerate(secretaries):
        count = 10 if k == len(secretaries) - 1 else rng.randint(12, 14)
        months = sorted(rng.sample(range(1, 13), min(count, 12)) + ([] if count <= 12 else rng.sample(range(1, 13), count - 12)))
        for m in months:
            add(workday(m), "支部活动", sec, 有记录="否" if rng.random() < 0.08 else "是")

    # 德
    for _ in range(28):
        add(workday(), "缺席", rng.choice(people), 活动=rng.choice(["支部生活", "处务会", "全局大会", "集体活动"]),
            请假="否" if rng.random() < 0.3 else "是")
    for _ in range(22):
        add(workday(), "迟到会议", rng.choice(people), 活动=rng.choice(["支部生活", "处务会", "全局大会"]))
    for verified in ["是", "是", "否", "是"]:
        add(workday(), "态度生硬", rng.choice(staff), 查实=verified)

    # 能
    for kind, n in [("未报告", 2), ("未履行首问", 3), ("公文不符", 3), ("协调被投诉", 2), ("重大失误", 1),
                    ("泄密", 1)]:
        for _ in range(n):
            add(workday(), kind, rng.choice(business))
    for kind, n in [("办会失误", 3), ("推诿拖拉", 4)]:
        for _ in range(n):
            add(workday(), kind, rng.choice(people))
    add(workday(), "考评失实", heads["执法二处"])
    for _ in range(3):
        add(workday(), "未完成交办", rng.choice(party))
    add(workday(), "任务不到位", heads["监察室"])
    for _ in range(3):
        add(workday(), "党费未督促", rng.choice(people))

    # 勤: 考勤 records the exceptions (late arrivals, early leaves) only
    for p in people:
        habit = rng.choice([2, 4, 6, 10, 16])
        for _ in range(rng.randint(habit, habit * 2)):
            late = rng.choice([0, 0, 5, 10, 15, 20, 21, 25, 30, 45])
            early = rng.choice([0, 0, 0, 10, 15, 16, 20, 30])
            if late == 0 and early == 0:
                late = 8
            add(workday(), "考勤", p, 迟到分钟=str(late), 早退分钟=str(early))
    for _ in range(9):
        add(workday(), "离岗未报告", rng.choice(people))
    kinds = ["私事"] * 6 + ["病假"] * 3 + ["婚假", "产假", "探亲假", "公休假", "公休假", "丧假"]
    for p in people:
        for _ in range(rng.randint(2, 9)):
            t = rng.choice(kinds)
            days = {"婚假": 3, "产假": 30, "探亲假": 10, "公休假": 5, "丧假": 3}.get(t, rng.choice([0.5, 1, 1, 1.5, 2, 3]))
            add(workday(), "请假", p, 天数=fmt_num(days), 类型=t)
        if rng.random() < 0.15:  # a busy month of private leave: more than 3 days
            m = rng.randint(1, 12)
            for days in (2, 1.5, 1):
                add(workday(m), "请假", p, 天数=fmt_num(days), 类型="私事")
    for _ in range(6):
        add(workday(), "违纪", rng.choice(people), 行为=rng.choice(["游戏", "聊天", "炒股", "睡觉", "其他"]))

    # 绩: one 工作评价 a year (a few also have a mid-year one); at most one 优秀 in a dept of 6+
    for dept, ps in by_dept.items():
        best = rng.sample(ps, 1 if len(ps) >= 6 else 2)
        for p in ps:
            if rng.random() < 0.15:
                add(day(6, 28), "工作评价", p, 等次=rng.choice(["良好", "一般"]))
            grade = "优秀" if p in best else rng.choice(["良好"] * 4 + ["一般"] * 4 + ["差"])
            if p is troubled:
                grade = "差"
            add(day(12, 20), "工作评价", p, 等次=grade)
    for kind, n in [("重大差错", 3), ("遗失公文", 1)]:
        for _ in range(n):
            add(workday(), kind, rng.choice(people))
    add(workday(), "党务失误", secretaries[0])

    # the troubled 科员: chronic lateness, absences, idling, a lost file, a verified 索拿卡要
    for _ in range(24):
        add(workday(), "考勤", troubled, 迟到分钟=str(rng.choice([25, 30, 40, 60])), 早退分钟=str(rng.choice([0, 20, 30])))
    for _ in range(5):
        add(workday(), "离岗未报告", troubled)
    for act in ["游戏", "睡觉", "聊天", "游戏"]:
        add(workday(), "违纪", troubled, 行为=act)
    for act in ["处务会", "全局大会", "支部生活"]:
        add(workday(), "缺席", troubled, 活动=act, 请假="否")
    add(workday(), "推诿拖拉", troubled)
    add(workday(), "遗失公文", troubled)
    add(workday(), "索拿卡要", troubled, 查实="是")

    # 廉
    add(workday(), "索拿卡要", rng.choice(business), 查实="是")
    add(workday(), "索拿卡要", rng.choice(business), 查实="否")

    # 民主测评 at the year end: 处长/副处长 by four sources, 科员 by their colleagues
    for p in people:
        base = 48 if p is troubled else rng.uniform(60, 92)
        if p["role"] in ("处长", "副处长"):
            plan = [("局领导", 5), ("副科以上互评", 8), ("局属单位", 6), ("机关科员", 10)]
        else:
            plan = [("机关科员", 8)]
        for source, raters in plan:
            for _ in range(raters):
                score = max(0.0, min(100.0, base + rng.uniform(-8, 8)))
                add(day(12, 26), "测评打分", p, 来源=source, 分值="%.1f" % score)

    write_csv(os.path.join(HERE, "roster.csv"), ["id", "name", "unit", "dept", "role", "类别", "支部", "党内职务"],
              [[p[k] for k in ["id", "name", "unit", "dept", "role", "类别", "支部", "党内职务"]] for p in people])
    attrs = ["活动", "请假", "查实", "天数", "有记录", "迟到分钟", "早退分钟", "类型", "行为", "等次", "来源", "分值"]
    rows.sort(key=lambda r: (r[0], r[2], r[1]))
    write_csv(os.path.join(HERE, "events.csv"), ["date", "kind", "subject"] + attrs,
              [[d.isoformat(), k, s] + [a.get(x, "") for x in attrs] for d, k, s, a in rows])


def fmt_num(x):
    return ("%.1f" % x).rstrip("0").rstrip(".")


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


if __name__ == "__main__":
    main()
