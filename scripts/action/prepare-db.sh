#!/usr/bin/env bash
# Step 2 of the action (after actions/cache restored INPUT_CACHE_DIR): makes
# sure a vulnerability database is there.
#   INPUT_DB          a database file to use as it is
#   INPUT_DB_REF      an OCI reference to `imagegate db pull` the database from
#                     (pulled when the restored one is missing or older than
#                     INPUT_DB_MAX_AGE)
#   INPUT_DB_MAX_AGE  e.g. 24h (default); older restored databases are pulled again
#   INPUT_CACHE_DIR   imagegate's cache directory (restored by actions/cache)
# Outputs: db (the file used).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ig=$(action_imagegate)
cache=${INPUT_CACHE_DIR:?INPUT_CACHE_DIR is not set}
mkdir -p "$cache"
if [ -n "${INPUT_DB:-}" ]; then
  [ -f "$INPUT_DB" ] || action_fail "db '$INPUT_DB' does not exist; give an imagegate database file, or db-ref to pull one"
  action_output db "$INPUT_DB"
  exit 0
fi
db="$cache/db/imagegate.db"
max_age=${INPUT_DB_MAX_AGE:-24h}
stale=1
if [ -f "$db" ]; then
  # `db status` fails when the file is unusable; its age check is scan's
  # (--db-max-age), so a fresh enough restored copy is kept.
  if "$ig" --db "$db" db status >/dev/null 2>&1; then
    age_s=$(( $(date +%s) - $(stat -c %Y "$db") ))
    case "$max_age" in
      *d) limit=$(( ${max_age%d} * 86400 )) ;;
      *h) limit=$(( ${max_age%h} * 3600 )) ;;
      *m) limit=$(( ${max_age%m} * 60 )) ;;
      *) action_fail "db-max-age '$max_age' is not a number followed by d, h or m (24h, 7d)" ;;
    esac
    [ "$age_s" -le "$limit" ] && stale=0
  fi
fi
if [ "$stale" -eq 1 ]; then
  [ -n "${INPUT_DB_REF:-}" ] ||
    action_fail "no vulnerability database: the cache holds none fresher than $max_age; set db-ref to pull one (imagegate db pull) or db to a file"
  mkdir -p "$(dirname "$db")"
  "$ig" --db "$db" db pull "$INPUT_DB_REF" || action_fail "imagegate db pull $INPUT_DB_REF failed (see the log above)"
fi
action_output db "$db"
"$ig" --db "$db" db status || true
