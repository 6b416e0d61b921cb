/** How a pool picks the target for a new connection. */
package io.archway.proxy.balance;
