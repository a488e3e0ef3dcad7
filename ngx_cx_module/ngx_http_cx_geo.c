
/*
 * Geo from MaxMind databases (libmaxminddb): opened once at config time,
 * looked up at most once per request and database, and only when a line, a
 * header or a variable needs it; reopened by each worker when the file
 * changes (auto_reload).  Also cx_privacy: what of the address is kept.
 */


#include "ngx_http_cx_common.h"
#include "cx_ip.h"
#include "cx_json.h"

#include <maxminddb.h>


/*
 * The kinds of database, the most specific first: the databases are kept in
 * this order (then by path), and each field comes from the first of them
 * that has it, whatever the order of the directives.
 */
#define NGX_HTTP_CX_GEO_ASN          0    /* asn and as_org only */
#define NGX_HTTP_CX_GEO_CITY         1    /* City, Enterprise */
#define NGX_HTTP_CX_GEO_COUNTRY      2
#define NGX_HTTP_CX_GEO_OTHER        3    /* another: location, last */

#define NGX_HTTP_CX_GEO_ERROR_EVERY  60   /* seconds between two alerts */

/*
 * A visitor's page views come from one address: a worker keeps the answers
 * of the last addresses it looked up, since each costs about ten thousand
 * instructions (libmaxminddb walks the entry's maps for every field).
 */
#define NGX_HTTP_CX_GEO_CACHE_BITS   10
#define NGX_HTTP_CX_GEO_CACHE_SIZE   (1 << NGX_HTTP_CX_GEO_CACHE_BITS)
#define NGX_HTTP_CX_GEO_CACHE_TEXT   192  /* the answer's strings */

/*
 * A new address mostly falls in a network whose record was read before
 * (one city's record serves thousands of addresses): each database's
 * records are kept by their offset, so a new address costs the tree walk,
 * not the walk through the record's maps.
 */
#define NGX_HTTP_CX_GEO_RECORDS      256  /* per database, a power of two */


typedef struct {
    u_char                    addr[16];   /* IPv4 as IPv4-mapped IPv6 */
    ngx_uint_t                generation; /* 0: empty */
    ngx_uint_t                family;     /* geo.ip's: an IPv4 address and
                                             its IPv4-mapped IPv6 share the
                                             slot, not the text */
    ngx_http_cx_geo_t         geo;
    u_char                    text[NGX_HTTP_CX_GEO_CACHE_TEXT];
} ngx_http_cx_geo_cached_t;


/* one database's fields of one record */
typedef struct {
    uint32_t                  offset;     /* the entry's, plus one */
    ngx_uint_t                generation; /* 0: empty */
    ngx_http_cx_geo_t         geo;
    u_char                    text[NGX_HTTP_CX_GEO_CACHE_TEXT];
} ngx_http_cx_geo_record_t;


struct ngx_http_cx_geoip_s {
    ngx_str_t                 path;       /* NUL-terminated */
    MMDB_s                   *mmdb;
    ngx_uint_t                kind;
    unsigned                  allocated:1;  /* mmdb is a worker's reopen */

    ngx_msec_t                auto_reload;  /* 0: never */
    ngx_msec_t                next_check;
    ngx_file_uniq_t           uniq;
    time_t                    mtime;
    off_t                     size;

    time_t                    error_logged;

    ngx_http_cx_geo_record_t *records;    /* the worker's, or NULL */
};


static ngx_uint_t ngx_http_cx_geo_answered(ngx_http_cx_geo_t *geo,
    ngx_http_cx_geoip_t *db);
static void ngx_http_cx_geo_lookup_db(ngx_http_request_t *r,
    ngx_http_cx_geoip_t *db, ngx_http_cx_geo_t *geo);
static ngx_int_t ngx_http_cx_geo_record(ngx_http_request_t *r,
    ngx_http_cx_geoip_t *db, MMDB_entry_s *entry, ngx_http_cx_geo_t *record);
static void ngx_http_cx_geo_merge(ngx_http_request_t *r,
    ngx_http_cx_geoip_t *db, ngx_http_cx_geo_t *geo,
    ngx_http_cx_geo_t *record);
static ngx_int_t ngx_http_cx_geo_location(ngx_http_request_t *r,
    ngx_http_cx_geoip_t *db, MMDB_entry_s *entry, ngx_http_cx_geo_t *geo);
static ngx_int_t ngx_http_cx_geo_string(ngx_http_request_t *r,
    ngx_http_cx_geoip_t *db, MMDB_entry_s *entry, const char *const *path,
    ngx_str_t *s);
