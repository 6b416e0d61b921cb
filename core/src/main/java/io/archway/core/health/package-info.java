/** Target health: this node's view for the proxies, and the cluster-wide board for the admin. */
package io.archway.core.health;
