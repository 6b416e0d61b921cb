/** Real loopback servers and helpers that the tests of every module share. */
package io.archway.core.testing;
