#!/usr/bin/python3
"""Deterministic version pairs and ranges for the version_* integration tests.

Usage: version_gen.py ECOSYSTEM COUNT  -> prints "A B" lines (curated tricky
cases first, then COUNT random pairs from a fixed seed). For npm-range it
prints "VERSION<TAB>RANGE" lines.
"""
import random
import sys

CURATED = {
    "deb": """1.0 1.0-0
1.0~rc1 1.0
1.0~~ 1.0~
1.0~ 1.0
1.0 1.0a
1.0a 1.0+
1.0+ 1.0.
1:1.0 2.0
0:1.0 1.0
1.0-1 1.0-1~bpo1
2.30-1ubuntu1 2.30-1
1.2.3 1.02.3
1.0-a 1.0-+
7.6p2-4 7.6-0
1.0.0 1.0
1.0-1.1 1.0-1+b1
1:2:3-4 1:2:3
10.1 9.99
1.0~beta1~svn1245 1.0~beta1
a1 b1
1.0-0~ 1.0
2.4.52-1~deb12u1 2.4.52-1
3.0.11-1~deb12u2 3.0.11-1~deb12u10
1:9.18.28-1~deb12u2 1:9.18.24-1
""",
    "rpm": """1.0 1.0
1.0 1.0.0
1.0~rc1 1.0
1.0^ 1.0
1.0^git1 1.0
1.0^git1 1.01
1.0^git1 1.0^git2
1.0~rc1^git1 1.0~rc1
1.0 1.0-1
1.0-1 1.0-2
1:1.0-1 2.0-1
0:1.0 1.0
1.0a 1.0
1.0 1.0a
a b
1.0.a 1.0.1
2.0.1 2.0.1a
5.5p1 5.5p2
5.5p10 5.5p2
10b2 10a1
1.0aa 1.0a
1.0.0.0 1.0
1_0 1.0
1..0 1.0
001 1
xyz10 xyz10.1
1.0~1 1.0~~
:1.0 0:1.0
1.0- 1.0
""",
    "pypi": """1.0 1.0.0
1.0a1 1.0
1.0.dev0 1.0a1
1.0.post1 1.0
1.0+local 1.0
1.0+abc.1 1.0+abc.2
1.0+1 1.0+abc
1!0.1 2.0
1.0rc1 1.0c1
1.0-alpha.1 1.0a1
1.0.post1.dev2 1.0.post1
1.0-1 1.0.post1
1.0a.1 1.0a1
v1.0 1.0
1.0-r4 1.0.post4
1.0_preview_2 1.0rc2
1.0.DEV 1.0.dev0
1.0a1.post2.dev3 1.0a1.post2
00.01 0.1
1.0+AbC 1.0+abc
1.0a-.post1 1.0a0.post1
1.0a. 1.0
1.0+ 1.0
1.0.dev1+local 1.0.dev1
0.0 0
1.0a1.dev1 1.0a1
1.0pre 1.0rc
1.0-dev 1.0.dev0
0.1-bulbasaur 0.1
0.1-bulbasaur 0.0.1
0.1-bulbasaur 0.2-bulbasaur
0.1-bulbasaur 0.1-BULBASAUR
1.0.x 1.0.y
1.0-pre-x 1.0-x
1_0_x 1.0.x
10.0.x 9.0.x
""",
    "npm": """1.0.0 1.0.0-alpha
1.0.0-alpha 1.0.0-alpha.1
1.0.0-alpha.1 1.0.0-alpha.beta
1.0.0-alpha.beta 1.0.0-beta
1.0.0-beta.2 1.0.0-beta.11
1.0.0-beta.11 1.0.0-rc.1
1.0.0-rc.1 1.0.0
1.0.0+build 1.0.0
v1.2.3 1.2.3
=1.2.3 1.2.3
01.2.3 1.2.3
1.2 1.2.0
1.2.3-01 1.2.3
1.0.0-x-y 1.0.0-x
1.0.0-1 1.0.0-a
9007199254740991.0.0 1.0.0
9007199254740992.0.0 1.0.0
1.0.0-99999999999999999999 1.0.0-99999999999999999998
""",
    "gem": """1.0 1.0.0
1.0.a 1.0
1.0-1 1.0
1.0.b1 1.0.a2
1.0.0.a 1.0.a
1.0a 1.0
1.0.A 1.0.a
1.a.0 1.a
2.0.0.rc1 2.0.0
1.0-pre 1.0.pre
01.0 1.0
1..0 1.0
a1 1
1.0.0 1.0.0.0.0
""",
    "maven": """1 1.0
1.0 1.0-alpha
1-alpha 1-a1
1-beta 1-b2
1-milestone 1-m1
1-rc 1-cr
1-snapshot 1-rc
1 1-ga
1 1-final
1 1-release
1-sp 1
1-foo 1-sp
1-foo 1-bar
1.0.0 1
1-1 1.1
1-0.1 1.0.1
1.0-SNAPSHOT 1.0
1.0.RELEASE 1.0
2.0.0.Final 2.0.0
1a1 1-a-1
1.0.0-0.0.0 1
1-abc 1-ABC
1..1 1.0.1
1-- 1
1.0.0-RC16 1.0.0.RC8-beta
2.9.0-1 2.9.0.RC1
1.2.68.sec10 1.2.68_noneautotype
1.2.83 1.2.83_noneautotype
1.2.68 1.2.68.sec10
""",
    "composer": """1.0 1.0.0
1.0.0-beta 1.0.0
1.0.0-beta2 1.0.0-beta10
1.0.0-alpha 1.0.0-beta
1.0.0-RC1 1.0.0
1.0.0-dev 1.0.0-alpha
1.0.0-patch1 1.0.0
1.0.0-p1 1.0.0-pl1
v1.0.0 1.0.0
1.0.0.0 1.0
1.0b2 1.0.0-beta2
1.0.0-stable 1.0.0
1.0.x-dev 1.0.9
2023-01-01 2022.12.31
1.0.0+build 1.0.0
1.0.0-a1 1.0.0-alpha1
1.0-RC.2 1.0-RC2
v1.9.0-ALPHA.1 v1.9.0-BETA.1
1.0.0-stable 1.0.0
1.0.0-stable 1.0.1
""",
}

