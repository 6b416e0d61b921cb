/** Who may reach the admin API: the bearer token and the rule against exposing it unprotected. */
package io.archway.admin.auth;
