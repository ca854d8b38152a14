/* cli.h - the broadsheet command line. Exit codes follow sysexits(3): 0 ok, 64 usage error,
 * 66 no such site, 69 cannot listen, 70 internal error, 73 cannot create, 78 bad configuration. */
#ifndef BROADSHEET_CLI_H
#define BROADSHEET_CLI_H

/* cli_main: runs the command in argv; returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
