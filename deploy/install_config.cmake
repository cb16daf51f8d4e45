# Runs at install time (install(SCRIPT), deploy/CMakeLists.txt), so the systemd units name the
# binaries where this install puts them: /usr/bin in the Debian package (CPack installs with
# prefix /usr), /usr/local/bin after a plain `cmake --install`. Configuration goes to /etc/zhuji
# for the /usr prefix, <prefix>/etc/zhuji otherwise. DESTDIR (CPack's staging) applies to both.
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr")
  set(ZHUJI_ETC "/etc/zhuji")
else()
  set(ZHUJI_ETC "${prefix}/etc/zhuji")
endif()
set(CMAKE_INSTALL_FULL_BINDIR "${prefix}/bin")
foreach(unit zhuji-node@.service zhuji-broker@.service)
  configure_file("${ZHUJI_SOURCE_DIR}/deploy/systemd/${unit}.in"
                 "${ZHUJI_BINARY_DIR}/systemd/${unit}" @ONLY)
  file(INSTALL "${ZHUJI_BINARY_DIR}/systemd/${unit}" DESTINATION "${prefix}/lib/systemd/system")
endforeach()
file(INSTALL "${ZHUJI_SOURCE_DIR}/deploy/node.example.toml"
             "${ZHUJI_SOURCE_DIR}/deploy/systemd/broker.example.conf"
     DESTINATION "${ZHUJI_ETC}")
