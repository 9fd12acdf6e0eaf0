# Per-target conventions: warnings, sanitizers, include paths.

set(SAFEGATE_INCLUDE_DIR ${CMAKE_SOURCE_DIR}/include)

function(safegate_setup_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(SAFEGATE_SANITIZE)
    string(REPLACE ";" "," _san "${SAFEGATE_SANITIZE}")
    target_compile_options(${target} PRIVATE -fsanitize=${_san} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=${_san})
  endif()
endfunction()

# safegate_library(NAME SOURCES ... DEPS ...): a static library safegate_NAME
# with the public include/ tree and, privately, only its own source directory
# (src/<lib>): a library cannot reach another library's private headers. The
# PUBLIC_DEPS/PRIVATE_DEPS lists are the link graph that scripts/check-deps.sh
# checks the #include graph against.
function(safegate_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(safegate_${name} STATIC ${ARG_SOURCES})
  add_library(safegate::${name} ALIAS safegate_${name})
  target_include_directories(safegate_${name} PUBLIC ${SAFEGATE_INCLUDE_DIR}
                                             PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(safegate_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  safegate_setup_target(safegate_${name})
  if(SAFEGATE_LIBRARY_CXX_FLAGS)
    target_compile_options(safegate_${name} PRIVATE ${SAFEGATE_LIBRARY_CXX_FLAGS})
  endif()
endfunction()

# safegate_test(NAME SOURCES ... DEPS ...): a gtest executable registered with ctest.
function(safegate_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    SAFEGATE_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    SAFEGATE_SHARED_DATA="${CMAKE_SOURCE_DIR}/../shared/data")
  safegate_setup_target(${name})
  if(SAFEGATE_TEST_CXX_FLAGS)
    target_compile_options(${name} PRIVATE ${SAFEGATE_TEST_CXX_FLAGS})
  endif()
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
