#!/bin/bash
# Tests of the cx-cookie tool: the exact cookie and JSON of a fixed state,
# mint then decode of every option, rotation, invalid cookies, bad arguments.
# Expected hashes come from an FNV-1a written here in bash, expected times
# from date(1): neither shares code with the tool.
# Usage: tests/test_cookie_tool.sh path/to/cx-cookie

set -uo pipefail
export LC_ALL=C TZ=UTC

TOOL=${1:?usage: $0 path/to/cx-cookie}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

printf '0123456789abcdef0123456789abcdef\n' > "$DIR/a"
printf 'another secret, rotated in 2026\n' > "$DIR/b"
printf '0123456789abcde' > "$DIR/short"
ID_A=43
ID_B=162

PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1" >&2; }

check() {   # name actual expected
    if [[ "$2" == "$3" ]]; then
        pass
    else
        fail "$1"
        echo "  got:      $2" >&2
        echo "  expected: $3" >&2
    fi
}

fnv1a() {
    local s=$1 h=2166136261 i c
    for ((i = 0; i < ${#s}; i++)); do
        printf -v c '%d' "'${s:i:1}"
        h=$(( ((h ^ c) * 16777619) & 0xffffffff ))
    done
    echo "$h"
}

iso() {     # unix ms
    printf '%s.%03dZ' "$(date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%S)" \
        $(($1 % 1000))
}

# the fields of the expected JSON; each case changes some, then resets
reset() {
    KEY_ID=$ID_A VISITOR=00112233445566778899aabbccddeeff
    SESSION=0123456789abcdef START_MS=1764570000000 LAST_MS=1764571234000
    INDEX=1 SEQ=1 PATHS=0,0 TOUCHPOINT=0 CHANNEL=0 GOAL=false LOYAL=false
    CAMPAIGN=0 EXPERIENCE=0,0,0 REPEAT=0 FORCED=
}

expected() {
    printf '{"valid":true,"version":1,"key_id":%s,"visitor":"%s",' \
        "$KEY_ID" "$VISITOR"
    printf '"session":"%s","session_start":"%s","last_seen":"%s",' \
        "$SESSION" "$(iso "$START_MS")" "$(iso "$LAST_MS")"
    printf '"session_index":%s,"seq":%s,"path_hashes":[%s],' \
        "$INDEX" "$SEQ" "$PATHS"
    printf '"touchpoint_hash":%s,"channel":%s,' "$TOUCHPOINT" "$CHANNEL"
    printf '"flags":{"goal":%s,"loyal":%s},"campaign_hash":%s,' \
        "$GOAL" "$LOYAL" "$CAMPAIGN"
    printf '"experience":[%s],"repeat":%s,"forced":[%s]}' \
        "$EXPERIENCE" "$REPEAT" "$FORCED"
}

forced() {  # experiment variant
    printf '{"experiment_hash":%s,"variant_hash":%s}' \
        "$(fnv1a "$1")" "$(fnv1a "$2")"
}

BASE=(--secret "$DIR/a" --visitor 00112233445566778899aabbccddeeff
      --session 0123456789abcdef --session-start 1764570000
      --last-seen 1764571234)
NOW=1764571300000

roundtrip() {   # name, mint options after BASE
    local name=$1 cookie out rc
    shift
    cookie=$("$TOOL" mint "${BASE[@]}" "$@")
    rc=$?
    check "$name: mint exit" "$rc" 0
    out=$("$TOOL" decode --secret "$DIR/a" --secret "$DIR/b" --now "$NOW" \
          "$cookie")
    rc=$?
    check "$name: decode exit" "$rc" 0
    check "$name" "$out" "$(expected)"
    reset
}

invalid() {     # name, reason, decode arguments
    local name=$1 reason=$2 out rc
    shift 2
    out=$("$TOOL" decode "$@")
    rc=$?
    check "$name: exit" "$rc" 1
    check "$name" "$out" "{\"valid\":false,\"reason\":\"$reason\"}"
}

bad_args() {    # name, word the message must hold, arguments
    local name=$1 word=$2 err rc
    shift 2
    err=$("$TOOL" "$@" 2>&1 >/dev/null)
    rc=$?
    check "$name: exit" "$rc" 2
    check "$name: one line" "$(printf '%s\n' "$err" | wc -l)" 1
    if [[ "$err" == *"$word"* ]]; then pass; else
        fail "$name: message \"$err\" does not name \"$word\""; fi
}


# -- the hash and time helpers of this script, against known values
check "fnv1a empty" "$(fnv1a '')" 2166136261
check "fnv1a a" "$(fnv1a a)" 3826002220
check "iso" "$(iso 1764571234567)" 2025-12-01T06:40:34.567Z

# -- one fixed state: the exact cookie (from an independent model of the
#    format) and the exact JSON
FIXED=(--secret "$DIR/a" --visitor 00112233445566778899aabbccddeeff
       --session 0123456789abcdef --session-index 2 --seq 5
       --session-start 1764570000 --last-seen 1764571234
       --path /checkout/pay --prev-path /cart --touchpoint payment
       --campaign black_friday --channel 3 --goal --loyal
       --experience negative,neutral,positive --repeat 2
       --force checkout_button:green --force pricing:annual)
FIXED_COOKIE=ASsAESIzRFVmd4iZqrvM3e7_ASNFZ4mrze9pLTOQAZrYpD7QAAIABVGjd78S6DS8s6
FIXED_COOKIE+=IhcQMDKt8WThsCAm8qVvoBHey8Li8WTYQIaGp78srN1SVXbQ
FIXED_JSON='{"valid":true,"version":1,"key_id":43,'
FIXED_JSON+='"visitor":"00112233445566778899aabbccddeeff",'
FIXED_JSON+='"session":"0123456789abcdef",'
FIXED_JSON+='"session_start":"2025-12-01T06:20:00.000Z",'
FIXED_JSON+='"last_seen":"2025-12-01T06:40:34.000Z",'
FIXED_JSON+='"session_index":2,"seq":5,"path_hashes":[1369667519,317207740],'
FIXED_JSON+='"touchpoint_hash":3013747057,"channel":3,'
FIXED_JSON+='"flags":{"goal":true,"loyal":true},"campaign_hash":719263310,'
FIXED_JSON+='"experience":[3,2,1],"repeat":2,'
FIXED_JSON+='"forced":[{"experiment_hash":1865045754,"variant_hash":18738364},'
FIXED_JSON+='{"experiment_hash":774837837,"variant_hash":2215143530}]}'

check "fixed: cookie" "$("$TOOL" mint "${FIXED[@]}")" "$FIXED_COOKIE"
check "fixed: json" \
    "$("$TOOL" decode --secret "$DIR/a" --now "$NOW" "$FIXED_COOKIE")" \
    "$FIXED_JSON"
check "fixed: exit" \
    "$("$TOOL" decode --secret "$DIR/a" --now "$NOW" "$FIXED_COOKIE" \
       >/dev/null; echo $?)" 0
check "fixed: length" "${#FIXED_COOKIE}" 114

# -- every option, one at a time
reset
roundtrip "defaults"
check "nforced 0: length" "$("$TOOL" mint "${BASE[@]}" | tr -d '\n' | wc -c)" 92

INDEX=7 SEQ=65535
roundtrip "session index and seq" --session-index 7 --seq 65535

PATHS="$(fnv1a /a/b),0"
roundtrip "path" --path /a/b
PATHS="$(fnv1a /a/b),$(fnv1a /)"
roundtrip "path and previous" --path /a/b --prev-path /

TOUCHPOINT=$(fnv1a checkout)
roundtrip "touchpoint" --touchpoint checkout

CAMPAIGN=$(fnv1a spring_sale)
roundtrip "campaign" --campaign spring_sale

CHANNEL=255
roundtrip "channel" --channel 255

GOAL=true
roundtrip "goal" --goal
LOYAL=true
roundtrip "loyal" --loyal
GOAL=true LOYAL=true
roundtrip "goal and loyal" --loyal --goal

EXPERIENCE=2,1,3
roundtrip "experience of three" --experience neutral,positive,negative
EXPERIENCE=3,0,0
roundtrip "experience of one" --experience negative
EXPERIENCE=0,1,0
roundtrip "experience with none" --experience none,positive

REPEAT=9
roundtrip "repeat" --repeat 9

FORCED=$(forced hero blue)
roundtrip "one forced" --force hero:blue
FORCED="$(forced a b),$(forced c d),$(forced e f:g),$(forced h i)"
roundtrip "four forced, names split at the first colon" \
    --force a:b --force c:d --force e:f:g --force h:i

# times: unix seconds, "now", and offsets from --now
START_MS=1764571300000 LAST_MS=1764571300000
roundtrip "now" --now 1764571300000 --session-start now --last-seen now
START_MS=$((1764571300000 - 31 * 60000)) LAST_MS=$((1764571300000 - 30000))
roundtrip "minutes and seconds ago" --now 1764571300000 \
    --session-start -31m --last-seen -30s
START_MS=$((1764571300000 - 86400000)) LAST_MS=$((1764571300000 - 7200000))
roundtrip "days and hours ago" --now 1764571300000 \
    --session-start -1d --last-seen -2h
START_MS=1764571300000 LAST_MS=$((1764571300000 + 60000))
roundtrip "a minute ahead is within the skew" --now 1764571300000 \
    --session-start now --last-seen +1m
START_MS=1764571000000 LAST_MS=1764571299123
roundtrip "milliseconds of now" --now 1764571299123 \
    --session-start 1764571000 --last-seen now

# the defaults: random ids, session index and seq 1, both times now
out=$("$TOOL" decode --secret "$DIR/a" "$("$TOOL" mint --secret "$DIR/a")")
check "random ids: exit" "$?" 0
[[ "$out" =~ \"visitor\":\"[0-9a-f]{32}\",\"session\":\"[0-9a-f]{16}\" ]]
check "random ids: hex" "$?" 0
[[ "$out" == *'"session_index":1,"seq":1,'* ]]
check "defaults: index and seq" "$?" 0
one=$("$TOOL" mint --secret "$DIR/a" --session 0123456789abcdef)
two=$("$TOOL" mint --secret "$DIR/a" --session 0123456789abcdef)
[[ "${one:2:22}" != "${two:2:22}" ]]
check "random visitors differ" "$?" 0

# -- rotation: the first secret signs, every one verifies
cookie=$("$TOOL" mint --secret "$DIR/b" --secret "$DIR/a" --now "$NOW")
out=$("$TOOL" decode --secret "$DIR/a" --secret "$DIR/b" --now "$NOW" \
      "$cookie")
check "rotation: key id" "$(expr "$out" : '.*"key_id":\([0-9]*\)')" "$ID_B"
invalid "rotation: old key only" unknown_key \
    --secret "$DIR/a" --now "$NOW" "$cookie"

# -- deliberately wrong cookies
invalid "version 2" bad_version --secret "$DIR/a" --now "$NOW" \
    "$("$TOOL" mint "${BASE[@]}" --version 2)"
invalid "version 0" bad_version --secret "$DIR/a" --now "$NOW" \
    "$("$TOOL" mint "${BASE[@]}" --version 0)"
KEY_ID=$ID_A
roundtrip "version 1 and own key id are valid" --version 1 --key-id $ID_A
invalid "unknown key id" unknown_key --secret "$DIR/a" --secret "$DIR/b" \
    --now "$NOW" "$("$TOOL" mint "${BASE[@]}" --key-id 7)"
invalid "another key's id" bad_tag --secret "$DIR/a" --secret "$DIR/b" \
    --now "$NOW" "$("$TOOL" mint "${BASE[@]}" --key-id $ID_B)"
invalid "last seen ahead" future --secret "$DIR/a" --now "$NOW" \
    "$("$TOOL" mint "${BASE[@]}" --now "$NOW" --last-seen +2m)"
invalid "session after its last view" future --secret "$DIR/a" \
    --now "$NOW" "$("$TOOL" mint "${BASE[@]}" --session-start 1764571235)"

# -- invalid cookies of every other kind
tampered=${FIXED_COOKIE:0:40}B${FIXED_COOKIE:41}
invalid "tampered" bad_tag --secret "$DIR/a" --now "$NOW" "$tampered"
invalid "wrong secret" unknown_key --secret "$DIR/b" --now "$NOW" \
    "$FIXED_COOKIE"
invalid "not base64url" bad_base64 --secret "$DIR/a" "${FIXED_COOKIE}="
invalid "cut" bad_length --secret "$DIR/a" "${FIXED_COOKIE:0:100}"
invalid "empty" bad_length --secret "$DIR/a" ""
invalid "too long" too_long --secret "$DIR/a" "$(printf 'A%.0s' {1..257})"
invalid "after --" bad_base64 --secret "$DIR/a" -- "--"

# -- bad arguments: exit 2 and a line naming what was wrong
bad_args "no command" command
bad_args "unknown command" frobnicate frobnicate
bad_args "short secret" "$DIR/short" mint --secret "$DIR/short"
bad_args "missing secret" "$DIR/none" mint --secret "$DIR/none"
bad_args "mint without secret" --secret mint
bad_args "decode without secret" --secret decode "$FIXED_COOKIE"
bad_args "decode without cookie" COOKIE decode --secret "$DIR/a"
bad_args "two cookies" extra decode --secret "$DIR/a" x extra
bad_args "unknown option" --colour mint --secret "$DIR/a" --colour
bad_args "missing value" --seq mint --secret "$DIR/a" --seq
bad_args "seq too big" --seq mint --secret "$DIR/a" --seq 65536
bad_args "negative index" --session-index mint --secret "$DIR/a" \
    --session-index -1
bad_args "channel too big" --channel mint --secret "$DIR/a" --channel 256
bad_args "repeat not a number" --repeat mint --secret "$DIR/a" --repeat x
bad_args "key id too big" --key-id mint --secret "$DIR/a" --key-id 256
bad_args "version too big" --version mint --secret "$DIR/a" --version 300
bad_args "visitor too short" --visitor mint --secret "$DIR/a" \
    --visitor 0011
bad_args "visitor not hex" --visitor mint --secret "$DIR/a" \
    --visitor 0011223344556677889900aabbccddeg
bad_args "session too long" --session mint --secret "$DIR/a" \
    --session 0123456789abcdef01
bad_args "bad time" --last-seen mint --secret "$DIR/a" --last-seen yesterday
bad_args "bad unit" --session-start mint --secret "$DIR/a" \
    --session-start -5w
bad_args "before 1970" --session-start mint --secret "$DIR/a" --now 1000 \
    --session-start -1d
bad_args "start past 2106" --session-start mint --secret "$DIR/a" \
    --session-start 4294967296
bad_args "bad rating" --experience mint --secret "$DIR/a" \
    --experience positive,great
bad_args "four ratings" --experience mint --secret "$DIR/a" \
    --experience none,none,none,none
bad_args "force without colon" --force mint --secret "$DIR/a" --force ab
bad_args "force without variant" --force mint --secret "$DIR/a" --force a:
bad_args "five forced" --force mint --secret "$DIR/a" --force a:1 \
    --force b:1 --force c:1 --force d:1 --force e:1
bad_args "bad now" --now decode --secret "$DIR/a" --now soon x

echo "test_cookie_tool: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
