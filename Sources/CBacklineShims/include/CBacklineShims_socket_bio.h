// TLS straight over a socket: a BIO whose reads and writes are non-blocking recv/send calls
// (MSG_DONTWAIT, and MSG_NOSIGNAL so a vanished peer is an error, not SIGPIPE) on a socket that
// otherwise stays blocking. Reads go from the kernel into OpenSSL's read-ahead buffer; written
// records are gathered into 64 KiB sends (OpenSSL 3.0 writes one 16 KiB record at a time), sent
// when the buffer fills or on CBacklineShims_SSL_flush. Every symbol is prefixed CBacklineShims_.
#ifndef CBACKLINE_SHIMS_SOCKET_BIO_H
#define CBACKLINE_SHIMS_SOCKET_BIO_H

#include <openssl/ssl.h>

/// Wires `ssl` to socket `fd` through that BIO (the SSL owns the BIO; the socket stays the
/// caller's) and sets what a pump over a non-blocking transport needs: partial writes with a
/// moving buffer, read-ahead into a `read_buffer_bytes` buffer (fewer recv calls), and an EOF
/// without close_notify read as a close (the HTTP framing above catches a truncated message).
/// Returns 1, or 0 with OpenSSL's error queue set.
int CBacklineShims_SSL_set_socket(SSL *ssl, int fd, size_t read_buffer_bytes);

/// Sends the records `ssl`'s socket BIO still holds: 1 when all went, 0 when the socket is full
/// (wait until it is writable and call again), -1 when sending failed (errno says why).
int CBacklineShims_SSL_flush(SSL *ssl);

#endif
