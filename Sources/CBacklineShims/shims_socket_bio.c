#include "CBacklineShims_socket_bio.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

static BIO_METHOD *socket_method;
static pthread_once_t socket_method_once = PTHREAD_ONCE_INIT;

static int socket_fd(BIO *bio) { return (int)(intptr_t)BIO_get_data(bio); }

static int socket_write(BIO *bio, const char *data, size_t length, size_t *written) {
    BIO_clear_retry_flags(bio);
    for (;;) {
        ssize_t count = send(socket_fd(bio), data, length, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (count >= 0) {
            *written = (size_t)count;
            return 1;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
        return 0;
    }
}

static int socket_read(BIO *bio, char *data, size_t length, size_t *read_bytes) {
    BIO_clear_retry_flags(bio);
    for (;;) {
        ssize_t count = recv(socket_fd(bio), data, length, MSG_DONTWAIT);
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
    switch (command) {
    case BIO_CTRL_FLUSH: return 1;  // nothing is buffered here
    case BIO_CTRL_EOF: return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0;
    case BIO_C_GET_FD:  // a descriptor BIO answers SSL_get_fd and BIO_get_fd
        if (pointer != NULL) *(int *)pointer = socket_fd(bio);
        return socket_fd(bio);
    default: return 0;
    }
}

static int socket_create(BIO *bio) {
    BIO_set_init(bio, 1);
    return 1;
}

static void make_socket_method(void) {
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "backline socket");
    if (method == NULL) return;
    if (!BIO_meth_set_write_ex(method, socket_write) || !BIO_meth_set_read_ex(method, socket_read) ||
        !BIO_meth_set_ctrl(method, socket_ctrl) || !BIO_meth_set_create(method, socket_create)) {
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
    BIO_set_data(bio, (void *)(intptr_t)fd);
    SSL_set_bio(ssl, bio, bio);
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_options(ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_set_read_ahead(ssl, 1);
    SSL_set_default_read_buffer_len(ssl, read_buffer_bytes);
    return 1;
}
