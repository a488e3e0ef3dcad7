
/*
 * What cx-report's unit tests share (tests/test_report_*.c): one line
 * reader, made before the tests of a file and freed after them.
 */


#ifndef REPORT_TEST_H
#define REPORT_TEST_H


#include "cx_report_reader.h"


static cx_reader_t  rd;


static int
setup(void **state)
{
    return cx_reader_init(&rd);
}


static int
teardown(void **state)
{
    cx_reader_free(&rd);
    return 0;
}


#endif /* REPORT_TEST_H */
