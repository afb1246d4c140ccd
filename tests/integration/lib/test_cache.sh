# The test cache that every clone and every run on a machine share
# (${IMAGEGATE_TEST_CACHE:-/var/tmp/imagegate-test-cache}): inputs that are
# slow to make or need the network (a debootstrap root, npm trees, .debs).
# Kept outside the build tree on purpose, so that a fresh clone or a CI
# machine that keeps /var/tmp does not debootstrap again. Sourced, not run.
#
# An entry is a directory named by everything it is made from (the caller
# puts a version or a hash of its inputs in the name). It is built in a
# directory of its own and renamed into place in one step, so a reader sees
# a whole entry or none: never one half-written by a run that was killed, or
# one another clone is still writing. Builders of the same entry take turns
# (flock), so two clones testing at once do the slow work once; leftovers of
# killed builds are removed by the next builder.

test_cache_root="${IMAGEGATE_TEST_CACHE:-/var/tmp/imagegate-test-cache}"

# test_cache_entry NAME BUILDER [ARGS...]: prints the directory of entry NAME,
# running `BUILDER DIR ARGS...` (its output goes to stderr) to fill a fresh,
# empty DIR when the entry is missing.
# BUILDER's status is returned when it fails (77 = its inputs cannot be had),
# and nothing is left behind.
test_cache_entry() {
  local name=$1 builder=$2
  shift 2
  local final="$test_cache_root/$name"
  if [ -d "$final" ]; then
    echo "$final"
    return 0
  fi
  mkdir -p "$(dirname "$final")"
  local lock="$test_cache_root/.lock.${name//\//_}"
  local rc=0
  (
    # Waits while another run builds the same entry, then finds it made.
    flock 9
    [ -d "$final" ] && exit 0
    test_cache_discard "$final".tmp.*
    local tmp
    tmp=$(mktemp -d "$final.tmp.XXXXXX")
    chmod 755 "$tmp"
    trap 'test_cache_discard "$tmp"' EXIT
    trap 'exit 143' TERM INT HUP
    "$builder" "$tmp" "$@" >&2 || exit $?
    # rename(2) of a directory: atomic, and refused if another copy won
    # (then this one is deleted by the trap).
    mv -T "$tmp" "$final" 2>/dev/null || [ -d "$final" ] || exit 1
  ) 9>"$lock" || rc=$?
  [ "$rc" -eq 0 ] || return "$rc"
  echo "$final"
}

# test_cache_discard PATH...: removes what a failed or superseded build left.
# Best effort: what cannot be removed now (a file another process still
# writes) is left for the next builder, and never fails a test.
test_cache_discard() {
  rm -rf -- "$@" 2>/dev/null || true
}

# test_cache_debootstrap: prints a Debian bookworm minbase root made by
# debootstrap (minutes, once per machine); 77 when the mirror is unreachable.
test_cache_debootstrap() {
  test_cache_entry debootstrap/bookworm-minbase-v1 _test_cache_make_debootstrap
}
_test_cache_make_debootstrap() {
  local log="$test_cache_root/debootstrap.log"
  if ! debootstrap --variant=minbase bookworm "$1" http://deb.debian.org/debian >"$log" 2>&1; then
    echo "the Debian mirror is unreachable and no cached root exists (see $log)"
    return 77
  fi
}

# test_cache_npm_app: prints an npm project with lodash, @babel/core and
# express installed (their whole trees) and its package-lock.json; 77 when
# the npm registry is unreachable and nothing is cached.
test_cache_npm_app() {
  test_cache_entry npm-app/lodash-4.17.21_babel-core-7.24.0_express-4.18.2 _test_cache_make_npm_app
}
_test_cache_make_npm_app() {
  local log="$test_cache_root/npm-install.log"
  echo '{"name":"ig-test-app","version":"1.0.0","private":true}' >"$1/package.json"
  # npm's own cache (--cache) is safe to share between processes.
  if ! npm install --prefix "$1" --cache "$test_cache_root/npm" --no-audit --no-fund --ignore-scripts \
      lodash@4.17.21 @babel/core@7.24.0 express@4.18.2 >"$log" 2>&1; then
    echo "the npm registry is unreachable and nothing is cached (see $log)"
    return 77
  fi
}
