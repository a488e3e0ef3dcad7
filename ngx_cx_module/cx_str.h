
/*
 * Byte strings shared by the nginx-free core: a pointer and a length, never
 * relying on a terminating NUL, so nginx's ngx_str_t maps onto it 1:1.
 */


#ifndef CX_STR_H
#define CX_STR_H


#include <stddef.h>
#include <stdint.h>


typedef struct {
    const unsigned char  *data;
    size_t                len;
} cx_str_t;


#define cx_string(s)     { (const unsigned char *) (s), sizeof(s) - 1 }
#define cx_null_string   { NULL, 0 }

/* "absent" for optional integers of a record: written as JSON null */
#define CX_NONE          INT64_MIN

/* "not known" for a yes/no of a record, beside 0 and 1: JSON null */
#define CX_UNKNOWN       (-1)


#endif /* CX_STR_H */
