# Helpers that declare one component library or test in one call, with explicit dependencies.
#
#   footfall_library(NAME rawlog HDRS writer.h SRCS writer.cc DEPS footfall::base)
#   footfall_test(NAME rawlog_writer_test SRCS writer_test.cc DEPS footfall::rawlog)

function(footfall_library)
  cmake_parse_arguments(FL "" "NAME" "HDRS;SRCS;DEPS" ${ARGN})
  set(target footfall_${FL_NAME})
  if(FL_SRCS)
    add_library(${target} STATIC ${FL_SRCS} ${FL_HDRS})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${FL_DEPS})
  else()
    add_library(${target} INTERFACE ${FL_HDRS})
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${FL_DEPS})
  endif()
  add_library(footfall::${FL_NAME} ALIAS ${target})
endfunction()

function(footfall_test)
  cmake_parse_arguments(FT "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${FT_NAME} ${FT_SRCS})
  target_link_libraries(${FT_NAME} PRIVATE ${FT_DEPS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${FT_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "unit;${FT_LABELS}")
  set_property(GLOBAL APPEND PROPERTY FOOTFALL_UNIT_TESTS ${FT_NAME})
endfunction()

# `unit_tests`: every footfall_test binary and nothing else (what the sanitizer build needs).
function(footfall_unit_tests_target)
  get_property(tests GLOBAL PROPERTY FOOTFALL_UNIT_TESTS)
  add_custom_target(unit_tests DEPENDS ${tests})
endfunction()

include(GoogleTest)
