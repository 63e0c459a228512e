# Run by ctest with -DBUILD_DIR=<a configured and built consumer project>
# -DCTEST=<ctest>: the consumer's syspect_add_check() tests seen from ctest.
#  - consumer.check.passes passes and leaves a JUnit report with no failure;
#  - consumer.check.fails fails, `ctest --output-on-failure` shows its text
#    report (the broken rules and the offending call), and its JUnit report
#    has the failures;
#  - `ctest --output-junit` lists the checks like any other test.
foreach(var BUILD_DIR CTEST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_report.cmake: -D${var}=... is required")
  endif()
endforeach()

function(expect_contains what text needle)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what} does not contain '${needle}':\n${text}")
  endif()
endfunction()

execute_process(COMMAND ${CTEST} --test-dir ${BUILD_DIR} -R "^consumer\\.check\\.passes$"
                        --output-on-failure --output-junit ${BUILD_DIR}/ctest-junit.xml
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "consumer.check.passes failed (status ${status}):\n${out}")
endif()
expect_contains("ctest's output" "${out}" "100% tests passed, 0 tests failed out of 1")
file(READ ${BUILD_DIR}/ctest-junit.xml ctest_junit)
expect_contains("ctest --output-junit's file" "${ctest_junit}" "name=\"consumer.check.passes\"")
file(READ ${BUILD_DIR}/syspect/consumer.check.passes.junit.xml passes_junit)
expect_contains("consumer.check.passes.junit.xml" "${passes_junit}" "failures=\"0\"")
expect_contains("consumer.check.passes.junit.xml" "${passes_junit}"
                "<testcase name=\"opens its input read-only, with O_CLOEXEC\"")

execute_process(COMMAND ${CTEST} --test-dir ${BUILD_DIR} -R "^consumer\\.check\\.fails$" --output-on-failure
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(status EQUAL 0)
  message(FATAL_ERROR "consumer.check.fails passed; it must fail:\n${out}")
endif()
expect_contains("ctest's output" "${out}" "0% tests passed, 1 tests failed out of 1")
expect_contains("ctest's output" "${out}" "FAIL creates its input")
expect_contains("ctest's output" "${out}" "FAIL never writes")
expect_contains("ctest's output" "${out}" "write(1, \"hello from the consumer")
expect_contains("ctest's output" "${out}" "2 rules, 2 failed")
file(READ ${BUILD_DIR}/syspect/consumer.check.fails.junit.xml fails_junit)
expect_contains("consumer.check.fails.junit.xml" "${fails_junit}" "failures=\"2\"")
message(STATUS "syspect_add_check: the passing and the failing check behave under ctest")
