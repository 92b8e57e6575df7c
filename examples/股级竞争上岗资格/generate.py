#!/usr/bin/env python3
"""Example data for rulesets/股级竞争上岗资格.kp (S2b, seed 002 第三篇).

Writes roster.csv beside this script: 36 people of a 乡 who signed up for the 2009
competition for eight 股级 posts, with the attributes the 资格审查 needs: 工龄 (years of
work), 学历, 年龄, 在编, 上年考核, 前年考核. The scheme reads no events, so there is no
events file: the data directory holds the roster alone.

Most applicants qualify; some fail one condition, a few several, and some sit exactly on
a limit (工龄 2, 中专, 年龄 45) to show that the limits are included.

Deterministic (fixed seed, Python 3 standard library only).

    python3 examples/股级竞争上岗资格/generate.py
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
DEPTS = ["党政办公室", "社会事务办公室", "财经办公室", "综治办（司法所）", "计划生育办公室",
         "农村经济综合服务中心", "计划生育服务中心", "文化广播服务中心", "社会保障事务所"]
DEGREES = ["初中", "高中", "中专", "大专", "本科", "硕士", "博士"]
RATINGS = ["优秀", "称职", "基本称职", "不称职"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国红梅玉志海燕文斌东春林慧鹏飞佳振德萍雪宏永"

# Applicants who fail on purpose, by number: the condition(s) they miss.
FAILS = {
    3: {"工龄"}, 7: {"学历"}, 11: {"年龄"}, 14: {"在编"}, 18: {"上年考核"}, 21: {"前年考核"},
    25: {"工龄", "年龄"}, 29: {"学历", "在编", "上年考核"},
    33: {"工龄", "学历", "年龄", "在编", "上年考核", "前年考核"},
}
# Applicants exactly on a limit (they still qualify).
LIMITS = {5: "工龄", 9: "学历", 16: "年龄", 27: "all"}


def main():
    rng = random.Random(20090312)
    rows, used = [], set()
    for n in range(1, 37):
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            if name not in used:
                used.add(name)
                break
        age = rng.randint(24, 44)
        years = rng.randint(2, max(2, age - 20))
        degree = rng.choices(DEGREES[2:], [2, 4, 5, 1, 0.2])[0]
        staffed = "是"
        last = rng.choices(RATINGS[:2], [1, 4])[0]
        before = rng.choices(RATINGS[:2], [1, 4])[0]
        fails = FAILS.get(n, set())
        if "工龄" in fails:
            years = rng.choice([0, 1])
        if "学历" in fails:
            degree = rng.choice(DEGREES[:2])
        if "年龄" in fails:
            age = rng.randint(46, 52)
        if "在编" in fails:
            staffed = "否"
        if "上年考核" in fails:
            last = rng.choice(RATINGS[2:])
        if "前年考核" in fails:
            before = rng.choice(RATINGS[2:])
        limit = LIMITS.get(n)
        if limit in ("工龄", "all"):
            years = 2
        if limit in ("学历", "all"):
            degree = "中专"
        if limit in ("年龄", "all"):
            age = 45
        if limit == "all":
            last = before = "称职"
        dept = DEPTS[n % len(DEPTS)]
        rows.append([f"XZ{n:02d}", name, "城关乡人民政府", dept, "干部",
                     years, degree, age, staffed, last, before])

    with open(os.path.join(HERE, "roster.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "unit", "dept", "role", "工龄", "学历", "年龄", "在编", "上年考核", "前年考核"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
