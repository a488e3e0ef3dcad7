
/*
 * A strict RFC 8259 checker for the tests and fuzz targets: is this buffer
 * exactly one JSON object, in valid UTF-8, followed by one '\n'?
 */


#ifndef JSON_CHECK_H
#define JSON_CHECK_H


#include <stddef.h>


/* returns NULL when valid, else a static message saying what is wrong */
const char *json_check_line(const unsigned char *buf, size_t len);


#endif /* JSON_CHECK_H */
