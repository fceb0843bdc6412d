"""The slimming list's arithmetic: indicators → scores 1–10 → TIME quadrant, "zombie system"
reasons and advice, all from plain numbers (``ModuleUse``), so a test can check them against
a table computed by hand.

Score: each indicator is normalised to 1–10 across the county's modules (min → 1, max → 10,
linearly; all equal → 5.5), inverted where less is better (overlap, unanswered bad ratings),
and the score is the weighted mean, weights per county. Reasons use fixed thresholds (the
2017 national guidance on integrating government information systems names the "zombie
systems": detached from business, replaceable, idle, unmaintained, narrow and rarely used).
"""

from dataclasses import dataclass, field

INDICATORS = {  # name: (title, weight by default, higher is better)
    "adoption": ("使用覆盖率（在用/启用的社区）", 2, True),
    "intensity": ("人均每周操作次数", 2, True),
    "users": ("使用人数", 1, True),
    "trend": ("与上一周期相比", 1, True),
    "rating": ("平均评分（暂无评价按 3 分计）", 2, True),
    "openness": ("数据开放（服务、事件、导出）", 1, True),
    "overlap": ("与其他模块重复", 1, False),
    "unanswered": ("逾期未回复的差评", 1, False),
    "placements": ("场景使用（放置其功能块的已发布场景本期被打开的次数）", 0, True),
}
ADVICE = {"keep": "保留", "improve": "改进", "merge": "合并", "retire": "退出"}
QUADRANTS = {
    "invest": "投资（Invest）",
    "tolerate": "容忍（Tolerate）",
    "migrate": "迁移（Migrate）",
    "eliminate": "淘汰（Eliminate）",
}
REASONS = {
    "idle": "闲置",
    "narrow_rare": "使用范围小、使用频度低",
    "detached": "与业务结合不紧密（不在任何场景中，不与其他模块交换数据）",
    "replaceable": "可被其他模块替代",
    "unmaintained": "无人维护（差评逾期未回复）",
}
NEUTRAL_RATING = 3.0


@dataclass
class ModuleUse:
    plugin: str
    title: str
    enabled_nodes: int = 0
    used_nodes: int = 0
    actions: int = 0
    users: int = 0
    weeks: float = 13.0
    previous_actions: int = 0
    rating: float | None = None
    ratings: int = 0
    problems: int = 0
    unanswered: int = 0
    openness: int = 0
    overlaps: list = field(default_factory=list)
    event_links: int = 0
    shares_services: bool = False
    placements: int = 0
    placement_opens: int = 0  # opens, in the period, of the scenarios that place it
    placed_scenarios: list = field(default_factory=list)

    @property
    def adoption(self):
        return self.used_nodes / self.enabled_nodes if self.enabled_nodes else 0.0

    @property
    def intensity(self):
        return self.actions / self.users / self.weeks if self.users and self.weeks else 0.0

    @property
    def trend(self):
        if not self.previous_actions:
            return 1.0 if self.actions else 0.0
        return (self.actions - self.previous_actions) / self.previous_actions

    @property
    def overlap(self):
        return len(self.overlaps)

    def value(self, name):
        if name == "rating":
            return self.rating if self.rating is not None else NEUTRAL_RATING
        if name == "placements":  # how much the placing scenarios are used, not just how many
            return self.placement_opens
        return getattr(self, name)


def normalise(values, higher_is_better=True):
    low, high = min(values), max(values)
    if high == low:
        return [5.5 for _ in values]
    scaled = [1 + 9 * (value - low) / (high - low) for value in values]
    return scaled if higher_is_better else [11 - value for value in scaled]


def weights_for(custom=None):
    weights = {name: weight for name, (_title, weight, _better) in INDICATORS.items()}
    weights.update({name: float(value) for name, value in (custom or {}).items() if name in weights})
    return weights


def score_modules(modules, weights):
    """[{plugin: {indicator: normalised}}, {plugin: score}] over ``modules``."""
    normalised = {module.plugin: {} for module in modules}
    for name, (_title, _weight, better) in INDICATORS.items():
        for module, value in zip(modules, normalise([m.value(name) for m in modules], better), strict=True):
            normalised[module.plugin][name] = value
    total = sum(weights.values()) or 1
    scores = {plugin: sum(weights[n] * v for n, v in row.items()) / total for plugin, row in normalised.items()}
    return normalised, scores


def quadrant(normalised):
    """TIME: business value (use and rating) against technical fit (openness, no overlap)."""
    value = (normalised["adoption"] + normalised["intensity"] + normalised["rating"]) / 3
    fit = (normalised["openness"] + normalised["overlap"]) / 2
    if value >= 5.5:
        return ("invest" if fit >= 5.5 else "migrate"), value, fit
    return ("tolerate" if fit >= 5.5 else "eliminate"), value, fit


def zombie_reasons(module):
    reasons = []
    if module.actions == 0 or (module.enabled_nodes and module.adoption < 0.1):
        reasons.append("idle")
    if module.actions and module.adoption < 0.3 and module.intensity < 1.0:
        reasons.append("narrow_rare")
    if not module.placements and not module.event_links and not module.shares_services:
        reasons.append("detached")
    if module.overlaps:
        reasons.append("replaceable")
    if module.unanswered:
        reasons.append("unmaintained")
    return reasons


def advise(module, reasons):
    if "idle" in reasons or len(reasons) >= 3:
        return "retire"
    if "replaceable" in reasons:
        return "merge"
    if reasons or (module.rating is not None and module.rating < 3) or module.problems >= 3:
        return "improve"
    return "keep"


def explain(module):
    """The advice's reason in words: the figures that led to it."""
    words = [
        f"在 {module.enabled_nodes} 个社区启用，{module.used_nodes} 个在用",
        f"人均每周 {module.intensity:.1f} 次操作",
        f"评分 {module.rating:.1f}（{module.ratings} 条）" if module.rating is not None else "暂无评分",
    ]
    if module.problems:
        words.append(f"{module.problems} 条“不好用”反馈")
    if module.unanswered:
        words.append(f"{module.unanswered} 条差评逾期未回复")
    if module.placements:
        words.append(f"{module.placements} 个已发布的治理场景放置了它的功能块，本期共打开 {module.placement_opens} 次")
    words += module.overlaps
    return "；".join(words)
