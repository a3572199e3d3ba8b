# ocbuild_module(NAME DEPS ...): a static library ocbuild_NAME from src/NAME/*.cc.
# A module with no sources yet is an INTERFACE library, so the graph stays valid.
function(ocbuild_module name)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cc)
  set(target ocbuild_${name})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/include
                                         PRIVATE ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${M_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${CMAKE_SOURCE_DIR}/include)
    target_link_libraries(${target} INTERFACE ${M_DEPS})
  endif()
endfunction()

# ocbuild_test(MODULE LABEL): one GoogleTest binary per tests/MODULE folder.
function(ocbuild_test module label)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/${module}/*_test.cc)
  if(NOT sources)
    return()
  endif()
  file(GLOB support CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/support/*.cc)
  set(target ${module}_test)
  add_executable(${target} ${sources} ${support})
  set(module_lib ocbuild_core)
  if(TARGET ocbuild_${module})
    set(module_lib ocbuild_${module})
  endif()
  target_link_libraries(${target} PRIVATE ${module_lib} ocbuild_core GTest::gtest_main GTest::gmock
    nlohmann_json::nlohmann_json ${ARGN})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(${target} PRIVATE
    OCBUILD_DEFAULT_CONFORMANCE_DIR="${OCBUILD_DEFAULT_CONFORMANCE_DIR}"
    OCBUILD_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    OCBUILD_BINARY="$<TARGET_FILE:ocbuild>")
  add_dependencies(${target} ocbuild)
  gtest_discover_tests(${target} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60)
endfunction()
