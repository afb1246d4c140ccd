// node-semver answers for the version_npm integration test: reads "A B"
// (compare) or "VERSION<TAB>RANGE" (satisfies) lines, prints <,=,>,true,false
// or "error" per line.
'use strict'
const semver = require('semver')
const mode = process.argv[2]
const input = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '')
const out = []
for (const line of input) {
  try {
    if (mode === 'compare') {
      const [a, b] = line.trim().split(/\s+/)
      const r = semver.compare(new semver.SemVer(a), new semver.SemVer(b))
      out.push(r < 0 ? '<' : r > 0 ? '>' : '=')
    } else {
      const tab = line.indexOf('\t')
      const v = new semver.SemVer(line.slice(0, tab).trim())
      const r = new semver.Range(line.slice(tab + 1))
      out.push(r.test(v) ? 'true' : 'false')
    }
  } catch (e) {
    out.push('error')
  }
}
process.stdout.write(out.map((l) => l + '\n').join(''))
