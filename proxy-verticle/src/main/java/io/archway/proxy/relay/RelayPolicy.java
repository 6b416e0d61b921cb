package io.archway.proxy.relay;

import io.micrometer.core.instrument.Counter;
import java.util.function.Consumer;

/**
 * What a listener asks of each relay it starts: its timeouts, where to count bytes, and whom to tell
 * when the relay is finished. Built once per listener config, shared by its relays.
 *
 * @param idleNanos closes a connection with no byte in either direction for this long
 * @param halfCloseNanos closes a connection this long after the first side shut its output
 * @param bytesIn counts bytes read from the client
 * @param bytesOut counts bytes read from the backend (and written to the client)
 * @param onFinished called once on the event loop when both channels are closed
 */
public record RelayPolicy(
    long idleNanos, long halfCloseNanos, Counter bytesIn, Counter bytesOut, Consumer<Relay> onFinished) {}
