#!/bin/sh
# Prints the nginx snippet of the Debian package
# (/etc/nginx/snippets/falconieri.conf) made from nginx/falconieri.conf,
# so that the two never differ but where they must: the snippet is the
# body of that file's server {} block, without its listen and server_name
# (the including server has its own), with the upstream's address in
# fastcgi_pass (a snippet cannot declare an upstream, which belongs to
# the http level) and so without fastcgi_keep_conn, and with the
# operator page where the package installs it.
# Usage: scripts/nginx-snippet.sh [nginx/falconieri.conf]
set -e
conf=${1:-nginx/falconieri.conf}

cat <<'HEAD'
# Falconieri inside one nginx server {} block, as the Debian package
# installs it; a site reads
#
#   server {
#       listen 8080;
#       include snippets/falconieri.conf;
#   }
#
# Falconieri listens for FastCGI on the address of fastcgi_pass
# (falconieri.service or falconieri.socket).  nginx opens one FastCGI
# connection per request here; the repository's nginx/falconieri.conf,
# which this snippet is made from, shows the kept-alive form.
HEAD

awk '
/^upstream falconieri *\{/ { up = 1; next }
up && /^ *server / { addr = $2; sub(/;$/, "", addr) }
up && /^\}/ { up = 0; next }
/^server *\{/ { srv = 1; next }
srv && /^\}/ { srv = 0; next }
srv {
	if ($1 == "listen" || $1 == "server_name" || $1 == "fastcgi_keep_conn")
		next
	if (addr == "") { print "no upstream before the server block" >"/dev/stderr"; exit 1 }
	gsub(/fastcgi_pass falconieri;/, "fastcgi_pass " addr ";")
	gsub(/\/usr\/local\/share\/falconieri\/www/, "/usr/share/falconieri/www")
	sub(/^    /, "")
	print
}
' "$conf"
