/** Key material from the config's certificate entries, its checks, and the TLS contexts built from it. */
package io.archway.core.tls;
