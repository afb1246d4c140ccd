# shellcheck shell=bash
# Real rpm packages and an sqlite rpmdb made from tests/fixtures/rpm/*.spec,
# shared by inventory_os_rpm.sh and the peer comparison's Red Hat family image
# (peer/images.sh). Sourced, not run; needs rpm and rpmbuild, and
# IG_SOURCE_DIR set to the source directory.

# rpm_fixture_build TOPDIR: builds every tests/fixtures/rpm/*.spec with rpmbuild
# into TOPDIR/RPMS/noarch/*.rpm. HOME points into TOPDIR so that the user's
# ~/.rpmmacros cannot change the result. On failure prints rpmbuild's log to
# stderr and returns 1.
rpm_fixture_build() {
  local top=$1 spec
  local extra=()
  mkdir -p "$top"
  for spec in "${IG_SOURCE_DIR:?}"/tests/fixtures/rpm/*.spec; do
    extra=()
    case "$spec" in
      *modular*) extra=(--define "modularitylabel igtest:stable:8010020200101:abcdef01") ;;
    esac
    HOME="$top" rpmbuild -bb --quiet --define "_topdir $top" "${extra[@]}" "$spec" >"$top/build.log" 2>&1 || {
      cat "$top/build.log" >&2
      return 1
    }
  done
}

# rpm_fixture_sqlite_db DBDIR RPM...: an sqlite rpmdb (DBDIR/rpmdb.sqlite)
# holding the headers of RPM... as rpm -i --justdb records them, without
# installing their files or running their scripts.
rpm_fixture_sqlite_db() {
  local db=$1
  shift
  mkdir -p "$db"
  rpm --initdb --dbpath "$db" --define '_db_backend sqlite' 2>/dev/null
  rpm -i --nodeps --justdb --noscripts --ignoreos --ignorearch --dbpath "$db" --define '_db_backend sqlite' \
    "$@" 2>/dev/null
}
