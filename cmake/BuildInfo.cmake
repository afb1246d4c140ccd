# The commit and build date that `imagegate version` prints, written to
# build_info_generated.h in the build tree.
#
# The date is SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the
# commit's date, never the wall clock: two builds of one commit print the
# same thing.
# Reconfigures when HEAD moves, so a rebuild after a commit is not stale;
# only build_info.cpp includes the header, so that recompiles one file.

find_package(Git QUIET)
set(IG_COMMIT "unknown")
set(IG_COMMIT_EPOCH "")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE ig_commit RESULT_VARIABLE ig_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(ig_rc EQUAL 0 AND ig_commit)
    set(IG_COMMIT "${ig_commit}")
    execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%ct
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE IG_COMMIT_EPOCH
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --absolute-git-dir
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE ig_git_dir
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(EXISTS "${ig_git_dir}/logs/HEAD")
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${ig_git_dir}/logs/HEAD")
    endif()
  endif()
endif()

if(DEFINED ENV{SOURCE_DATE_EPOCH} AND NOT "$ENV{SOURCE_DATE_EPOCH}" STREQUAL "")
  set(IG_BUILD_EPOCH "$ENV{SOURCE_DATE_EPOCH}")
elseif(IG_COMMIT_EPOCH)
  set(IG_BUILD_EPOCH "${IG_COMMIT_EPOCH}")
else()
  set(IG_BUILD_EPOCH "0")
endif()
# string(TIMESTAMP) reads SOURCE_DATE_EPOCH itself, so set it for the call.
set(ig_saved_sde "$ENV{SOURCE_DATE_EPOCH}")
set(ENV{SOURCE_DATE_EPOCH} "${IG_BUILD_EPOCH}")
string(TIMESTAMP IG_BUILD_DATE "%Y-%m-%dT%H:%M:%SZ" UTC)
set(ENV{SOURCE_DATE_EPOCH} "${ig_saved_sde}")

# Versions of header-only or version-less libraries, as CMake found them.
set(IG_YAML_CPP_VERSION "${yaml-cpp_VERSION}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/build_info_generated.h.in
  ${PROJECT_BINARY_DIR}/generated/build_info_generated.h @ONLY)