static ngx_int_t ngx_http_cx_geo_value(ngx_http_request_t *r,
    ngx_http_cx_geoip_t *db, MMDB_entry_s *entry, const char *const *path,
    uint32_t type, MMDB_entry_data_s *data);
static void ngx_http_cx_geo_error(ngx_log_t *log, ngx_http_cx_geoip_t *db,
    const char *what, int status);
static void ngx_http_cx_geo_check(ngx_log_t *log, ngx_http_cx_geoip_t *db);
static int ngx_http_cx_geo_open(ngx_http_cx_geoip_t *db, MMDB_s *mmdb,
    ngx_file_info_t *fi);
static void ngx_http_cx_geo_cleanup(void *data);
static ngx_uint_t ngx_http_cx_geo_kind(MMDB_s *mmdb);
static ngx_int_t ngx_http_cx_geo_before(ngx_http_cx_geoip_t *a,
    ngx_http_cx_geoip_t *b);
static ngx_http_cx_geo_cached_t *ngx_http_cx_geo_cache_set(
    ngx_http_request_t *r);
static ngx_http_cx_geo_cached_t *ngx_http_cx_geo_cache_find(
    ngx_http_cx_geo_cached_t *set);
static ngx_int_t ngx_http_cx_geo_cache_get(ngx_http_request_t *r,
    ngx_http_cx_geo_cached_t *slot, ngx_http_cx_geo_t *geo);
static void ngx_http_cx_geo_cache_put(ngx_http_cx_geo_cached_t *set,
    ngx_http_cx_geo_t *geo);
static ngx_inline void ngx_http_cx_geo_rebase(ngx_str_t *s, u_char *p,
    u_char *text);
static u_char *ngx_http_cx_geo_copy(u_char *p, ngx_str_t *dst,
    ngx_str_t *src);
static ngx_int_t ngx_http_cx_geo_pool_copy(ngx_http_request_t *r,
    ngx_str_t *dst, ngx_str_t *src);
static void ngx_http_cx_geo_anonymized(ngx_http_request_t *r, ngx_str_t *ip);


static ngx_http_cx_geo_cached_t  *ngx_http_cx_geo_cache;
static u_char                     ngx_http_cx_geo_key[16];
static ngx_uint_t                 ngx_http_cx_geo_family;

/* bumped by every auto_reload: what was cached before is stale */
static ngx_uint_t                 ngx_http_cx_geo_generation = 1;


static const char *const  ngx_http_cx_geo_country[] = {
    "country", "iso_code", NULL
};

static const char *const  ngx_http_cx_geo_region[] = {
    "subdivisions", "0", "iso_code", NULL
};

static const char *const  ngx_http_cx_geo_city[] = {
    "city", "names", "en", NULL
};

static const char *const  ngx_http_cx_geo_latitude[] = {
    "location", "latitude", NULL
};

static const char *const  ngx_http_cx_geo_longitude[] = {
    "location", "longitude", NULL
};

static const char *const  ngx_http_cx_geo_asn[] = {
    "autonomous_system_number", NULL
};

static const char *const  ngx_http_cx_geo_as_org[] = {
    "autonomous_system_organization", NULL
};


/* the request's geo, looked up on first need */
ngx_http_cx_geo_t *
ngx_http_cx_geo(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    ngx_uint_t                 i;
    ngx_http_cx_geoip_t      **db;
    ngx_http_cx_main_conf_t   *mcf;
    ngx_http_cx_geo_cached_t  *set, *slot;

    if (ctx->geo_done) {
        return &ctx->geo;
    }

    ctx->geo_done = 1;

    ctx->geo.asn = CX_NONE;
    ctx->geo.has_location = 0;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    if (mcf->geoip == NULL) {
        return &ctx->geo;
    }

    db = mcf->geoip->elts;

    for (i = 0; i < mcf->geoip->nelts; i++) {
        ngx_http_cx_geo_check(r->connection->log, db[i]);
    }

    set = ngx_http_cx_geo_cache_set(r);

    if (set) {
        slot = ngx_http_cx_geo_cache_find(set);

        if (slot && ngx_http_cx_geo_cache_get(r, slot, &ctx->geo) == NGX_OK) {
            ctx->geo_sockaddr = r->connection->sockaddr;
            return &ctx->geo;
        }

        /* a hit that could not be copied may have left some of it */

        ngx_memzero(&ctx->geo, sizeof(ngx_http_cx_geo_t));
        ctx->geo.asn = CX_NONE;
    }

    for (i = 0; i < mcf->geoip->nelts; i++) {
        if (!ngx_http_cx_geo_answered(&ctx->geo, db[i])) {
            ngx_http_cx_geo_lookup_db(r, db[i], &ctx->geo);
        }
    }

    /*
     * The anonymised address is kept with the answers: the key is the
     * address, so a hit brings its text in the same copy as the names
     */

    if (set) {
        ngx_http_cx_geo_anonymized(r, &ctx->geo.ip);
        ngx_http_cx_geo_cache_put(set, &ctx->geo);
        ctx->geo_sockaddr = r->connection->sockaddr;
    }

    return &ctx->geo;
}


