/** The command line: commands, options and their environment variables. */
package io.archway.launcher.cli;
