# Small helpers shared by every folder's CMakeLists.txt.

# Warnings as errors on Baton's own targets only (never on generated code or
# third-party headers, which are included as SYSTEM by their imported targets).
function(baton_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter
    # Designated initializers that leave fields at their defaults are the
    # intended way to fill option structs.
    -Wno-missing-field-initializers)
endfunction()

# baton_library(NAME SOURCES ... DEPS ...): one static library per area.
function(baton_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  baton_warnings(${name})
endfunction()

# baton_add_test(NAME SOURCES ... DEPS ...): one gtest binary per library,
# each test case registered with CTest by gtest_discover_tests.
function(baton_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  baton_warnings(${name})
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${labels}" TIMEOUT 300)
endfunction()

# baton_proto_library(NAME PROTOS ... [GRPC] DEPS ...): compiles .proto files
# under protos/ at build time into a library; GRPC also runs the gRPC plugin.
function(baton_proto_library name)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_PROTOS})
  set(out ${PROJECT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out})
  target_include_directories(${name} SYSTEM PUBLIC ${out})
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPS})
  protobuf_generate(TARGET ${name} LANGUAGE cpp
    IMPORT_DIRS ${PROJECT_SOURCE_DIR}/protos PROTOC_OUT_DIR ${out})
  if(ARG_GRPC)
    get_target_property(plugin gRPC::grpc_cpp_plugin LOCATION)
    protobuf_generate(TARGET ${name} LANGUAGE grpc
      GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
      PLUGIN "protoc-gen-grpc=${plugin}"
      IMPORT_DIRS ${PROJECT_SOURCE_DIR}/protos PROTOC_OUT_DIR ${out})
  endif()
endfunction()
