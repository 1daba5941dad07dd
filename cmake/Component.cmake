# Project-wide compile settings and one helper per kind of target.

# Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>,
# which g++ 12 in C++20 mode rejects; include it first everywhere.
add_compile_options("SHELL:-include utility")

# Boost 1.74's Asio turns on co_await for clang only when <experimental/coroutine> exists,
# which libc++ has and libstdc++ has not; with libstdc++ it leaves awaitable and
# use_awaitable undefined, and every coroutine of ours fails to compile. Clang 14 with
# libstdc++ 12 has C++20's <coroutine>, which Asio uses when told both macros.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_compile_definitions(BOOST_ASIO_HAS_CO_AWAIT BOOST_ASIO_HAS_STD_COROUTINE)
endif()

# With clang, UBSan's check of indirect calls' function types (-fsanitize=function, part of
# "undefined") cannot compile a coroutine: "Cannot represent a difference across
# sections" (llvm/llvm-project#49689, still in clang 14). The rest of UBSan stays on.
set(no_function_check $<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)
if(DELIVERER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined ${no_function_check} -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined ${no_function_check})
endif()
# ThreadSanitizer does not model std::atomic_thread_fence, and g++ refuses it (-Wtsan).
# Asio adds one around every handler it runs (its "fenced block"); the handler was queued
# and is taken under the scheduler's mutex, which TSan does see, so the fence is redundant
# here and Asio's own switch leaves it out.
if(DELIVERER_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
  add_link_options(-fsanitize=thread)
endif()
if(DELIVERER_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined ${no_function_check}
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined ${no_function_check})
endif()

# -Wmismatched-new-delete: g++ 12 misreports Asio's coroutine frame allocator (its
# operator new/delete pair) when coroutines are inlined; the pair does match.
function(deliverer_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers)
  # Clang checks the locking that common/thread_annotations.h declares (GUARDED_BY, ...).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(${target} PRIVATE -Wthread-safety)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
    # -Wsubobject-linkage fires for a file #included into a unity batch when a class (or a
    # coroutine frame) holds a type from that file's anonymous namespace; compiled alone,
    # g++ stays silent for the same code, and the batch is still one translation unit.
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
endfunction()

# deliverer_component(name SOURCES a.cc b.cc DEPS other::lib)
# A static library deliverer_<name> (alias deliverer::<name>); headers are included
# as "name/header.h" from src/.
function(deliverer_component name)
  cmake_parse_arguments(C "" "" "SOURCES;DEPS" ${ARGN})
  add_library(deliverer_${name} STATIC ${C_SOURCES})
  target_include_directories(deliverer_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(deliverer_${name} PUBLIC ${C_DEPS})
  deliverer_warnings(deliverer_${name})
  add_library(deliverer::${name} ALIAS deliverer_${name})
endfunction()

# deliverer_test(name SOURCES x_test.cc DEPS deliverer::x LABELS unit
#                [SERVICES postgres rabbitmq redis] [SERIAL])
# SERVICES: the real servers the test needs (tests/support/services.h): CTest starts them
# first (fixtures service_<name>) and passes DELIVERER_TEST_SERVICES_DIR.
# SERIAL: no other test runs beside it, for a test that kills or restarts a shared server.
function(deliverer_test name)
  cmake_parse_arguments(T "SERIAL" "" "SOURCES;DEPS;LABELS;SERVICES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  deliverer_warnings(${name})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${T_LABELS}")
  if(T_SERVICES OR T_SERIAL)
    deliverer_test_properties(${name} "${T_SERVICES}" ${T_SERIAL})
  endif()
endfunction()

# Where scripts/test-services keeps the servers of a build's test run.
set(DELIVERER_TEST_SERVICES_DIR ${CMAKE_BINARY_DIR}/test-services)

# Sets the properties that SERVICES and SERIAL ask for on every test that the discovery of
# `name` finds. Not through gtest_discover_tests' PROPERTIES: with PRE_TEST discovery, CMake
# 3.25 splits a list value there (FIXTURES_REQUIRED "a;b") into separate arguments, however
# escaped. This file runs right after the discovery's, in CTest, where ${name}_TESTS holds
# the names it found.
function(deliverer_test_properties name services serial)
  set(fixtures "")
  foreach(service ${services})
    if(NOT service MATCHES "^(postgres|rabbitmq|redis)$")
      message(FATAL_ERROR "deliverer_test(${name}): unknown service ${service} (postgres, rabbitmq, redis)")
    endif()
    list(APPEND fixtures service_${service})
  endforeach()
  set(properties "")
  if(fixtures)
    string(APPEND properties " FIXTURES_REQUIRED [==[${fixtures}]==]"
                             " ENVIRONMENT [==[DELIVERER_TEST_SERVICES_DIR=${DELIVERER_TEST_SERVICES_DIR}]==]")
  endif()
  if(serial)
    string(APPEND properties " RUN_SERIAL TRUE")
  endif()
  set(file ${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake)
  file(WRITE ${file} "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES${properties})\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${file})
endfunction()

# deliverer_fuzz(name SOURCES x_fuzz.cc DEPS deliverer::x): a libFuzzer binary (clang only).
function(deliverer_fuzz name)
  cmake_parse_arguments(F "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${F_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${F_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  deliverer_warnings(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  set_property(GLOBAL APPEND PROPERTY DELIVERER_FUZZ_TARGETS ${name})
endfunction()
