/** The page served at {@code /}. */
package io.archway.admin.dashboard;
