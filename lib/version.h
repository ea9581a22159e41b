/* version.h - Falconieri's version, sent in User-Agent and --version. */
#ifndef FAL_VERSION_H
#define FAL_VERSION_H

#define FAL_VERSION "0.1.0"
#define FAL_USER_AGENT "Falconieri/" FAL_VERSION

#endif
