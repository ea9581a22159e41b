/*
 * main.c - the falconieri program (SPEC §4): reads its arguments and
 * configuration, then serves FastCGI (on --listen, a systemd or spawner
 * socket) or answers one CGI request.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fcgiapp.h>

#include "../batch/store.h"
#include "../lib/config.h"
#include "../lib/log.h"
#include "../lib/secret.h"
#include "../lib/version.h"
#include "../providers/table.h"
#include "batch_service.h"
#include "cgi_mode.h"
#include "fastcgi.h"
#include "listen.h"

#define DEFAULT_WORKERS 512
#define MAX_WORKERS 1024

struct options {
	const char *config_path;
	const char *listen;
	int workers;
	int check_config;
	int batch_runner;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: falconieri [-c FILE] [--listen ADDR] [--workers N] [--batch-runner]\n"
"                  [--check-config] [--version] [--help]\n"
"\n"
"  -c, --config FILE   configuration file (default " FAL_CONFIG_DEFAULT_PATH ")\n"
"  --listen ADDR       open the FastCGI socket ADDR itself: HOST:PORT or a path\n"
"  --workers N         most requests served at once (default %d)\n"
"  --batch-runner      run only the batch runner (no FastCGI) until SIGTERM\n"
"  --check-config      load the configuration, print the enabled providers, exit\n"
"  --version           print the version and exit\n"
"  --help              print this help and exit\n"
"\n"
"Without --listen, falconieri serves FastCGI on standard input when it is a\n"
"socket (spawn-fcgi, systemd StandardInput=socket), and otherwise answers one\n"
"CGI request.  Environment variables override the file (see falconieri(8)).\n",
		DEFAULT_WORKERS);
}

/* Parses argv into opts; returns -1 to exit 0, 1 on a usage error, else 0. */
static int
parse_args(int argc, char **argv, struct options *opts)
{
	enum { OPT_LISTEN = 256, OPT_WORKERS, OPT_CHECK, OPT_VERSION, OPT_HELP,
	       OPT_RUNNER };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "batch-runner", no_argument, NULL, OPT_RUNNER },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config_path = optarg;
			break;
		case OPT_LISTEN:
			opts->listen = optarg;
			break;
		case OPT_WORKERS:
			opts->workers = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || opts->workers < 1 ||
			    opts->workers > MAX_WORKERS) {
				fprintf(stderr, "falconieri: --workers: expected "
					"1 to %d, got '%s'\n", MAX_WORKERS, optarg);
				return 1;
			}
			break;
		case OPT_CHECK:
			opts->check_config = 1;
			break;
		case OPT_RUNNER:
			opts->batch_runner = 1;
			break;
		case OPT_VERSION:
			printf("falconieri %s\n", FAL_VERSION);
			return -1;
		case OPT_HELP:
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "falconieri: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	return 0;
}

/* Loads and prepares the configuration; 0, or 1 with the reason printed. */
static int
load_config(struct fal_config *cfg, const char *path)
{
	char err[512];

	if (fal_providers_config_load(cfg, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "falconieri: %s\n", err);
		return 1;
	}
	if (cfg->batch_store[0] != '\0' && fal_store_kind(cfg->batch_store) == NULL) {
		/* The value may hold a password: it is not repeated. */
		fprintf(stderr, "falconieri: batch_store: expected \"sqlite:PATH\", "
			"\"postgresql://...\" or \"\"\n");
		fal_config_free(cfg);
		return 1;
	}
	if (fal_providers_prepare(cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "falconieri: %s\n", err);
		fal_config_free(cfg);
		return 1;
	}
	/* After prepare: Fanvil's derived password is what goes out.  A
	 * batch_store URI's password is masked like the vendors' secrets. */
	if (fal_secret_add_config(cfg) != 0 ||
	    fal_secret_add_uri_password(cfg->batch_store) != 0) {
		fprintf(stderr, "falconieri: out of memory\n");
		fal_config_free(cfg);
		return 1;
	}
	return 0;
}

/* Said by --check-config, and logged at start, when the gateway is open. */
static const char no_tokens[] = "no API token configured: every client may call";

