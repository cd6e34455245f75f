// Function-like macros and cast-expression constants of OpenSSL and SQLite, as real functions
// Swift can call. Every symbol is prefixed CBacklineShims_.
#ifndef CBACKLINE_SHIMS_H
#define CBACKLINE_SHIMS_H

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sqlite3.h>

long CBacklineShims_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
long CBacklineShims_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long CBacklineShims_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long CBacklineShims_SSL_CTX_set_options(SSL_CTX *ctx, unsigned long options);
long CBacklineShims_SSL_set_tlsext_host_name(SSL *ssl, const char *name);
long CBacklineShims_BIO_get_mem_data(BIO *bio, char **data);
int CBacklineShims_sk_X509_num(const STACK_OF(X509) *stack);
X509 *CBacklineShims_sk_X509_value(const STACK_OF(X509) *stack, int index);
int CBacklineShims_sk_GENERAL_NAME_num(const GENERAL_NAMES *names);
GENERAL_NAME *CBacklineShims_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index);
void CBacklineShims_GENERAL_NAMES_free(GENERAL_NAMES *names);
int CBacklineShims_ERR_GET_REASON(unsigned long error);
int CBacklineShims_ERR_GET_LIB(unsigned long error);

// Added for BacklineTransport (PKI and TLS).
/// A fresh EC key on the named curve (EVP_EC_gen is a macro over a variadic function).
EVP_PKEY *CBacklineShims_EVP_EC_gen(const char *curve);
long CBacklineShims_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);
void CBacklineShims_OPENSSL_free(void *pointer);
/// Type and IA5 value of a GENERAL_NAME, without touching its union from Swift.
int CBacklineShims_GENERAL_NAME_type(const GENERAL_NAME *name);
const ASN1_IA5STRING *CBacklineShims_GENERAL_NAME_ia5(const GENERAL_NAME *name);
/// SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE
/// (SSL_OP_BIT is a cast expression Swift cannot import).
unsigned long CBacklineShims_SSL_OP_backline_strict(void);

/// SQLITE_TRANSIENT is a cast expression Swift cannot import.
extern const sqlite3_destructor_type CBacklineShims_SQLITE_TRANSIENT;

#include "CBacklineShims_sqlite.h"
#include "CBacklineShims_socket_bio.h"

#endif
