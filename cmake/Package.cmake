# The Debian package: `cmake --build --preset release --target package`
# (or, once imagegate is built, `cpack -G DEB` in the build directory) makes
# imagegate_<version>_<arch>.deb with the binary, a man page per command,
# bash/zsh/fish completions, the docs and the copyright file.
#
# Man pages and completions are written at install time by the binary just
# built (`imagegate __generate`, cli/generate.cpp), so they always match its
# flags and need no build target of their own.

include(GNUInstallDirs)

install(TARGETS imagegate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(IG_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/imagegate)
install(FILES README.md DESTINATION ${IG_DOC_DIR})
install(DIRECTORY docs/ DESTINATION ${IG_DOC_DIR}/docs)
install(FILES packaging/debian/copyright DESTINATION ${IG_DOC_DIR})

install(CODE "
  set(ig_bin \"$<TARGET_FILE:imagegate>\")
  set(ig_root \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  set(ig_man \"\${ig_root}/${CMAKE_INSTALL_MANDIR}/man1\")
  file(REMOVE_RECURSE \"\${ig_man}\")
  execute_process(COMMAND \"\${ig_bin}\" __generate man \"\${ig_man}\" COMMAND_ERROR_IS_FATAL ANY)
  file(GLOB ig_pages \"\${ig_man}/*.1\")
  # Debian policy: man pages compressed, gzip without a name or timestamp.
  execute_process(COMMAND gzip -9nf \${ig_pages} COMMAND_ERROR_IS_FATAL ANY)
  foreach(ig_shell_dest
      \"bash;\${ig_root}/${CMAKE_INSTALL_DATADIR}/bash-completion/completions;imagegate\"
      \"zsh;\${ig_root}/${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions;_imagegate\"
      \"fish;\${ig_root}/${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d;imagegate.fish\")
    list(GET ig_shell_dest 0 ig_shell)
    list(GET ig_shell_dest 1 ig_dir)
    list(GET ig_shell_dest 2 ig_file)
    file(MAKE_DIRECTORY \"\${ig_dir}\")
    execute_process(COMMAND \"\${ig_bin}\" __generate completion \${ig_shell}
      OUTPUT_FILE \"\${ig_dir}/\${ig_file}\" COMMAND_ERROR_IS_FATAL ANY)
  endforeach()
")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME imagegate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "imagegate maintainers <imagegate@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "decide whether a container image may be deployed")
set(CPACK_PACKAGE_DESCRIPTION "imagegate reads a container image (registry, OCI layout, docker-archive),
lists the packages inside it, matches them against a local vulnerability
database, verifies its signatures (cosign, Sigstore keyless, Notation) and
turns that into an allow/warn/deny verdict. One native binary; works offline.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies come from dpkg-shlibdeps. libcurl is opened with
# dlopen on the first network call (util/curl_loader.cpp), so shlibdeps
# cannot see it: it is named here. CA certificates are what registries'
# TLS is checked against.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.74)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_PACKAGE_CHECKSUM SHA256)
include(CPack)
