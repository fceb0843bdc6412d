"""Plausible people for the demo: names, birth dates, ID numbers and mobiles. Pure and
seeded — the same seed gives the same people on every machine and every day (ages are
measured from a fixed date, never from today)."""

import random
from datetime import date, timedelta

from plugins.resident_info.register.ids import check_character
from plugins.resident_info.register.present import age_on

# Ages, statuses and dates are measured from here, so a run next year seeds the same data.
REFERENCE_DATE = date(2025, 6, 30)
# The real county-level code (GB/T 2260) the demo county's registered residents carry:
# 330127 浙江省杭州市淳安县. Floating residents keep the code of the county they came from.
DEMO_REGION = "330127"
FLOATING_REGIONS = (
    "340121",  # 安徽省合肥市长丰县
    "411421",  # 河南省商丘市民权县
    "412726",  # 河南省周口市郸城县
    "421123",  # 湖北省黄冈市罗田县
    "430524",  # 湖南省邵阳市隆回县
    "510722",  # 四川省绵阳市三台县
)
# Common surnames with rough weights; 方, 汪, 余 and 徐 are frequent around 淳安.
_SURNAME_GROUPS = (
    ("王李张", 7),
    ("刘陈方", 5),
    ("杨汪余徐周", 3),
    ("黄赵吴孙胡朱", 2),
    ("马郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡杜叶程苏魏吕丁任沈姚卢姜钟陆金童邵洪鲁", 1),
)
SURNAMES = tuple(name for names, _weight in _SURNAME_GROUPS for name in names)
_SURNAME_WEIGHTS = tuple(weight for names, weight in _SURNAME_GROUPS for _name in names)
# Given names follow fashion: (born before, male names, female names).
_GIVEN_NAMES = (
    (
        1960,
        "建国 国庆 建华 志强 德明 振华 永福 长生 树林 玉山 德胜 明亮 国平 福生 金发 文华 保国 有才 根生 水生",
        "秀英 桂英 秀兰 玉兰 桂兰 凤英 淑珍 秀珍 玉珍 翠花 素芬 月娥 彩云 金凤 菊花 美华 爱珍 兰英 桂芳 秀芳",
    ),
    (
        1985,
        "伟 强 军 勇 磊 涛 斌 杰 明 刚 海涛 建军 志刚 建平 国华 卫东 红军 晓东 文斌 永刚",
        "丽 敏 静 燕 艳 芳 娟 霞 红梅 丽华 秀梅 海燕 晓红 丽娟 春燕 雪梅 美玲 玉梅 建英 小红",
    ),
    (
        2005,
        "浩 宇 鹏 俊杰 子豪 浩然 宇航 晨阳 博文 志远 家豪 文杰 天宇 鑫 超 帅 凯 俊 明轩 嘉伟",
        "婷 雪 倩 欣怡 梦洁 佳琪 雨欣 思雨 婷婷 晓雯 佳怡 诗琪 雅静 梦瑶 丹 璐 颖 蕾 佳慧 晨曦",
    ),
    (
        9999,
        "梓轩 浩宇 子墨 宇辰 铭泽 奕辰 沐阳 睿哲 俊熙 子睿 梓睿 一鸣 浩轩 嘉懿 宇泽 皓轩 承泽 锦程 思远 逸飞",
        "子涵 欣妍 梓涵 诗涵 语桐 一诺 可馨 雨桐 梓萱 若曦 芷若 思彤 悦 欣然 梦琪 紫萱 安琪 语汐 沐晴 可欣",
    ),
)
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
    "173 177 180 181 182 183 185 186 187 188 189 191 198 199"
).split()
# Sequence numbers (digits 15–17) of the register's people and of the import file's new
# people are disjoint, so the file never repeats someone the demo already registered.
REGISTER_SEQUENCES = range(0, 500)
IMPORT_FILE_SEQUENCES = range(500, 1000)


class PeopleMaker:
    """Hands out people's attributes from one seeded random stream; ID numbers and mobiles
    are never repeated within one maker."""

    def __init__(self, seed, sequences=REGISTER_SEQUENCES):
        self.rng = random.Random(seed)
        self.sequences = sequences
        self._ids, self._mobiles = set(), set()

    def chance(self, probability):
        return self.rng.random() < probability

    def surname(self):
        return self.rng.choices(SURNAMES, _SURNAME_WEIGHTS)[0]

    def given_name(self, gender, birth):
        for born_before, male, female in _GIVEN_NAMES:
            if birth.year < born_before:
                return self.rng.choice((male if gender == "male" else female).split())
        raise AssertionError("unreachable: the last era has no end")

    def birth_date(self, age):
        """A birthday of someone ``age`` years old on ``REFERENCE_DATE``."""
        latest = _years_before(REFERENCE_DATE, age)
        born = latest - timedelta(days=self.rng.randrange(365))
        return born if age_on(born, REFERENCE_DATE) == age else latest

    def id_number(self, region, birth, gender):
        """A valid, unused 18-character ID: region, birth date, sequence (odd for men), check."""
        low, high = self.sequences.start, self.sequences.stop
        while True:
            sequence = self.rng.randrange(low, high)
            if (sequence % 2 == 1) != (gender == "male"):
                sequence = sequence + 1 if sequence + 1 < high else sequence - 1
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            if first17 not in self._ids:
                self._ids.add(first17)
                return first17 + check_character(first17)

    def mobile(self):
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._mobiles:
                self._mobiles.add(number)
                return number

    def day_between(self, first, last):
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
