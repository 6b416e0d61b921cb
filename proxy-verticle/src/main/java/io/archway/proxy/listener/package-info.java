/** A bound listener: accepts clients, starts their relays, and drains them when it stops. */
package io.archway.proxy.listener;
