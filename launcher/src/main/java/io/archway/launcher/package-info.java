/** The launcher's entry point: {@code run}, {@code demo} and {@code validate}. */
package io.archway.launcher;
