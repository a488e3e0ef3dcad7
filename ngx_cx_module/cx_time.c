
/*
 * ISO 8601 UTC timestamps.  The calendar conversion is the days-to-civil
 * algorithm of H. Hinnant's "chrono-Compatible Low-Level Date Algorithms",
 * exact for the proleptic Gregorian calendar.
 */


#include "cx_time.h"


static void cx_time_digits(unsigned char *p, unsigned value, unsigned width);


void
cx_time_iso8601(unsigned char *buf, int64_t sec, unsigned msec)
{
    int64_t   days, era, year;
    unsigned  secs, doe, yoe, doy, mp, day, month;

    days = sec / 86400;
    secs = (unsigned) (sec % 86400);

    if (sec % 86400 < 0) {
        days--;
        secs = (unsigned) (sec % 86400 + 86400);
    }

    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = (unsigned) (days - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    day = doy - (153 * mp + 2) / 5 + 1;
    month = mp < 10 ? mp + 3 : mp - 9;
    year = (int64_t) yoe + era * 400 + (month <= 2);

    if (year < 0 || year > 9999) {
        year = year < 0 ? 0 : 9999;
    }

    cx_time_digits(buf, (unsigned) year, 4);
    buf[4] = '-';
    cx_time_digits(buf + 5, month, 2);
    buf[7] = '-';
    cx_time_digits(buf + 8, day, 2);
    buf[10] = 'T';
    cx_time_digits(buf + 11, secs / 3600, 2);
    buf[13] = ':';
    cx_time_digits(buf + 14, secs / 60 % 60, 2);
    buf[16] = ':';
    cx_time_digits(buf + 17, secs % 60, 2);
    buf[19] = '.';
    cx_time_digits(buf + 20, msec % 1000, 3);
    buf[23] = 'Z';
}


static void
cx_time_digits(unsigned char *p, unsigned value, unsigned width)
{
    while (width--) {
        p[width] = (unsigned char) ('0' + value % 10);
        value /= 10;
    }
}
