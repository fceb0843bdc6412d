"""The demo's households (户): who lives together, where, and which tags and statuses they
carry. Pure and seeded — a plan of plain values that ``demo.services`` stores and
``demo.import_file`` writes to a spreadsheet.

Proportions are rough but plausible for a Chinese county town: about 3 people a household,
15 % floating population, elderly people living alone (独居老人) or as couples whose children
left (空巢老人), grandparents raising children of parents working elsewhere (留守儿童), a few
percent disabled (残疾, levels 1–4), on minimum living allowance (低保) or in extreme
poverty support (特困), veterans, and some moved out or deceased in recent years."""

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from plugins.resident_info.demo.people import DEMO_REGION, FLOATING_REGIONS, REFERENCE_DATE
from plugins.resident_info.register.present import age_on
from plugins.resident_info.register.validation import HEALTH_TAGS, tag_entry

BUILDINGS_PER_GRID = 4
RECENT = date(2021, 1, 1)  # moves and deaths happened between this and REFERENCE_DATE
KINDS = {
    "elderly_alone": 5,
    "elderly_couple": 11,
    "couple": 9,
    "nuclear": 33,
    "three_generations": 18,
    "left_behind": 4,
    "single": 8,
    "floating": 20,
}
OTHER = {"male": "female", "female": "male"}


@dataclass(frozen=True)
class Place:
    """A grid and the buildings (or village groups) its households live in."""

    org_path: Optional[str]
    grid_name: str
    community: str
    buildings: tuple
    village: bool = False

    def flats(self):
        if self.village:  # 青山村3组12号: a village group and a house number
            return [(building, None, f"{number}号") for building in self.buildings for number in range(1, 31)]
        return [
            (building, f"{unit}单元", f"{floor}0{door}")
            for building in self.buildings
            for unit in (1, 2)
            for floor in range(1, 7)
            for door in (1, 2)
        ]


@dataclass
class Member:
    name: str
    gender: str
    birth_date: date
    id_number: str
    relation_to_head: str
    registration: str = "registered"
    phone: Optional[str] = None
    status: str = "living"
    status_date: Optional[date] = None
    tags: list = field(default_factory=list)
    notes: str = ""

    @property
    def age(self):
        return age_on(self.birth_date, REFERENCE_DATE)

    def has(self, name):
        return any(entry["tag"] == name for entry in self.tags)

    def tag(self, name, level=None):
        if self.status == "living" and not self.has(name):
            self.tags.append(tag_entry(name, level, name in HEALTH_TAGS))


@dataclass
class HouseholdPlan:
    place: Place
    building: str
    unit: Optional[str]
    room: str
    kind: str
    members: list

    @property
    def address(self):
        return f"{self.place.community}{self.building}{self.unit or ''}{self.room}"


def plan_households(maker, places, target):
    """Households over ``places`` until they hold at least ``target`` people."""
    free = {place: maker.rng.sample(place.flats(), len(place.flats())) for place in places}
    weights = [maker.rng.uniform(0.8, 1.2) for _place in places]
    plans, people = [], 0
    while people < target:
        open_places = [(place, weight) for place, weight in zip(places, weights) if free[place]]
        if not open_places:
            raise ValueError("演示网格的住房不够安排这么多居民")
        place = maker.rng.choices([p for p, _w in open_places], [w for _p, w in open_places])[0]
        kind = maker.rng.choices(list(KINDS), list(KINDS.values()))[0]
        members = Family(maker, kind).members()
        building, unit, room = free[place].pop()
        plans.append(HouseholdPlan(place, building, unit, room, kind, members))
        people += len(members)
    return plans


