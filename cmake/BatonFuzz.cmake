# libFuzzer targets (tests/fuzz/), built only in a clang tree configured with
# -DBATON_FUZZ=ON; see scripts/fuzz.sh.

# The sanitizers every fuzzer runs under. UB aborts (no recovery), so that
# libFuzzer reports it as a crash.
set(BATON_FUZZ_SANITIZE -fsanitize=address,undefined -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer)

# Adds coverage and sanitizer instrumentation (-fsanitize=fuzzer-no-link) to
# `target` and every Baton library it links, directly or not: only what a
# fuzzer links is instrumented, and only that is built by the fuzzers'
# targets. Imported (third-party) targets are left as Debian built them.
function(baton_fuzz_instrument target)
  get_target_property(done ${target} BATON_FUZZ_INSTRUMENTED)
  if(done)
    return()
  endif()
  set_target_properties(${target} PROPERTIES BATON_FUZZ_INSTRUMENTED ON)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "OBJECT_LIBRARY")
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link ${BATON_FUZZ_SANITIZE})
  endif()
  get_target_property(deps ${target} LINK_LIBRARIES)
  foreach(dep IN LISTS deps)
    if(NOT TARGET ${dep})
      continue()
    endif()
    get_target_property(aliased ${dep} ALIASED_TARGET)
    if(aliased)
      set(dep ${aliased})
    endif()
    get_target_property(imported ${dep} IMPORTED)
    if(NOT imported)
      baton_fuzz_instrument(${dep})
    endif()
  endforeach()
endfunction()

# baton_fuzz_target(NAME SOURCES ... DEPS ...): one libFuzzer binary
# (LLVMFuzzerTestOneInput), with Baton's warnings and the sanitizers.
function(baton_fuzz_target name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${BATON_FUZZ_SANITIZE})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer ${BATON_FUZZ_SANITIZE})
  baton_warnings(${name})
  baton_fuzz_instrument(${name})
endfunction()
