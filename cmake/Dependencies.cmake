# Every third-party library, found the way that works with Debian 12's packages (several
# ship no CMake config: pkg-config or hand-made targets below).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(SQLite3 REQUIRED)
find_package(simdjson REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(tomlplusplus 3 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)  # its URL API parses callback URLs
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# sd_notify: readiness, watchdog and stopping notices to systemd (server/systemd_notifier.h).
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

# The scale-out backends' client libraries: libpq, rabbitmq-c (0.11: flat headers, <amqp.h>)
# and hiredis (its HiredisConfig.cmake defines no target, its .pc does).
find_package(PostgreSQL REQUIRED)
find_package(rabbitmq-c REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)

# libphonenumber ships neither a CMake config nor a .pc file; its headers pull in
# protobuf and absl, which we must link ourselves.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
find_package(Protobuf REQUIRED)
find_package(absl REQUIRED)
add_library(phonenumber::phonenumber INTERFACE IMPORTED)
target_include_directories(phonenumber::phonenumber INTERFACE ${PHONENUMBER_INCLUDE_DIR})
target_link_libraries(phonenumber::phonenumber INTERFACE
  ${PHONENUMBER_LIBRARY} protobuf::libprotobuf absl::node_hash_map absl::node_hash_set)

if(DELIVERER_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
