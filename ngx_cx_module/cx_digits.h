
/*
 * "00" .. "99": the two decimal digits of each number below 100, for the
 * writers of decimal numbers that take two digits a division (cx_json.c's
 * integers, cx_ip.c's octets, cx_experiment.c's hash in decimal).
 */


#ifndef CX_DIGITS_H
#define CX_DIGITS_H


static const unsigned char  cx_digit_pairs[] =
    "00010203040506070809" "10111213141516171819"
    "20212223242526272829" "30313233343536373839"
    "40414243444546474849" "50515253545556575859"
    "60616263646566676869" "70717273747576777879"
    "80818283848586878889" "90919293949596979899";


#endif /* CX_DIGITS_H */
