package io.archway.proxy.websocket;

import io.vertx.core.Promise;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketBase;

/**
 * Relays the frames of two WebSockets both ways, as they come (text stays text, fragments stay
 * fragments), with backpressure: when one side's write queue is full, the other side stops being read
 * until it drains. A close frame from either side is passed on with its status and reason. Pings are
 * answered by each side itself.
 */
public final class FrameRelay {

  private final WebSocketBase client;
  private final WebSocketBase target;
  private final Promise<String> ended = Promise.promise();

  private FrameRelay(WebSocketBase client, WebSocketBase target) {
    this.client = client;
    this.target = target;
  }

  /**
   * Starts relaying; the future completes when both sides are closed, with who closed first:
   * {@code client_close} or {@code backend_close}.
   */
  public static Future<String> start(WebSocketBase client, WebSocketBase target) {
    FrameRelay relay = new FrameRelay(client, target);
    try {
      relay.pass(client, target, "client_close");
      relay.pass(target, client, "backend_close");
    } catch (IllegalStateException closedMeanwhile) {
      // One side finished its closing handshake before the relay began: end the other side too.
      boolean clientGone = client.isClosed();
      WebSocketBase other = clientGone ? target : client;
      WebSocketBase gone = clientGone ? client : target;
      other.close(status(gone), gone.closeReason());
      relay.ended.tryComplete(clientGone ? "client_close" : "backend_close");
    }
    return relay.ended.future();
  }

  /**
   * The close status to pass on from a closed WebSocket: 1000 when it has none (Vert.x 5.0 throws
   * rather than answer null before the close), and for 1005 (no status) and 1006 (abnormal), which may
   * not be sent in a close frame.
   */
  public static short status(WebSocketBase closed) {
    Short code;
    try {
      code = closed.isClosed() ? closed.closeStatusCode() : null;
    } catch (NullPointerException notYet) {
      code = null;
    }
    return code == null || code == 1005 || code == 1006 ? 1000 : code;
  }

  private void pass(WebSocketBase from, WebSocketBase to, String closedFirst) {
    from.frameHandler(frame -> {
      if (frame.isClose() || frame.isPing() || frame.type() == io.vertx.core.http.WebSocketFrameType.PONG) return;
      to.writeFrame(frame);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
        // Should the two sockets ever live on different event loops, a drain between the check and
        // the handler would otherwise leave this side paused for good; a second resume costs nothing.
        if (!to.writeQueueFull()) from.resume();
      }
    });
    from.exceptionHandler(err -> from.close());
    from.closeHandler(v -> {
      if (!to.isClosed()) {
        to.close(status(from), from.closeReason());
      }
      ended.tryComplete(closedFirst);
    });
  }
}
