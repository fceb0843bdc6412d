"""Where things sit in the org tree: county › street › community › grid paths have one
segment per level, so a point's community and county are prefixes of its own path."""


def county_of(path):
    return path.split("/", 1)[0]


def street_of(path):
    return "/".join(path.split("/")[:2])


def community_of(path):
    return "/".join(path.split("/")[:3])
