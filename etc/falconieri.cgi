#!/bin/sh
# The CGI entry of Falconieri: a web server runs this script once per
# request, with the request in its environment and body on standard input.
# It names the configuration file, which a CGI program cannot get as an
# argument.  Keep conf.json outside the web server's document root, and
# readable by the user the CGI programs run as.
exec /usr/local/bin/falconieri -c /opt/falconieri/conf.json
