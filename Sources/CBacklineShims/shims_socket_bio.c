#include "CBacklineShims_socket_bio.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/// OpenSSL 3.0 hands the BIO one TLS record (at most 16 KiB + 22 bytes) per write. Records are
/// gathered here up to this many bytes and sent in one `send`, on a full buffer or a flush.
#define BACKLINE_SEND_BUFFER_BYTES (64 * 1024)

/// The BIO's state: its socket and the records not yet sent.
typedef struct {
    int fd;
    unsigned char *pending;  // BACKLINE_SEND_BUFFER_BYTES, allocated at the first buffered write
    size_t start;            // first byte not yet sent
    size_t end;              // one past the last buffered byte
} socket_state;

static BIO_METHOD *socket_method;
static pthread_once_t socket_method_once = PTHREAD_ONCE_INIT;

static socket_state *state_of(BIO *bio) { return (socket_state *)BIO_get_data(bio); }

/// Sends `length` bytes once; returns the count, or -1 with errno (EAGAIN when the socket is full).
static ssize_t send_once(int fd, const void *data, size_t length) {
    for (;;) {
        ssize_t count = send(fd, data, length, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (count >= 0 || errno != EINTR) return count;
    }
}

/// Sends what is buffered. 1 when everything went, 0 when the socket is full (retry flag set)
/// or failed (errno kept, no retry flag).
static int drain(BIO *bio) {
    socket_state *state = state_of(bio);
    while (state->start < state->end) {
        ssize_t count = send_once(state->fd, state->pending + state->start, state->end - state->start);
        if (count < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
            return 0;
        }
        state->start += (size_t)count;
    }
    state->start = state->end = 0;
    return 1;
}

static int socket_write(BIO *bio, const char *data, size_t length, size_t *written) {
    BIO_clear_retry_flags(bio);
    socket_state *state = state_of(bio);
    if (state->end + length > BACKLINE_SEND_BUFFER_BYTES && !drain(bio)) return 0;
    if (length >= BACKLINE_SEND_BUFFER_BYTES) {  // too big to gather: straight out
        ssize_t count = send_once(state->fd, data, length);
        if (count < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
            return 0;
        }
        *written = (size_t)count;
        return 1;
    }
    if (state->pending == NULL && (state->pending = malloc(BACKLINE_SEND_BUFFER_BYTES)) == NULL) {
        errno = ENOMEM;
        return 0;
    }
    memcpy(state->pending + state->end, data, length);
    state->end += length;
    *written = length;
    return 1;
}

static int socket_read(BIO *bio, char *data, size_t length, size_t *read_bytes) {
    BIO_clear_retry_flags(bio);
    for (;;) {
        ssize_t count = recv(state_of(bio)->fd, data, length, MSG_DONTWAIT);
        if (count > 0) {
            *read_bytes = (size_t)count;
            return 1;
        }
        if (count < 0 && errno == EINTR) continue;
        if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            BIO_set_retry_read(bio);
            return 0;
        }
        // End of stream; a reset counts as one, as a plain recv loop would treat it.
        if (count == 0 || errno == ECONNRESET) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
        return 0;
    }
}

static long socket_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)number;
    socket_state *state = state_of(bio);
    switch (command) {
    case BIO_CTRL_FLUSH:
        BIO_clear_retry_flags(bio);
        return drain(bio);
    case BIO_CTRL_WPENDING: return (long)(state->end - state->start);
    case BIO_CTRL_PENDING: return 0;
    case BIO_CTRL_EOF: return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0;
    case BIO_C_GET_FD:  // a descriptor BIO answers SSL_get_fd and BIO_get_fd
        if (pointer != NULL) *(int *)pointer = state->fd;
        return state->fd;
    default: return 0;
    }
}

static int socket_create(BIO *bio) {
    socket_state *state = calloc(1, sizeof(socket_state));
    if (state == NULL) return 0;
    state->fd = -1;
    BIO_set_data(bio, state);
    BIO_set_init(bio, 1);
    return 1;
}

static int socket_destroy(BIO *bio) {
    socket_state *state = state_of(bio);
    if (state != NULL) {
        free(state->pending);
        free(state);
        BIO_set_data(bio, NULL);
    }
    return 1;
}

static void make_socket_method(void) {
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "backline socket");
    if (method == NULL) return;
    if (!BIO_meth_set_write_ex(method, socket_write) || !BIO_meth_set_read_ex(method, socket_read) ||
        !BIO_meth_set_ctrl(method, socket_ctrl) || !BIO_meth_set_create(method, socket_create) ||
        !BIO_meth_set_destroy(method, socket_destroy)) {
        BIO_meth_free(method);
        return;
    }
    socket_method = method;
}

int CBacklineShims_SSL_set_socket(SSL *ssl, int fd, size_t read_buffer_bytes) {
    pthread_once(&socket_method_once, make_socket_method);
    if (socket_method == NULL) return 0;
    BIO *bio = BIO_new(socket_method);
    if (bio == NULL) return 0;
    state_of(bio)->fd = fd;
    SSL_set_bio(ssl, bio, bio);
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_options(ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_set_read_ahead(ssl, 1);
    SSL_set_default_read_buffer_len(ssl, read_buffer_bytes);
    return 1;
}

int CBacklineShims_SSL_flush(SSL *ssl) {
    BIO *bio = SSL_get_wbio(ssl);
    if (bio == NULL) return 1;
    if (BIO_flush(bio) == 1) return 1;
    return BIO_should_retry(bio) ? 0 : -1;
}
