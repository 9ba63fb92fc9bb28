"""The tree's rooms, bottom to top (README, Layout): each is visible to the
rooms above it and to tests and benchmarks, and to nothing below."""

_ROOMS = [
    "arch",
    "symtab",
    "target",
    "goruntime",
    "unwind",
    "traceback",
    "render",
    "capture",
    "serve",
    "cli",
]

def visible_above(room):
    """The visibility of `room`'s targets: every room above it, tests, bench."""
    above = _ROOMS[_ROOMS.index(room) + 1:]
    return ["//%s:__subpackages__" % r for r in above] + [
        # proto/ holds the schema and its conversions, at the edge: it may
        # convert any room's values.
        "//proto:__subpackages__",
        "//tests:__subpackages__",
        "//bench:__subpackages__",
    ]
