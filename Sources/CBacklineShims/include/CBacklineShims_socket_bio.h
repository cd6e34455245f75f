// TLS straight over a socket: a BIO whose reads and writes are single non-blocking recv/send
// calls (MSG_DONTWAIT, and MSG_NOSIGNAL so a vanished peer is an error, not SIGPIPE) on a
// socket that otherwise stays blocking. OpenSSL encrypts into and decrypts from the kernel's
// buffers with no memory BIO between them. Every symbol is prefixed CBacklineShims_.
#ifndef CBACKLINE_SHIMS_SOCKET_BIO_H
#define CBACKLINE_SHIMS_SOCKET_BIO_H

#include <openssl/ssl.h>

/// Wires `ssl` to socket `fd` through that BIO (the SSL owns the BIO; the socket stays the
/// caller's) and sets what a pump over a non-blocking transport needs: partial writes with a
/// moving buffer, read-ahead into a `read_buffer_bytes` buffer (fewer recv calls), and an EOF
/// without close_notify read as a close (the HTTP framing above catches a truncated message).
/// Returns 1, or 0 with OpenSSL's error queue set.
int CBacklineShims_SSL_set_socket(SSL *ssl, int fd, size_t read_buffer_bytes);

#endif
