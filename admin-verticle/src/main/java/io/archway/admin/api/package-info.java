/** The {@code /api} resources: the cluster's config, target health and nodes. */
package io.archway.admin.api;