/*
 * The cache's set of two slots for the request's address, the newer answer
 * first; NULL for other families.  Two ways: with one, two addresses of
 * the same slot (a few among fifty visitors' in 1024 slots) would take it
 * from each other on every page view.
 */
static ngx_http_cx_geo_cached_t *
ngx_http_cx_geo_cache_set(ngx_http_request_t *r)
{
    uint64_t          w[2], h;
    struct sockaddr  *sa;

    if (ngx_http_cx_geo_cache == NULL) {
        return NULL;
    }

    sa = r->connection->sockaddr;
    ngx_http_cx_geo_family = sa->sa_family;

    switch (sa->sa_family) {

#if (NGX_HAVE_INET6)
    case AF_INET6:
        ngx_memcpy(ngx_http_cx_geo_key,
                   ((struct sockaddr_in6 *) sa)->sin6_addr.s6_addr, 16);
        break;
#endif

    case AF_INET:
        ngx_memzero(ngx_http_cx_geo_key, 10);
        ngx_http_cx_geo_key[10] = 0xff;
        ngx_http_cx_geo_key[11] = 0xff;
        ngx_memcpy(ngx_http_cx_geo_key + 12,
                   &((struct sockaddr_in *) sa)->sin_addr.s_addr, 4);
        break;

    default:
        return NULL;
    }

    /*
     * Fibonacci hashing, a few instructions where FNV-1a took some sixty:
     * the top bits of the product, which the low bits of the word reach
     * best, so the high half (an IPv4 address's bytes) is folded down
     */

    ngx_memcpy(w, ngx_http_cx_geo_key, 16);

    h = w[0] ^ w[1];
    h ^= h >> 32;

    return &ngx_http_cx_geo_cache[((h * 0x9e3779b97f4a7c15ull)
                                   >> (64 - NGX_HTTP_CX_GEO_CACHE_BITS))
                                  & ~(ngx_uint_t) 1];
}


/* the set's slot holding the request's address, or NULL */
static ngx_http_cx_geo_cached_t *
ngx_http_cx_geo_cache_find(ngx_http_cx_geo_cached_t *set)
{
    ngx_uint_t  i;

    for (i = 0; i < 2; i++) {
        if (set[i].generation == ngx_http_cx_geo_generation
            && ngx_memcmp(set[i].addr, ngx_http_cx_geo_key, 16) == 0)
        {
            return &set[i];
        }
    }

    return NULL;
}


/*
 * A hit's strings are copied: the slot may be reused before the log phase.
 * They lie one after the other in the slot's text (cache_put): one copy,
 * each string then at its offset there.
 */
static ngx_int_t
ngx_http_cx_geo_cache_get(ngx_http_request_t *r,
    ngx_http_cx_geo_cached_t *slot, ngx_http_cx_geo_t *geo)
{
    u_char  *p;
    size_t   len;

    *geo = slot->geo;

    len = geo->country.len + geo->region.len + geo->city.len
          + geo->as_org.len + geo->ip.len;

    if (slot->family != ngx_http_cx_geo_family) {
        ngx_str_null(&geo->ip);
    }

    if (len == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_DECLINED;
    }

    ngx_memcpy(p, slot->text, len);

    ngx_http_cx_geo_rebase(&geo->country, p, slot->text);
    ngx_http_cx_geo_rebase(&geo->region, p, slot->text);
    ngx_http_cx_geo_rebase(&geo->city, p, slot->text);
    ngx_http_cx_geo_rebase(&geo->as_org, p, slot->text);
    ngx_http_cx_geo_rebase(&geo->ip, p, slot->text);

    return NGX_OK;
}


