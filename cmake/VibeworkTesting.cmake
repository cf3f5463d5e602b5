# vibework_add_test(NAME <name> LABEL unit|integration|e2e SOURCES ... [LIBS ...] [TIMEOUT s])
# Builds one GoogleTest executable and registers it with CTest under a label.
# Tests exist only when VIBEWORK_BUILD_TESTS is on (the default when vibework is the top-level
# project) and CTest's BUILD_TESTING is: a project that adds vibework as a subdirectory gets none.
if(VIBEWORK_BUILD_TESTS)
  include(CTest)
endif()
if(VIBEWORK_BUILD_TESTS AND BUILD_TESTING)
  set(VIBEWORK_TESTING ON)
  find_package(GTest REQUIRED)
else()
  set(VIBEWORK_TESTING OFF)
endif()

function(vibework_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT VIBEWORK_TESTING)
    return()
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main vibework_defaults)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "VIBEWORK_SOURCE_DIR=${PROJECT_SOURCE_DIR};VIBEWORK_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
