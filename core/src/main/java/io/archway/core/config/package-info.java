/** The config model (immutable records), its parsing and validation with precise paths. */
package io.archway.core.config;