/* the answer first in its set; the one there before goes second */
static void
ngx_http_cx_geo_cache_put(ngx_http_cx_geo_cached_t *set,
    ngx_http_cx_geo_t *geo)
{
    u_char                    *p;
    ngx_http_cx_geo_cached_t  *slot;

    if (geo->country.len + geo->region.len + geo->city.len + geo->as_org.len
        + geo->ip.len > NGX_HTTP_CX_GEO_CACHE_TEXT)
    {
        return;
    }

    slot = &set[0];

    if (slot->generation == ngx_http_cx_geo_generation
        && ngx_memcmp(slot->addr, ngx_http_cx_geo_key, 16) != 0)
    {
        set[1] = set[0];

        ngx_http_cx_geo_rebase(&set[1].geo.country, set[1].text, set[0].text);
        ngx_http_cx_geo_rebase(&set[1].geo.region, set[1].text, set[0].text);
        ngx_http_cx_geo_rebase(&set[1].geo.city, set[1].text, set[0].text);
        ngx_http_cx_geo_rebase(&set[1].geo.as_org, set[1].text, set[0].text);
        ngx_http_cx_geo_rebase(&set[1].geo.ip, set[1].text, set[0].text);
    }

    ngx_memcpy(slot->addr, ngx_http_cx_geo_key, 16);
    slot->generation = ngx_http_cx_geo_generation;
    slot->family = ngx_http_cx_geo_family;
    slot->geo = *geo;

    p = slot->text;
    p = ngx_http_cx_geo_copy(p, &slot->geo.country, &geo->country);
    p = ngx_http_cx_geo_copy(p, &slot->geo.region, &geo->region);
    p = ngx_http_cx_geo_copy(p, &slot->geo.city, &geo->city);
    p = ngx_http_cx_geo_copy(p, &slot->geo.as_org, &geo->as_org);
    (void) ngx_http_cx_geo_copy(p, &slot->geo.ip, &geo->ip);

    /* looked at once here, so that each line copies the names it can */

    slot->geo.plain = 0;

    if (cx_json_plain_text(geo->country.data, geo->country.len)) {
        slot->geo.plain |= CX_RECORD_PLAIN_COUNTRY;
    }

    if (cx_json_plain_text(geo->region.data, geo->region.len)) {
        slot->geo.plain |= CX_RECORD_PLAIN_REGION;
    }

    if (cx_json_plain_text(geo->city.data, geo->city.len)) {
        slot->geo.plain |= CX_RECORD_PLAIN_CITY;
    }

    if (cx_json_plain_text(geo->as_org.data, geo->as_org.len)) {
        slot->geo.plain |= CX_RECORD_PLAIN_AS_ORG;
    }
}


/* a string of the slot's text, to the same offset in its copy at p */
static ngx_inline void
ngx_http_cx_geo_rebase(ngx_str_t *s, u_char *p, u_char *text)
{
    if (s->len) {
        s->data = p + (s->data - text);
    }
}


/* src into p as dst; an absent string stays absent */
static u_char *
ngx_http_cx_geo_copy(u_char *p, ngx_str_t *dst, ngx_str_t *src)
{
    if (src->len == 0) {
        ngx_str_null(dst);
        return p;
    }

    dst->data = p;
    dst->len = src->len;

    return ngx_cpymem(p, src->data, src->len);
}


