/** Logging helpers shared by the verticles. */
package io.archway.core.log;