class Family:
    """The members of one household of a kind, head first, with tags and statuses."""

    def __init__(self, maker, kind):
        self.maker, self.kind = maker, kind
        self.floating = kind == "floating"
        self.region = maker.rng.choice(FLOATING_REGIONS) if self.floating else DEMO_REGION
        self.names = set()  # no two members of one household share a name

    def members(self):
        found = getattr(self, "_" + self.kind)()
        for member in found:
            self._individual_tags(member)
            self._phone(member)
        # 低保 is granted to a registered household; 特困 support already excludes it.
        if not self.floating and self.maker.chance(0.03) and not any(member.has("特困") for member in found):
            for member in found:
                member.tag("低保")
        return found

    def person(self, gender, age, relation, surname=None):
        maker = self.maker
        birth = maker.birth_date(max(0, min(age, 99)))
        surname = surname or maker.surname()
        name = surname + maker.given_name(gender, birth)
        while name in self.names:
            name = surname + maker.given_name(gender, birth)
        self.names.add(name)
        return Member(
            name=name,
            gender=gender,
            birth_date=birth,
            id_number=maker.id_number(self.region, birth, gender),
            relation_to_head=relation,
            registration="floating" if self.floating else "registered",
        )

    def couple(self, low, high):
        rng = self.maker.rng
        head_gender = "male" if self.maker.chance(0.85) else "female"
        head = self.person(head_gender, rng.randint(low, high), "head")
        gap = rng.randint(0, 5) if head_gender == "male" else -rng.randint(0, 5)
        return [head, self.person(OTHER[head_gender], max(20, head.age - gap), "spouse")]

    def children(self, parents, count, relation="child"):
        father = next((p for p in parents if p.gender == "male"), parents[0])
        mother = next((p for p in parents if p.gender == "female"), parents[-1])
        kids = []
        for _ in range(count):
            age = min(p.age for p in parents) - self.maker.rng.randint(22, 36)
            if age >= 0:
                surname = (father if self.maker.chance(0.9) else mother).name[0]
                kids.append(self.person(self.maker.rng.choice(("male", "female")), age, relation, surname))
        return kids

    def _elderly_alone(self):
        person = self.person("female" if self.maker.chance(0.65) else "male", self.maker.rng.randint(65, 92), "head")
        person.tag("独居老人")
        if self.maker.chance(0.12):
            person.tag("特困")
            person.notes = "特困供养，分散供养"
        return [person]

    def _elderly_couple(self):
        pair = self.couple(60, 86)
        if self.maker.chance(0.07):  # one of them died: the other now lives alone
            self._ends(pair[1], "deceased")
            pair[0].tag("独居老人")
        else:
            for member in pair:
                member.tag("空巢老人")
        return pair

    def _couple(self):
        return self.couple(23, 38)

    def _nuclear(self):
        parents = self.couple(28, 56)
        kids = self.children(parents, self.maker.rng.choice((1, 1, 2, 2, 3)))
        for kid in kids:
            if kid.age >= 18 and self.maker.chance(0.35):  # left to study or work elsewhere
                self._ends(kid, "moved_out")
        return parents + kids

    def _three_generations(self):
        parents = self.couple(32, 58)
        elders_age = parents[0].age + self.maker.rng.randint(24, 34)
        elders = [self.person("male", elders_age, "parent", parents[0].name[0])]
        if self.maker.chance(0.6):
            elders.append(self.person("female", elders_age - self.maker.rng.randint(0, 4), "parent"))
        if self.maker.chance(0.08):
            self._ends(elders[-1], "deceased")
        return parents + self.children(parents, self.maker.rng.choice((1, 2))) + elders

    def _left_behind(self):
        rng = self.maker.rng
        if self.maker.chance(0.8):
            grandparents = self.couple(56, 74)
        else:
            grandparents = [self.person("female", rng.randint(58, 76), "head")]
        young = [
            self.person(rng.choice(("male", "female")), rng.randint(2, 15), "grandchild", grandparents[0].name[0])
            for _ in range(rng.choice((1, 1, 2)))
        ]
        for child in young:
            child.tag("留守儿童")
            child.notes = "父母在外务工，由祖父母照看"
        return grandparents + young

    def _single(self):
        return [self.person(self.maker.rng.choice(("male", "female")), self.maker.rng.randint(20, 60), "head")]

    def _floating(self):
        shape = self.maker.rng.choice(("single", "single", "couple", "family"))
        if shape == "single":
            return [self.person(self.maker.rng.choice(("male", "female")), self.maker.rng.randint(20, 45), "head")]
        pair = self.couple(22, 45)
        return pair + (self.children(pair, 1) if shape == "family" else [])

    def _ends(self, member, status):
        member.status = status
        member.status_date = self.maker.day_between(max(RECENT, member.birth_date), REFERENCE_DATE)
        member.tags = []

    def _individual_tags(self, member):
        chance, age = self.maker.chance, member.age
        if chance(0.008 if age < 18 else 0.02 if age < 60 else 0.06):
            member.tag("残疾", self.maker.rng.choices((1, 2, 3, 4), (1, 2, 3, 4))[0])
        if member.gender == "male" and 25 <= age <= 85 and chance(0.05):
            member.tag("退役军人")
        if age >= 18 and chance(0.01):
            member.tag("重点关注")
            member.notes = member.notes or "需定期走访"

    def _phone(self, member):
        age = member.age
        likely = 0.0 if age < 15 or member.status == "deceased" else 0.4 if age < 18 else 0.95 if age < 70 else 0.55
        if self.maker.chance(likely):
            member.phone = self.maker.mobile()
