#!/usr/bin/env python3
"""Example data for rulesets/物价局效能考评.kp (S0, seed 000).

Writes roster.csv and events.csv beside this script: the 2012 机关效能建设 appraisal of a
county 物价局 — 局机关 (five 股室), the 价检分局 and the 价格认证中心, 41 people — with a
year of 考核扣分 found by the 效能办's checks, the year-end 民主测评 ballots (好/较好/
一般/较差, cast by the staff and by invited 服务对象 and 群众代表), 表彰, 执行力优秀, 创新认定
and one 一票否决.

Deterministic: the same bytes on every run (fixed seed, Python 3 standard library only).
Run from the repository root (or anywhere):

    python3 examples/物价局效能考评/generate.py
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
YEAR = 2012
rng = random.Random(20120114)

# (unit, dept, [(role, count)])
ORG = [
    ("县物价局", "局领导", [("局长", 1), ("副局长", 3)]),
    ("县物价局", "办公室", [("主任", 1), ("副主任", 1), ("科员", 3)]),
    ("县物价局", "价格管理股", [("股长", 1), ("科员", 3)]),
    ("县物价局", "收费管理股", [("股长", 1), ("副股长", 1), ("科员", 2)]),
    ("县物价局", "成本调查监审股", [("股长", 1), ("科员", 3)]),
    ("县物价局", "价格监测股", [("股长", 1), ("科员", 2)]),
    ("价检分局", "综合股", [("分局长", 1), ("副分局长", 1), ("科员", 2)]),
    ("价检分局", "检查一股", [("股长", 1), ("科员", 4)]),
    ("价检分局", "举报中心", [("主任", 1), ("科员", 2)]),
    ("认证中心", "认证股", [("主任", 1), ("副主任", 1), ("科员", 3)]),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["建国", "秀英", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
         "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "志刚", "海燕", "文华", "晓东",
         "红梅", "玉兰", "春生", "德明", "建华", "丽萍", "国庆", "小红", "卫东", "永强", "慧", "宁",
         "亮", "斌", "婷", "鹏", "雪梅", "振华", "晓燕", "立新", "金凤"]

# What the 效能办 records under each 考核项目: (备注, 分值 choices).
DEDUCTIONS = {
    "内部管理": [("会议无故迟到", ["0.2"]), ("考勤缺勤", ["0.5"]), ("办公室卫生检查不合格", ["0.2"]),
             ("超标准接待", ["1"]), ("理论学习笔记缺失", ["0.5"])],
    "工作落实": [("交办事项逾期未办结", ["1"]), ("价格信息报送不及时", ["0.5"]),
             ("政务公开栏未按期更新", ["0.5"]), ("工作台账不全", ["0.5", "1"])],
    "执行纪律": [("上班时间上网玩游戏", ["2"]), ("无故脱岗", ["1"]), ("工作日午餐饮酒", ["2"])],
    "服务发展": [("服务对象投诉查实", ["1", "2"]), ("价格举报办理超时", ["1"]),
             ("窗口服务态度生硬", ["1"])],
}

def build_roster():
    people = []
    used = set()
    n = 0
    for unit, dept, roles in ORG:
        for role, count in roles:
            for _ in range(count):
                n += 1
                while True:
                    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                    if name not in used:
                        used.add(name)
                        break
                people.append({"id": "WJ%03d" % n, "name": name, "unit": unit, "dept": dept, "role": role})
    return people


def day(month_lo=1, month_hi=12):
    m = rng.randint(month_lo, month_hi)
    return "%d-%02d-%02d" % (YEAR, m, rng.randint(1, 28))


def main():
    people = build_roster()
    events = []

    def ev(date, kind, subject, **attrs):
        row = {"date": date, "kind": kind, "subject": subject}
        row.update(attrs)
        events.append(row)

    # Each person's standing: how the ballots lean (share of 好) and how often the checks
    # find something. A few strong performers, most good, some middling, two weak.
    standing = {}
    for p in people:
        r = rng.random()
        if r < 0.15:
            standing[p["id"]] = ("优", rng.uniform(0.94, 0.99), 0.15)
        elif r < 0.70:
            standing[p["id"]] = ("良", rng.uniform(0.62, 0.88), 0.45)
        elif r < 0.93:
            standing[p["id"]] = ("中", rng.uniform(0.30, 0.55), 0.9)
        else:
            standing[p["id"]] = ("差", rng.uniform(0.15, 0.35), 1.8)
    # The heads of 检查一股, 价格监测股 and 认证股 led the commended work (below) and are
    # rated highly; the last person of 检查一股 had a bad year: repeated discipline problems.
    heads = {}
    for p in people:
        heads.setdefault(p["dept"], p["id"])
    for dept in ("检查一股", "价格监测股", "认证股"):
        standing[heads[dept]] = ("优", rng.uniform(0.97, 1.0), 0.05)
    weak = [p for p in people if p["dept"] == "检查一股"][-1]["id"]
    standing[weak] = ("差", 0.30, 2.5)

    # 考核扣分: the 效能办's monthly checks through the year.
    for p in people:
        _, _, rate = standing[p["id"]]
        count = 0
        while rng.random() < rate / (1 + count * 0.6):
            count += 1
            item = rng.choice(list(DEDUCTIONS))
            note, values = rng.choice(DEDUCTIONS[item])
            ev(day(2, 12), "考核扣分", p["id"], 项目=item, 分值=rng.choice(values), 备注=note)
    for month in (3, 6, 9, 11):  # the weak one: 执行纪律 found again and again
        ev("%d-%02d-15" % (YEAR, month), "考核扣分", weak, 项目="执行纪律", 分值="2", 备注="无故脱岗")

    # 测评: one ballot at the year-end 干部大会: every staff member plus 14 服务对象 and
    # 群众代表 vote on every person; a few abstain on each.
    voters = len(people) + 14
    for p in people:
        _, good, _ = standing[p["id"]]
        cast = voters - rng.randint(0, 3)
        tallies = {"好": 0, "较好": 0, "一般": 0, "较差": 0}
        for _ in range(cast):
            r = rng.random()
            if r < good:
                tallies["好"] += 1
            elif r < good + (1 - good) * 0.65:
                tallies["较好"] += 1
            elif r < good + (1 - good) * 0.93:
                tallies["一般"] += 1
            else:
                tallies["较差"] += 1
        for grade, votes in tallies.items():
            ev("%d-12-26" % YEAR, "测评", p["id"], 等次=grade, 票数=str(votes))

    # 表彰: commendations as the 证书 and 通报 came in. Some work was commended twice at
    # different levels (counted once, at the highest); some in the name of 县委县政府.
    by_dept = {}
    for p in people:
        by_dept.setdefault(p["dept"], []).append(p["id"])
    awards = [
        (by_dept["检查一股"][0], "2012-04-20", "市厅级", "涉农价格和收费专项检查", "否"),
        (by_dept["检查一股"][0], "2012-11-08", "省部级", "涉农价格和收费专项检查", "否"),
        (by_dept["综合股"][0], "2012-11-08", "省部级", "涉农价格和收费专项检查", "否"),
        (by_dept["认证股"][0], "2012-07-12", "省部级", "涉案财物价格认证", "是"),
        (by_dept["认证股"][0], "2012-12-03", "中央国务院", "涉案财物价格认证", "否"),
        (by_dept["认证股"][2], "2012-07-12", "省部级", "涉案财物价格认证", "否"),
        (by_dept["成本调查监审股"][0], "2012-09-18", "市厅级", "全市成本调查监审工作先进", "是"),
        (by_dept["价格监测股"][0], "2012-12-15", "中央国务院", "全国价格监测工作先进集体", "否"),
        (by_dept["价格监测股"][1], "2012-12-15", "中央国务院", "全国价格监测工作先进集体", "否"),
        (by_dept["办公室"][2], "2012-06-01", "市厅级", "全市物价系统优秀信息员", "否"),
        (by_dept["举报中心"][0], "2012-03-15", "市厅级", "全市价格举报先进个人", "否"),
        (by_dept["举报中心"][0], "2012-10-15", "市厅级", "全市12358价格举报工作先进", "是"),
        (by_dept["局领导"][0], "2012-12-20", "省部级", "全省物价系统先进工作者", "否"),
    ]
    for subject, date, level, content, county in awards:
        ev(date, "表彰", subject, 级别=level, 内容=content, 县委县政府名义=county)

    # 执行力优秀: from the 县治庸问责办's 执行力评议, twice a year; counted once.
    strong = [p["id"] for p in people if standing[p["id"]][0] in ("优", "良")]
    for half, date in (("上半年", "2012-07-05"), ("下半年", "2012-12-28")):
        for pid in sorted(rng.sample(strong, 9)):
            ev(date, "执行力优秀", pid, 备注="执行力评议优秀（%s）" % half)

    # 创新认定: 股室 applications accepted by the 考核领导小组.
    innovations = [
        (by_dept["收费管理股"][0], "0.3", "涉企收费“一站式”清单公示，县委县政府认可"),
        (by_dept["价格监测股"][0], "0.2", "农产品价格监测预警做法被市委市政府推介"),
        (by_dept["价格监测股"][0], "0.1", "平价商店运行监测办法"),
        (by_dept["认证股"][0], "0.2", "涉案财物价格认证快速通道"),
    ]
    for subject, value, note in innovations:
        ev("2012-12-22", "创新认定", subject, 分值=value, 备注=note)

    # 否决: one 一票否决.
    ev("2012-08-30", "否决", by_dept["收费管理股"][3], 事由="违反机关管理制度，公务用车私用造成交通事故")

    order = {"考核扣分": 0, "表彰": 1, "执行力优秀": 2, "创新认定": 3, "否决": 4, "测评": 5}
    events.sort(key=lambda e: (e["date"], order[e["kind"]], e["subject"]))

    with open(os.path.join(HERE, "roster.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["id", "name", "unit", "dept", "role"], lineterminator="\n")
        w.writeheader()
        w.writerows(people)
    cols = ["date", "kind", "subject", "项目", "分值", "等次", "票数", "级别", "内容", "县委县政府名义",
            "事由", "备注"]
    with open(os.path.join(HERE, "events.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, cols, lineterminator="\n")
        w.writeheader()
        w.writerows(events)


if __name__ == "__main__":
    main()