/* each worker its own cache, made once, never on the request path */
ngx_int_t
ngx_http_cx_geo_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                 i;
    ngx_http_cx_geoip_t      **db;
    ngx_http_cx_main_conf_t   *mcf;

    mcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_cx_module);

    if (mcf == NULL || mcf->geoip == NULL) {
        return NGX_OK;
    }

    ngx_http_cx_geo_cache = ngx_calloc(NGX_HTTP_CX_GEO_CACHE_SIZE
                                       * sizeof(ngx_http_cx_geo_cached_t),
                                       cycle->log);

    if (ngx_http_cx_geo_cache == NULL) {
        return NGX_ERROR;
    }

    db = mcf->geoip->elts;

    for (i = 0; i < mcf->geoip->nelts; i++) {
        db[i]->records = ngx_calloc(NGX_HTTP_CX_GEO_RECORDS
                                    * sizeof(ngx_http_cx_geo_record_t),
                                    cycle->log);

        if (db[i]->records == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* a more specific database gave all this one could give */
static ngx_uint_t
ngx_http_cx_geo_answered(ngx_http_cx_geo_t *geo, ngx_http_cx_geoip_t *db)
{
    if (db->kind == NGX_HTTP_CX_GEO_ASN) {
        return geo->asn != CX_NONE;
    }

    return geo->country.len && geo->region.len && geo->city.len
           && geo->has_location;
}


/*
 * One tree lookup; from its record, the fields no database before this one
 * had.  Fields that belong together come from one record or not at all:
 * lat with lon, as_org with its asn.
 */
static void
ngx_http_cx_geo_lookup_db(ngx_http_request_t *r, ngx_http_cx_geoip_t *db,
    ngx_http_cx_geo_t *geo)
{
    int                        status;
    u_char                    *p;
    uint32_t                   offset;
    ngx_int_t                  rc;
    ngx_http_cx_geo_t          record;
    MMDB_lookup_result_s       result;
    ngx_http_cx_geo_record_t  *slot;

    result = MMDB_lookup_sockaddr(db->mmdb, r->connection->sockaddr, &status);

    if (status != MMDB_SUCCESS) {

        /* an IPv6 visitor in an IPv4-only database has no answer there */

        if (status != MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
            ngx_http_cx_geo_error(r->connection->log, db, "lookup", status);
        }

        return;
    }

    if (!result.found_entry) {
        return;
    }

    offset = result.entry.offset + 1;
    slot = NULL;

    if (db->records) {
        slot = &db->records[(offset * 2654435761u)
                            & (NGX_HTTP_CX_GEO_RECORDS - 1)];

        if (slot->generation == ngx_http_cx_geo_generation
            && slot->offset == offset)
        {
            ngx_http_cx_geo_merge(r, db, geo, &slot->geo);
            return;
        }
    }

    rc = ngx_http_cx_geo_record(r, db, &result.entry, &record);

    ngx_http_cx_geo_merge(r, db, geo, &record);

    /* a record with an error is read again next time, and said again */

    if (rc != NGX_OK || slot == NULL
        || record.country.len + record.region.len + record.city.len
           + record.as_org.len > NGX_HTTP_CX_GEO_CACHE_TEXT)
    {
        return;
    }

    slot->offset = offset;
    slot->generation = ngx_http_cx_geo_generation;
    slot->geo = record;

    p = slot->text;
    p = ngx_http_cx_geo_copy(p, &slot->geo.country, &record.country);
    p = ngx_http_cx_geo_copy(p, &slot->geo.region, &record.region);
    p = ngx_http_cx_geo_copy(p, &slot->geo.city, &record.city);
    (void) ngx_http_cx_geo_copy(p, &slot->geo.as_org, &record.as_org);
}


/*
 * Every field a database of this kind can give, from one record; the
 * strings point into the database, valid until the next auto_reload.
 * NGX_ERROR when the database failed to give one.
 */
static ngx_int_t
ngx_http_cx_geo_record(ngx_http_request_t *r, ngx_http_cx_geoip_t *db,
    MMDB_entry_s *entry, ngx_http_cx_geo_t *record)
{
    ngx_int_t          rc;
    ngx_uint_t         failed;
    MMDB_entry_data_s  data;

    ngx_memzero(record, sizeof(ngx_http_cx_geo_t));
    record->asn = CX_NONE;

    if (db->kind == NGX_HTTP_CX_GEO_ASN) {

        rc = ngx_http_cx_geo_value(r, db, entry, ngx_http_cx_geo_asn,
                                   MMDB_DATA_TYPE_UINT32, &data);

        if (rc != NGX_OK) {
            return rc == NGX_ERROR ? NGX_ERROR : NGX_OK;
        }

        record->asn = data.uint32;

        return ngx_http_cx_geo_string(r, db, entry, ngx_http_cx_geo_as_org,
                                      &record->as_org)
               == NGX_ERROR ? NGX_ERROR : NGX_OK;
    }

    /* a field the database fails to give does not take the others */

    failed = ngx_http_cx_geo_string(r, db, entry, ngx_http_cx_geo_country,
                                    &record->country) == NGX_ERROR;
    failed |= ngx_http_cx_geo_string(r, db, entry, ngx_http_cx_geo_region,
                                     &record->region) == NGX_ERROR;
    failed |= ngx_http_cx_geo_string(r, db, entry, ngx_http_cx_geo_city,
                                     &record->city) == NGX_ERROR;
    failed |= ngx_http_cx_geo_location(r, db, entry, record) == NGX_ERROR;

    return failed ? NGX_ERROR : NGX_OK;
}


/*
 * A database's record into the request's geo, for what no database before
 * it gave; strings are copied to the request's pool, as an auto_reload may
 * unmap the database and another request reuse the cache before this one
 * is logged.
 */
static void
ngx_http_cx_geo_merge(ngx_http_request_t *r, ngx_http_cx_geoip_t *db,
    ngx_http_cx_geo_t *geo, ngx_http_cx_geo_t *record)
{
    if (db->kind == NGX_HTTP_CX_GEO_ASN) {

        if (geo->asn == CX_NONE && record->asn != CX_NONE
            && ngx_http_cx_geo_pool_copy(r, &geo->as_org, &record->as_org)
               == NGX_OK)
        {
            geo->asn = record->asn;
        }

        return;
    }

    if (geo->country.len == 0) {
        (void) ngx_http_cx_geo_pool_copy(r, &geo->country, &record->country);
    }

    if (geo->region.len == 0) {
        (void) ngx_http_cx_geo_pool_copy(r, &geo->region, &record->region);
    }

    if (geo->city.len == 0) {
        (void) ngx_http_cx_geo_pool_copy(r, &geo->city, &record->city);
    }

    if (!geo->has_location && record->has_location) {
        geo->lat = record->lat;
        geo->lon = record->lon;
        geo->has_location = 1;
        geo->location_len = record->location_len;
        ngx_memcpy(geo->location, record->location, record->location_len);
    }
}


/*
 * lat and lon of one entry, both on the globe, or neither; NGX_ERROR when
 * the database failed to give them
 */
static ngx_int_t
ngx_http_cx_geo_location(ngx_http_request_t *r, ngx_http_cx_geoip_t *db,
    MMDB_entry_s *entry, ngx_http_cx_geo_t *geo)
{
    double             lat, lon;
    ngx_int_t          rc;
    MMDB_entry_data_s  data;

    rc = ngx_http_cx_geo_value(r, db, entry, ngx_http_cx_geo_latitude,
                               MMDB_DATA_TYPE_DOUBLE, &data);
    if (rc != NGX_OK) {
        return rc;
    }

    lat = data.double_value;

    rc = ngx_http_cx_geo_value(r, db, entry, ngx_http_cx_geo_longitude,
                               MMDB_DATA_TYPE_DOUBLE, &data);
    if (rc != NGX_OK) {
        return rc;
    }

    lon = data.double_value;

    /* written this way round, NaN is refused too */

    if (!(lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0)) {
        return NGX_DECLINED;
    }

    geo->lat = lat;
    geo->lon = lon;
    geo->has_location = 1;

    /* formatted once for all the lines of the place (0: each line does) */
    geo->location_len = (u_char) cx_record_location(geo->location, lat, lon);

    return NGX_OK;
}


/* a string of the entry, in the database's memory; empty when none */
static ngx_int_t
ngx_http_cx_geo_string(ngx_http_request_t *r, ngx_http_cx_geoip_t *db,
    MMDB_entry_s *entry, const char *const *path, ngx_str_t *s)
{
    ngx_int_t          rc;
    MMDB_entry_data_s  data;

    ngx_str_null(s);

    rc = ngx_http_cx_geo_value(r, db, entry, path, MMDB_DATA_TYPE_UTF8_STRING,
                               &data);
    if (rc != NGX_OK) {
        return rc;
    }

    s->data = (u_char *) data.utf8_string;
    s->len = data.data_size;

    return NGX_OK;
}


/* src, if any, into the request's pool as dst */
static ngx_int_t
ngx_http_cx_geo_pool_copy(ngx_http_request_t *r, ngx_str_t *dst,
    ngx_str_t *src)
{
    if (src->len == 0) {
        ngx_str_null(dst);
        return NGX_OK;
    }

    dst->data = ngx_pnalloc(r->pool, src->len);
    if (dst->data == NULL) {
        dst->len = 0;
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src->data, src->len);
    dst->len = src->len;

    return NGX_OK;
}


static ngx_int_t
ngx_http_cx_geo_value(ngx_http_request_t *r, ngx_http_cx_geoip_t *db,
    MMDB_entry_s *entry, const char *const *path, uint32_t type,
    MMDB_entry_data_s *data)
{
    int  status;

    status = MMDB_aget_value(entry, data, path);

    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
        return NGX_DECLINED;
    }

    if (status != MMDB_SUCCESS) {
        ngx_http_cx_geo_error(r->connection->log, db, path[0], status);
        return NGX_ERROR;
    }

    if (!data->has_data || data->type != type) {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* a broken database fails on many requests: say so once a minute */
static void
ngx_http_cx_geo_error(ngx_log_t *log, ngx_http_cx_geoip_t *db,
    const char *what, int status)
{
    if (ngx_time() - db->error_logged < NGX_HTTP_CX_GEO_ERROR_EVERY) {
        return;
    }

    db->error_logged = ngx_time();

    ngx_log_error(NGX_LOG_ERR, log, 0,
                  "cx_geoip2 \"%V\": %s failed: %s", &db->path, what,
                  MMDB_strerror(status));
}


/* auto_reload: a changed file is opened anew; a broken one is not taken */
static void
ngx_http_cx_geo_check(ngx_log_t *log, ngx_http_cx_geoip_t *db)
{
    int               status;
    MMDB_s           *mmdb;
    ngx_file_info_t   fi;

    if (db->auto_reload == 0
        || (ngx_msec_int_t) (ngx_current_msec - db->next_check) < 0)
    {
        return;
    }

    db->next_check = ngx_current_msec + db->auto_reload;

    if (ngx_file_info(db->path.data, &fi) == NGX_FILE_ERROR) {
        if (ngx_time() - db->error_logged >= NGX_HTTP_CX_GEO_ERROR_EVERY) {
            db->error_logged = ngx_time();
            ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                          "cx_geoip2 \"%V\": " ngx_file_info_n " failed, "
                          "keeping the database in use", &db->path);
        }

        return;
    }

    if (ngx_file_uniq(&fi) == db->uniq && ngx_file_mtime(&fi) == db->mtime
        && ngx_file_size(&fi) == db->size)
    {
        return;
    }

    mmdb = ngx_alloc(sizeof(MMDB_s), log);
    if (mmdb == NULL) {
        return;
    }

    status = ngx_http_cx_geo_open(db, mmdb, &fi);

    if (status != MMDB_SUCCESS) {
        ngx_log_error(NGX_LOG_ERR, log,
                      status == MMDB_IO_ERROR ? ngx_errno : 0,
                      "cx_geoip2 \"%V\" cannot be opened: %s, keeping the "
                      "database in use", &db->path, MMDB_strerror(status));
        ngx_free(mmdb);

        /* the same broken file is not tried again until it changes */

        db->uniq = ngx_file_uniq(&fi);
        db->mtime = ngx_file_mtime(&fi);
        db->size = ngx_file_size(&fi);
        return;
    }

    MMDB_close(db->mmdb);

    if (db->allocated) {
        ngx_free(db->mmdb);
    }

    db->mmdb = mmdb;
    db->allocated = 1;

    ngx_http_cx_geo_generation++;

    ngx_log_error(NGX_LOG_NOTICE, log, 0,
                  "cx_geoip2 \"%V\" reloaded: %s built %T", &db->path,
                  mmdb->metadata.database_type,
                  (time_t) mmdb->metadata.build_epoch);
}


/* MMDB_open(), and what the file was, to see it change */
static int
ngx_http_cx_geo_open(ngx_http_cx_geoip_t *db, MMDB_s *mmdb,
    ngx_file_info_t *fi)
{
    int  status;

    status = MMDB_open((char *) db->path.data, MMDB_MODE_MMAP, mmdb);

    if (status == MMDB_SUCCESS) {
        db->uniq = ngx_file_uniq(fi);
        db->mtime = ngx_file_mtime(fi);
        db->size = ngx_file_size(fi);
    }

    return status;
}


/* the address as cx_privacy allows it in the log; NULL data: none */
ngx_str_t
ngx_http_cx_geo_ip(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf)
{
    ngx_str_t           ip;
    ngx_http_cx_ctx_t  *ctx;

    if (lcf->privacy_ip == NGX_HTTP_CX_IP_OFF) {
        ngx_str_null(&ip);
        return ip;
    }

    if (lcf->privacy_ip == NGX_HTTP_CX_IP_FULL) {
        return r->connection->addr_text;
    }

    /* made with the geo, if it was of this address (realip may change it) */

    ctx = ngx_http_cx_get_ctx(r);

    if (ctx && ctx->geo.ip.len
        && ctx->geo_sockaddr == r->connection->sockaddr)
    {
        return ctx->geo.ip;
    }

    ngx_http_cx_geo_anonymized(r, &ip);

    return ip;
}


/* the request's address anonymised, as text; NULL data: none */
static void
ngx_http_cx_geo_anonymized(ngx_http_request_t *r, ngx_str_t *ip)
{
    u_char  *addr;
    size_t   len;
    u_char   bytes[16];

    ngx_str_null(ip);

    switch (r->connection->sockaddr->sa_family) {

#if (NGX_HAVE_INET6)
    case AF_INET6:
        addr = ((struct sockaddr_in6 *) r->connection->sockaddr)
                   ->sin6_addr.s6_addr;
        len = 16;
        break;
#endif

    case AF_INET:
        addr = (u_char *) &((struct sockaddr_in *) r->connection->sockaddr)
                   ->sin_addr.s_addr;
        len = 4;
        break;

    default:
        return;
    }

    ngx_memcpy(bytes, addr, len);
    cx_ip_anonymize(bytes, len);

    ip->data = ngx_pnalloc(r->pool, NGX_INET6_ADDRSTRLEN);
    if (ip->data == NULL) {
        return;
    }

    if (len == 4) {
        ip->len = cx_ip_text4(bytes, ip->data);

    } else {
        ip->len = ngx_inet_ntop(AF_INET6, bytes, ip->data,
                                NGX_INET6_ADDRSTRLEN);
    }
}


char *
ngx_http_cx_geoip2_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_main_conf_t *mcf = conf;

    int                    status;
    ngx_str_t             *value, s;
    ngx_uint_t             i;
    ngx_file_info_t        fi;
    ngx_pool_cleanup_t    *cln;
    ngx_http_cx_geoip_t   *db, **dbs, **slot;

    value = cf->args->elts;

    db = ngx_pcalloc(cf->pool, sizeof(ngx_http_cx_geoip_t));
    if (db == NULL) {
        return NGX_CONF_ERROR;
    }

    db->path = value[1];

    if (ngx_conf_full_name(cf->cycle, &db->path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "auto_reload=", 12) == 0) {
            s.data = value[i].data + 12;
            s.len = value[i].len - 12;

            db->auto_reload = ngx_parse_time(&s, 0);

            if (db->auto_reload == (ngx_msec_t) NGX_ERROR
                || db->auto_reload == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid auto_reload \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown cx_geoip2 parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (ngx_file_info(db->path.data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "cx_geoip2 \"%V\" cannot be opened", &db->path);
        return NGX_CONF_ERROR;
    }

    db->mmdb = ngx_pcalloc(cf->pool, sizeof(MMDB_s));
    if (db->mmdb == NULL) {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    status = ngx_http_cx_geo_open(db, db->mmdb, &fi);

    if (status != MMDB_SUCCESS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf,
                           status == MMDB_IO_ERROR ? ngx_errno : 0,
                           "cx_geoip2 \"%V\" cannot be opened: %s",
                           &db->path, MMDB_strerror(status));
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_cx_geo_cleanup;
    cln->data = db;

    db->kind = ngx_http_cx_geo_kind(db->mmdb);

    if (mcf->geoip == NULL) {
        mcf->geoip = ngx_array_create(cf->pool, 2,
                                      sizeof(ngx_http_cx_geoip_t *));
        if (mcf->geoip == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    slot = ngx_array_push(mcf->geoip);
    if (slot == NULL) {
        return NGX_CONF_ERROR;
    }

    /* kept in precedence order, so that the directives' order is not */

    dbs = mcf->geoip->elts;

    while (slot > dbs && ngx_http_cx_geo_before(db, slot[-1])) {
        slot[0] = slot[-1];
        slot--;
    }

    *slot = db;

    return NGX_CONF_OK;
}


/* the kind is the database's own word, not its file name */
static ngx_uint_t
ngx_http_cx_geo_kind(MMDB_s *mmdb)
{
    const char  *type;

    type = mmdb->metadata.database_type;

    if (type == NULL) {
        return NGX_HTTP_CX_GEO_OTHER;
    }

    if (ngx_strstr(type, "ASN")) {
        return NGX_HTTP_CX_GEO_ASN;
    }

    if (ngx_strstr(type, "City") || ngx_strstr(type, "Enterprise")) {
        return NGX_HTTP_CX_GEO_CITY;
    }

    if (ngx_strstr(type, "Country")) {
        return NGX_HTTP_CX_GEO_COUNTRY;
    }

    return NGX_HTTP_CX_GEO_OTHER;
}


/* the more specific kind first; of two of a kind, the path first in bytes */
static ngx_int_t
ngx_http_cx_geo_before(ngx_http_cx_geoip_t *a, ngx_http_cx_geoip_t *b)
{
    if (a->kind != b->kind) {
        return a->kind < b->kind;
    }

    return ngx_strcmp(a->path.data, b->path.data) < 0;
}


char *
ngx_http_cx_privacy_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_str_t  *value;

    if (lcf->privacy_ip != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "ip=anonymize") == 0) {
        lcf->privacy_ip = NGX_HTTP_CX_IP_ANONYMIZE;

    } else if (ngx_strcmp(value[1].data, "ip=full") == 0) {
        lcf->privacy_ip = NGX_HTTP_CX_IP_FULL;

    } else if (ngx_strcmp(value[1].data, "ip=off") == 0) {
        lcf->privacy_ip = NGX_HTTP_CX_IP_OFF;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cx_privacy \"%V\", it must be "
                           "\"ip=anonymize\", \"ip=full\" or \"ip=off\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_cx_geo_cleanup(void *data)
{
    ngx_http_cx_geoip_t  *db = data;

    MMDB_close(db->mmdb);

    if (db->allocated) {
        ngx_free(db->mmdb);
    }
}