NPM_RANGE_CURATED = [
    ("1.2.3", "^1.2.3"), ("2.0.0", "^1.2.3"), ("0.2.5", "^0.2.3"), ("0.3.0", "^0.2.3"),
    ("0.0.3", "^0.0.3"), ("0.0.4", "^0.0.3"), ("1.2.4-beta", "^1.2.3"), ("1.2.3-beta.3", ">=1.2.3-beta.2 <1.3.0"),
    ("1.2.4-beta", ">=1.2.3-beta.2"), ("1.2.9", "~1.2.3"), ("1.3.0", "~1.2.3"), ("1.9.0", "~1"),
    ("1.2.3", "1.x"), ("2.0.0", "1.x"), ("1.2.3", "1.2.x || 2.x"), ("1.5.0", "1.0.0 - 1.2"),
    ("1.2.9", "1.0.0 - 1.2"), ("1.3.0-0", "<1.3"), ("1.2.3", "*"), ("1.2.3-alpha", "*"),
    ("1.2.3", ""), ("1.2.3", ">= 1.2.3"), ("1.2.3", "> 1.2.2 < 1.2.4"), ("1.2.3", "~> 1.2"),
    ("1.2.3", "^ 1.2"), ("1.2.3", "=1.2.3"), ("1.2.3", "v1.2.3"), ("1.2.3", ">=v1.2.3"),
    ("1.2.3", "1.2.3+build"), ("1.2.3", "<1.2.3 || >=1.2.4"), ("1.2.3", "<0.0.0-0"),
    ("0.0.0", ">=0.0.0"), ("1.2.3", "x.1"), ("1.2.3", "1.x.3"), ("1.2.3", "^x.1"),
    ("1.2.3", ">=1.2.3 <=1.2.3"), ("1.2.3", "1.2.3 - 2"), ("3.0.0", "1 - 2"), ("2.9.9", "1 - 2"),
    ("1.2.3", "=1.2.3 - 2"), ("1.2.3", "v1.2.3 - 2"), ("1.2.3", ">1"), ("2.0.0", ">1"),
    ("1.9.9", "<=1.x"), ("2.0.0-0", "<=1.x"), ("1.2.3", ">*"), ("1.2.3", "<*"), ("1.2.3", ">=*"),
    ("1.2.3", "~1.2.3-beta"), ("1.2.3-beta.4", "~1.2.3-beta.2"), ("1.2.3", "1.2.3 - 1.2.3-beta"),
    ("1.2.3", "^1.2.3-beta.2"), ("1.2.3", "||"), ("1.2.3", "1 || <0.0.0-0"), ("1.2.3", "<0.0.0-0 || <0.0.0-0"),
    ("1.2.3", "01.2.3"), ("1.2.3", ">=1.2.3 >=1.2.3"), ("1.2.3", "1.2.3 -"), ("1.2.3", "- 1.2.3"),
    ("1.2.3", ">=1.2.3-0"), ("1.2.3-0", ">=1.2.3-0"), ("1.2.3", "~1.2.x"), ("1.2.3", "^1.2.x"),
    ("1.2.3", "1.2.x-beta"), ("1.2.3", "x"), ("1.2.3", "X"), ("1.2.3", "*.*.*"), ("1.2.3", "> = 1.2.3"),
    ("1.2.3", "< =1.2.3"), ("1.2.3", "~ >1.2.3"), ("1.2.3", ">=1.2.3 - 2"), ("1.2.3", "^1.2.3 || ~1"),
    ("1.2.3", "^9007199254740991.0.0"), ("1.2.3", "~v1.2"), ("1.2.3", "^=1.2"), ("1.2.3", "<=1.2.3-beta"),
]


