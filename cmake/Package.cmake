# `make deb`: a Debian package of the binary, its systemd unit and a configuration to
# start from (docs/operations.md "Installing the Debian package"). The maintainer scripts
# in deploy/debian/ create the `deliverer` system user, its data folder and a webhook
# signing secret of its own.
include(GNUInstallDirs)
install(TARGETS deliverer RUNTIME DESTINATION bin)
install(FILES deploy/systemd/deliverer.service DESTINATION lib/systemd/system)
install(FILES deploy/debian/deliverer.toml DESTINATION /etc/deliverer)
install(FILES docs/operations.md docs/api.md docs/configuration.md CHANGELOG.md
        DESTINATION share/doc/deliverer)
install(DIRECTORY docs/runbooks DESTINATION share/doc/deliverer)
install(FILES deploy/prometheus/deliverer.rules.yml DESTINATION share/deliverer/prometheus)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME deliverer)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Deliverer maintainers <maintainers@deliverer.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SMS delivery gateway: REST in, SMPP and HTTP carriers out")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm
    ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
