/* listen.c - see listen.h. */
#include "listen.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * Queue of connections not yet accepted: the kernel's most (its
 * net.core.somaxconn caps it; systemd's Backlog= defaults to the same).
 * A burst opens a connection per request at once while the pool is still
 * starting threads; with 128, 200 PUTs at once overflowed it on a busy
 * machine, the kernel dropped nginx's SYNs, and nginx connected again
 * only after 1 s (docs/performance.md, "Bursts").
 */
#define BACKLOG SOMAXCONN

/* Prints "falconieri: --listen ADDR: what" and returns -1. */
static int
refuse(const char *addr, const char *what)
{
	fprintf(stderr, "falconieri: --listen %s: %s\n", addr, what);
	return -1;
}

/* Binds and listens fd on sa, closing it on failure; fd or -1 with why. */
static int
bind_listen(int fd, const struct sockaddr *sa, socklen_t len,
	    const char *addr)
{
	const char *step = "cannot create a socket";

	if (fd >= 0) {
		step = "cannot bind";
		if (bind(fd, sa, len) == 0) {
			step = "cannot listen";
			if (listen(fd, BACKLOG) == 0)
				return fd;
		}
	}
	fprintf(stderr, "falconieri: --listen %s: %s: %s\n", addr, step,
		strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/*
 * Whether some process accepts connections on the Unix socket at sa:
 * 1 yes, 0 no (stale: nobody listening), -1 cannot tell (errno).
 */
static int
socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (rc == 0)
		return 1;
	return errno == ECONNREFUSED ? 0 : -1;
}

/* The Unix socket at path: see fal_listen_open. */
static int
open_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof(sa.sun_path))
		return refuse(path, "path too long for a Unix socket");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return refuse(path, "exists and is not a socket; "
				      "not replaced");
		switch (socket_alive(&sa)) {
		case 1:
			return refuse(path, "a process is listening on this "
				      "socket (another instance?)");
		case 0:
			/* Stale: left by a process that is gone. */
			if (unlink(path) != 0 && errno != ENOENT)
				return refuse(path, "cannot remove the stale "
					      "socket");
			break;
		default:
			return refuse(path, "cannot tell whether the socket "
				      "there is in use");
		}
	} else if (errno != ENOENT) {
		return refuse(path, strerror(errno));
	}
	return bind_listen(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
			   (struct sockaddr *)&sa, sizeof(sa), path);
}

/* The TCP socket at host:port (host "" for every interface). */
static int
open_tcp(const char *addr, char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai;
	int fd, rc, one = 1;
	size_t n = strlen(host);

	/* "[::1]:9000": the brackets are the URL notation, not the name. */
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		host++;
	}
	if ((rc = getaddrinfo(*host != '\0' ? host : NULL, port, &hints,
			      &ai)) != 0)
		return refuse(addr, gai_strerror(rc));
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
	/* A restart must not wait for the old connections' TIME_WAIT. */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	fd = bind_listen(fd, ai->ai_addr, ai->ai_addrlen, addr);
	freeaddrinfo(ai);
	return fd;
}

int
fal_listen_open(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	char *host;
	int fd;

	/* As libfcgi reads it: a port after the last ':', else a path. */
	if (colon == NULL || colon[1] == '\0' ||
	    colon[1 + strspn(colon + 1, "0123456789")] != '\0')
		return open_unix(addr);
	if ((host = strndup(addr, (size_t)(colon - addr))) == NULL)
		return refuse(addr, "out of memory");
	fd = open_tcp(addr, host, colon + 1);
	free(host);
	return fd;
}
