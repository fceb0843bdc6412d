"""The five groups every county starts with (issue #12), their frequencies and the findings
a visit records. Seeded as ordinary rows the county may edit or switch off — data, not code."""

FREQUENCIES = {"weekly": 7, "fortnightly": 14, "monthly": 30, "quarterly": 91}
FREQUENCY_TITLES = {"weekly": "每周", "fortnightly": "每两周", "monthly": "每月", "quarterly": "每季度"}
FINDINGS = {"health": "身体状况", "living": "居住条件", "safety": "安全隐患", "needs": "生活需求"}
FINDING_VALUES = {"normal": "正常", "attention": "需关注"}
ALERT_KINDS = {"heat": "高温", "cold": "寒潮", "typhoon": "台风", "rainstorm": "暴雨", "other": "其他"}

DEFAULT_GROUPS = (
    {
        "seed_key": "elderly_alone",
        "name": "独居老人（70岁以上）",
        "rule": {"tags_all": ["独居老人"], "min_age": 70},
        "frequency": "weekly",
        "checklist": ["health", "living", "safety", "needs"],
        "grace_days": 2,
        "alert_kinds": ["heat", "cold", "typhoon", "rainstorm"],
    },
    {
        "seed_key": "empty_nest",
        "name": "空巢老人",
        "rule": {"tags_all": ["空巢老人"]},
        "frequency": "fortnightly",
        "checklist": ["health", "living", "needs"],
        "grace_days": 3,
        "alert_kinds": ["heat", "cold"],
    },
    {
        "seed_key": "disabled",
        "name": "残疾人",
        "rule": {"tags_all": ["残疾"]},
        "frequency": "monthly",
        "checklist": ["health", "living", "safety", "needs"],
        "grace_days": 5,
        "alert_kinds": ["typhoon", "rainstorm"],
    },
    {
        "seed_key": "left_behind_children",
        "name": "留守儿童",
        "rule": {"tags_all": ["留守儿童"], "max_age": 17},
        "frequency": "monthly",
        "checklist": ["health", "safety", "needs"],
        "grace_days": 5,
        "alert_kinds": [],
    },
    {
        "seed_key": "subsistence",
        "name": "低保户",
        "rule": {"tags_any": ["低保"]},
        "frequency": "quarterly",
        "checklist": ["living", "needs"],
        "grace_days": 10,
        "alert_kinds": [],
    },
)
