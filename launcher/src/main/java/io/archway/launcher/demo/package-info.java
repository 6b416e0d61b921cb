/** The built-in backends of {@code archway demo}. */
package io.archway.launcher.demo;
