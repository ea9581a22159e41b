/*
 * listen.h - the FastCGI socket of --listen, opened by Falconieri itself
 * rather than by libfcgi's FCGX_OpenSocket, which deletes whatever file
 * is at a Unix socket's path (a live instance's socket, a regular file)
 * and exits on its own with its own words when a port is busy.
 */
#ifndef FAL_LISTEN_H
#define FAL_LISTEN_H

/*
 * A listening socket on addr: "HOST:PORT" (":PORT" for every interface,
 * "[::1]:PORT" for IPv6) or the path of a Unix socket.  A path where a
 * file that is not a socket stands is refused, and so is a socket another
 * process still accepts on; only a stale socket (nobody listening) is
 * replaced.  Returns the descriptor, or -1 with the reason, naming addr,
 * printed on standard error.
 */
int fal_listen_open(const char *addr);

#endif
