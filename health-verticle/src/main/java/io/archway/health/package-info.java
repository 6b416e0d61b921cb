/** The health verticle: probes every target of every pool and reports each change of its health. */
package io.archway.health;
