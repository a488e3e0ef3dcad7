
/*
 * UTC timestamps for journey records, computed without libc's time zone
 * machinery: the same bytes on every node whatever its TZ.
 */


#ifndef CX_TIME_H
#define CX_TIME_H


#include <stdint.h>


/* "2026-12-01T06:47:12.123Z" */
#define CX_TIME_ISO8601_LEN  24


void cx_time_iso8601(unsigned char *buf, int64_t sec, unsigned msec);


#endif /* CX_TIME_H */
