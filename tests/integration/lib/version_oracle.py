#!/usr/bin/python3
"""Answers version questions with the REAL ecosystem tools, for the
version_* integration tests. Reads "A B" lines on stdin (for npm-range:
"VERSION<TAB>RANGE") and prints one answer per line, in the format
`imagegate version compare|satisfies --stdin` prints: <, =, >, true, false,
or "error" when the tool rejects the input.

Usage: version_oracle.py deb|dpkg|rpm|pypi|gem|maven|composer|npm|npm-range WORKDIR
"""
import os
import subprocess
import sys
import tempfile

SYM = {-1: "<", 0: "=", 1: ">"}


def sign(x):
    return (x > 0) - (x < 0)


def pairs(lines):
    return [line.split() for line in lines]


def oracle_deb(lines, workdir):
    import apt_pkg
    apt_pkg.init_system()
    return [SYM[sign(apt_pkg.version_compare(a, b))] for a, b in pairs(lines)]


def oracle_dpkg(lines, workdir):
    out = []
    for a, b in pairs(lines):
        lt = subprocess.run(["dpkg", "--compare-versions", a, "lt", b], capture_output=True)
        if lt.returncode not in (0, 1) or b"error" in lt.stderr:
            out.append("error")
            continue
        if lt.returncode == 0:
            out.append("<")
            continue
        eq = subprocess.run(["dpkg", "--compare-versions", a, "eq", b], capture_output=True)
        out.append("=" if eq.returncode == 0 else ">")
    return out


def oracle_rpm(lines, workdir):
    path = os.path.join(workdir, "rpm-pairs.txt")
    with open(path, "w") as f:
        for a, b in pairs(lines):
            f.write(f"{a}\n{b}\n")
    lua = ("%{lua: local f = io.open('" + path + "') "
           "while true do local a = f:read('l'); if not a then break end; local b = f:read('l'); "
           "local ok, r = pcall(rpm.vercmp, a, b); "
           "if ok then print(r .. '\\n') else print('error\\n') end end f:close()}")
    res = subprocess.run(["rpm", "--eval", lua], capture_output=True, text=True, check=True)
    vals = [x for x in res.stdout.split("\n") if x != ""]
    return ["error" if v == "error" else SYM[sign(int(v))] for v in vals]


def oracle_pypi(lines, workdir):
    # A version that is not PEP 440 is ordered as pip's fallback ordered it:
    # packaging < 22's LegacyVersion, from the packaging pip vendors (21.3 in
    # bookworm), which also orders the PEP 440 side of such a pair.
    from packaging.version import InvalidVersion, Version
    from pip._vendor.packaging.version import parse as legacy_parse
    out = []
    for a, b in pairs(lines):
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            va, vb = legacy_parse(a), legacy_parse(b)
        out.append("<" if va < vb else ("=" if va == vb else ">"))
    return out


def run_script(cmd, lines):
    res = subprocess.run(cmd, input="".join(line + "\n" for line in lines), capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"oracle {cmd[0]} failed: {res.stderr}")
    return res.stdout.split("\n")[: len(lines)]


def oracle_gem(lines, workdir):
    script = ("STDOUT.sync = false\n"
              "STDIN.each_line { |l| a, b = l.split; "
              "begin; r = Gem::Version.new(a) <=> Gem::Version.new(b); "
              "puts({-1 => '<', 0 => '=', 1 => '>'}[r]); rescue ArgumentError; puts 'error'; end }")
    return run_script(["ruby", "-e", script], lines)


def oracle_maven(lines, workdir):
    here = os.path.dirname(os.path.abspath(__file__))
    jar = "/usr/share/maven/lib/maven-artifact-3.x.jar"
    classes = os.path.join(workdir, "maven-classes")
    os.makedirs(classes, exist_ok=True)
    subprocess.run(["javac", "-cp", jar, "-d", classes, os.path.join(here, "version_maven_oracle.java")], check=True)
    return run_script(["java", "-cp", f"{jar}:{classes}", "version_maven_oracle"], lines)


def oracle_composer(lines, workdir):
    here = os.path.dirname(os.path.abspath(__file__))
    return run_script(["php", os.path.join(here, "version_composer_oracle.php")], lines)


def oracle_npm(lines, workdir, mode="compare"):
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, NODE_PATH=os.path.join(workdir, "node_modules"))
    res = subprocess.run(["node", os.path.join(here, "version_npm_oracle.js"), mode],
                         input="".join(line + "\n" for line in lines), capture_output=True, text=True, env=env)
    if res.returncode != 0:
        sys.exit(f"node oracle failed: {res.stderr}")
    return res.stdout.split("\n")[: len(lines)]


def main():
    eco, workdir = sys.argv[1], sys.argv[2]
    lines = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if eco == "npm-range":
        out = oracle_npm(lines, workdir, "satisfies")
    else:
        out = globals()["oracle_" + eco](lines, workdir)
    if len(out) != len(lines):
        sys.exit(f"oracle gave {len(out)} answers for {len(lines)} questions")
    sys.stdout.write("".join(o + "\n" for o in out))


if __name__ == "__main__":
    main()