def pick(rng, items, n_min, n_max):
    return "".join(rng.choice(items) for _ in range(rng.randint(n_min, n_max)))


def gen_deb(rng):
    up_tokens = ["0", "1", "2", "9", "10", "01", "a", "b", "z", "A", ".", ".", "+", "~", "~", "-"]
    rev_tokens = ["0", "1", "2", "10", "a", "b", "ubuntu", "deb", ".", "+", "~"]
    v = ""
    if rng.random() < 0.1:
        v += str(rng.randint(0, 2)) + ":"
    v += rng.choice("0123456789") + pick(rng, up_tokens, 0, 5)
    if rng.random() < 0.5 or "-" in v:
        v += "-" + rng.choice(["0", "1", "2", "a", "1ubuntu"]) + pick(rng, rev_tokens, 0, 3)
    if v.endswith("-"):
        v += "1"
    return v


def gen_rpm(rng):
    tokens = ["0", "1", "2", "9", "10", "01", "a", "b", "rc", "git", ".", ".", "_", "~", "^", "+", "-"]
    v = ""
    if rng.random() < 0.1:
        v += rng.choice(["0", "1", "2", ""]) + ":"
    v += pick(rng, tokens, 1, 6)
    return v


def gen_pypi(rng):
    seps = ["", ".", "-", "_"]
    v = rng.choice(["", "", "", "v", "V"])
    if rng.random() < 0.1:
        v += str(rng.randint(0, 2)) + "!"
    v += ".".join(rng.choice(["0", "1", "2", "10", "00", "01"]) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.4:
        v += rng.choice(seps) + rng.choice(["a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "RC"])
        v += rng.choice(seps) + rng.choice(["", "0", "1", "2", "10"])
    if rng.random() < 0.3:
        if rng.random() < 0.3:
            v += "-" + rng.choice(["1", "2", "0"])
        else:
            v += rng.choice(seps) + rng.choice(["post", "rev", "r"]) + rng.choice(seps) + rng.choice(["", "0", "1", "3"])
    if rng.random() < 0.3:
        v += rng.choice(seps) + rng.choice(["dev", "DEV"]) + rng.choice(seps) + rng.choice(["", "0", "1", "5"])
    if rng.random() < 0.2:
        v += "+" + rng.choice(["", "a", "1", "abc", "ubuntu"]) + rng.choice(["", ".1", "-2", "_x", ".a.b", ".."])
    if rng.random() < 0.03:
        v += rng.choice(["x", "!", "..", "a1b"])
    return v


def gen_npm_version(rng):
    v = rng.choice(["", "", "", "", "v", "="])
    v += ".".join(rng.choice(["0", "1", "2", "10", "01"] if rng.random() < 0.05 else ["0", "1", "2", "10"])
                  for _ in range(3 if rng.random() < 0.97 else 2))
    if rng.random() < 0.4:
        ids = [rng.choice(["alpha", "beta", "rc", "0", "1", "2", "11", "x-y", "-", "1a", "01" if rng.random() < 0.1 else "3"])
               for _ in range(rng.randint(1, 3))]
        v += "-" + ".".join(ids)
    if rng.random() < 0.1:
        v += "+" + rng.choice(["build", "001", "exp.sha.5114f85"])
    return v


def gen_npm_range_part(rng):
    kind = rng.random()
    num = lambda: rng.choice(["0", "1", "2", "3", "x", "*", "X"] if rng.random() < 0.3 else ["0", "1", "2", "3"])
    def partial():
        n = rng.choice([1, 2, 3, 3, 3])
        s = ".".join(num() for _ in range(n))
        if n == 3 and rng.random() < 0.25:
            s += "-" + rng.choice(["alpha", "beta.2", "0", "rc.1"])
        return rng.choice(["", "", "", "v", "="]) + s
    sp = lambda: rng.choice(["", "", " "])
    if kind < 0.15:
        return partial() + " - " + partial()
    out = []
    for _ in range(rng.randint(1, 2)):
        op = rng.choice(["", "^", "~", "~>", ">", ">=", "<", "<=", "="])
        out.append(op + sp() + partial())
    return " ".join(out)


def gen_npm_range(rng):
    r = " || ".join(gen_npm_range_part(rng) for _ in range(rng.randint(1, 2)))
    v = ".".join(rng.choice(["0", "1", "2", "3"]) for _ in range(3))
    if rng.random() < 0.35:
        v += "-" + rng.choice(["alpha", "beta.2", "0", "rc.1", "beta.10"])
    return v, r


def gen_gem(rng):
    v = rng.choice(["0", "1", "2", "10", "01"])
    for _ in range(rng.randint(0, 4)):
        v += "." + rng.choice(["0", "1", "2", "10", "a", "b", "pre", "rc1", "beta2", "A", "1a", "a1"])
    if rng.random() < 0.15:
        v += "-" + rng.choice(["1", "pre", "rc.1", "a-b"])
    if rng.random() < 0.03:
        v += rng.choice(["..", "-", "_", "!"])
    return v


def gen_maven(rng):
    tokens = ["0", "1", "2", "10", "01", "alpha", "a", "beta", "b", "milestone", "m", "rc", "cr", "snapshot",
              "SNAPSHOT", "ga", "final", "release", "sp", "foo", "bar", "x", ".", ".", "-", "-", "_"]
    return rng.choice(["0", "1", "2", "10"]) + pick(rng, tokens, 0, 6)


def gen_composer(rng):
    v = rng.choice(["", "", "v"])
    v += ".".join(rng.choice(["0", "1", "2", "10"]) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.5:
        v += rng.choice(["", "-", ".", "_"]) + rng.choice(["alpha", "a", "beta", "b", "RC", "rc", "patch", "pl", "p", "stable"])
        v += rng.choice(["", "1", "2", ".3", "-4", "10"])
    if rng.random() < 0.15:
        v += rng.choice(["-dev", ".dev", "dev"])
    return v


GENERATORS = {
    "deb": gen_deb, "rpm": gen_rpm, "pypi": gen_pypi, "npm": gen_npm_version, "gem": gen_gem,
    "maven": gen_maven, "composer": gen_composer,
}


def main():
    eco, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(20261122)
    if eco == "npm-range":
        for v, r in NPM_RANGE_CURATED:
            print(f"{v}\t{r}")
        for _ in range(count):
            v, r = gen_npm_range(rng)
            print(f"{v}\t{r}")
        return
    for line in CURATED.get(eco, "").splitlines():
        if line.strip():
            print(line.strip())
    gen = GENERATORS[eco]
    versions = [gen(rng) for _ in range(max(count // 4, 10))]
    for _ in range(count):
        a = rng.choice(versions)
        b = rng.choice(versions) if rng.random() < 0.8 else gen(rng)
        print(f"{a} {b}")


if __name__ == "__main__":
    main()
