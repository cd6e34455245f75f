#include "CBacklineShims.h"

long CBacklineShims_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
long CBacklineShims_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}
long CBacklineShims_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
long CBacklineShims_SSL_CTX_set_options(SSL_CTX *ctx, unsigned long options) {
    return (long)SSL_CTX_set_options(ctx, options);
}
long CBacklineShims_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
long CBacklineShims_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
int CBacklineShims_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
X509 *CBacklineShims_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
int CBacklineShims_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }
GENERAL_NAME *CBacklineShims_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
void CBacklineShims_GENERAL_NAMES_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }
int CBacklineShims_ERR_GET_REASON(unsigned long error) { return ERR_GET_REASON(error); }
int CBacklineShims_ERR_GET_LIB(unsigned long error) { return ERR_GET_LIB(error); }

EVP_PKEY *CBacklineShims_EVP_EC_gen(const char *curve) { return EVP_EC_gen(curve); }
long CBacklineShims_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
void CBacklineShims_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }
int CBacklineShims_GENERAL_NAME_type(const GENERAL_NAME *name) { return name->type; }
const ASN1_IA5STRING *CBacklineShims_GENERAL_NAME_ia5(const GENERAL_NAME *name) {
    if (name->type == GEN_URI) return name->d.uniformResourceIdentifier;
    if (name->type == GEN_DNS) return name->d.dNSName;
    if (name->type == GEN_EMAIL) return name->d.rfc822Name;
    return NULL;
}
unsigned long CBacklineShims_SSL_OP_backline_strict(void) {
    return (unsigned long)(SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION |
                           SSL_OP_CIPHER_SERVER_PREFERENCE);
}

const sqlite3_destructor_type CBacklineShims_SQLITE_TRANSIENT = SQLITE_TRANSIENT;
