#!/usr/bin/env python3
"""Writes a deterministic layer tar for the benchmarks.

usage: bench/gen-layer.py OUT.tar MIB SEED

Text-, source- and binary-like files (lognormal sizes, at most 2 MiB) in a
real directory structure, with a node_modules package.json every 50 files, so
the walk, the selectors and the npm analyzer all have work. The same SEED
always gives the same bytes.
"""
import io, random, sys, tarfile
out, target, seed = sys.argv[1], int(sys.argv[2]) << 20, int(sys.argv[3])
rng = random.Random(seed)
words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(5000)]
def text(n):
    parts, size = [], 0
    while size < n:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14))) + "\n"
        parts.append(line); size += len(line)
    return "".join(parts)[:n].encode()
blocks = [text(65536) for _ in range(64)] + [rng.randbytes(65536) for _ in range(16)]
def content(n):
    buf = bytearray()
    while len(buf) < n:
        buf += rng.choice(blocks)[: n - len(buf)]
    return bytes(buf)
total, i = 0, 0
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
    while total < target:
        d = f"usr/lib/s{seed}pkg{i // 200}/{rng.choice(words)}"
        if i % 50 == 0:
            d = f"app{seed}/node_modules/{rng.choice(words)}{i}"
            name = d + "/package.json"
            body = ('{"name":"%s%d","version":"1.%d.0","license":"MIT"}' % (rng.choice(words), i, i % 97)).encode()
        else:
            name = f"{d}/{rng.choice(words)}{i}.{rng.choice(['so', 'py', 'txt', 'h', 'js'])}"
            body = content(int(min(2 << 20, rng.lognormvariate(8.5, 1.6))))
        info = tarfile.TarInfo(name); info.size = len(body); info.mtime = 1700000000; info.mode = 0o644
        tar.addfile(info, io.BytesIO(body))
        total += len(body) + 1024; i += 1
