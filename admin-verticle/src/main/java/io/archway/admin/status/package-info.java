/** {@code /healthz} and {@code /readyz}: whether the node runs and whether it serves traffic. */
package io.archway.admin.status;