/* The batch store: a SQLite path is shown, a PostgreSQL URI is not. */
static void
print_store(const struct fal_config *cfg)
{
	const char *kind = fal_store_kind(cfg->batch_store);

	if (kind == NULL)
		printf("batch store: none (batches off)\n");
	else if (strcmp(kind, "sqlite") == 0)
		printf("batch store: %s, %ld runner threads, %ld calls per "
		       "provider\n", cfg->batch_store, cfg->batch_workers,
		       cfg->batch_per_vendor);
	else
		printf("batch store: %s (URI not shown)\n", kind);
}

static void
print_enabled(const struct fal_config *cfg)
{
	int any = 0;

	printf("enabled providers:");
	for (int id = 0; id < FAL_PROVIDER__MAX; id++)
		if (fal_provider_enabled(cfg, id)) {
			printf(" %s", fal_provider_name(id));
			any = 1;
		}
	printf("%s\n", any ? "" : " (none)");
	if (cfg->n_api_tokens == 0)
		printf("%s\n", no_tokens);
	else
		printf("API tokens configured: %zu\n", cfg->n_api_tokens);
	print_store(cfg);
}

/*
 * The FastCGI socket: --listen, systemd's LISTEN_FDS (fd 3), or standard
 * input when it is a listening socket.  -1: CGI mode; -2: error.
 */
static int
listen_socket(const char *listen)
{
	const char *pid = getenv("LISTEN_PID");
	int fd;

	if (listen != NULL)
		return (fd = fal_listen_open(listen)) < 0 ? -2 : fd;
	if (pid != NULL && atol(pid) == (long)getpid() &&
	    getenv("LISTEN_FDS") != NULL && atoi(getenv("LISTEN_FDS")) >= 1)
		return 3;
	return FCGX_IsCGI() ? -1 : 0;
}

/*
 * Blocks SIGTERM and SIGINT before any thread starts, so that every
 * thread inherits the mask and the main thread alone waits for them.
 */
static void
block_stop_signals(void)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
}

/* Serves FastCGI or one CGI request, with batches when configured. */
static int
serve(const struct fal_config *cfg, const struct options *opts)
{
	struct fal_batch_service bs;
	int fd, rc;

	FCGX_Init();
	if ((fd = listen_socket(opts->listen)) == -2)
		return 1;
	if (cfg->n_api_tokens == 0)
		fal_log_msg(cfg->log_format, "warning", "%s", no_tokens);
	/* A CGI process lives for one request: it runs no batches. */
	if (fd != -1)
		block_stop_signals();
	if (fal_batch_service_start(&bs, cfg, true, fd != -1) != 0)
		return 1;
	if (fd == -1)
		rc = fal_cgi_run(cfg, fal_batch_service_routes(&bs));
	else
		rc = fal_fastcgi_run(cfg, fd, opts->workers,
				     opts->listen != NULL,
				     fal_batch_service_routes(&bs));
	fal_batch_service_stop(&bs);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options opts = { FAL_CONFIG_DEFAULT_PATH, NULL, DEFAULT_WORKERS,
				0, 0 };
	struct fal_config cfg;
	int rc;

	if ((rc = parse_args(argc, argv, &opts)) != 0)
		return rc < 0 ? 0 : 2;
	if (load_config(&cfg, opts.config_path) != 0)
		return 1;
	if (opts.check_config) {
		print_enabled(&cfg);
		fal_config_free(&cfg);
		return 0;
	}
	/* curl runs with CURLOPT_NOSIGNAL: a vendor closing on us must not kill
	 * the process, nor must a client gone before its CGI answer. */
	signal(SIGPIPE, SIG_IGN);
	/* A supervisor's reload (or a closed terminal) sends SIGHUP, which
	 * would kill the process mid-request: there is nothing to reload
	 * (configuration changes need a restart), so it is ignored. */
	signal(SIGHUP, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (opts.batch_runner) {
		block_stop_signals();
		rc = fal_batch_runner_main(&cfg);
	} else {
		rc = serve(&cfg, &opts);
	}
	fal_config_free(&cfg);
	fal_secret_forget_all();
	curl_global_cleanup();
	return rc;
}
