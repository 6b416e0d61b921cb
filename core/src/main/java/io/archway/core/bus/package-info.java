/** The event bus addresses of the contract. */
package io.archway.core.bus;
