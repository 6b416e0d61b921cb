/** What the verticles of one node share: name, metrics, health view, status, config apply. */
package io.archway.core.node;
