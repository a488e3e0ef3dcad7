
/*
 * Client addresses as the journey may keep them: anonymised so that the
 * raw address never reaches the log unless the operator asks for it.
 */


#ifndef CX_IP_H
#define CX_IP_H


#include <stddef.h>


/*
 * Zeroes the host part of an address in network byte order: the last octet
 * of IPv4 (also inside an IPv4-mapped IPv6 address), everything past /48 of
 * IPv6.  len is 4 or 16; other lengths are left as they are.
 */
void cx_ip_anonymize(unsigned char *addr, size_t len);

/* dotted-quad text of an IPv4 address into out (15 bytes at most) */
size_t cx_ip_text4(const unsigned char *addr, unsigned char *out);


#endif /* CX_IP_H */
