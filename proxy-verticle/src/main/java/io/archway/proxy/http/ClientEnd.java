package io.archway.proxy.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The client's end of one {@link Forward}: an HTTP/1.x connection ({@link ClientConnection}) or one
 * stream of an HTTP/2 connection ({@link H2Stream}). The exchange writes its response here as Netty's
 * HTTP/1.1 objects (a head, content, the last content), and says when its state changes. Confined to
 * the client connection's event loop.
 */
interface ClientEnd {

  /** The channel of the client's TCP connection, whose event loop and transport target connections share. */
  Channel transport();

  /** The client's IP address as the forwarded headers write it, or null (not an IP connection). */
  String remoteIp();

  InetSocketAddress remoteAddress();

  /** The watch that closes the client's connection at the listener's idle timeout; reads and writes touch it. */
  IdleWatch idle();

  /** The route timeout of the exchange. */
  Deadline deadline();

  /** The listener is stopping: the connection ends after the exchange in flight. */
  boolean closing();

  /** One HTTP/2 stream: its request's end and the response's end the stream's, no connection to keep. */
  boolean multiplexed();

  /** The protocol for the access log. */
  String protocol(HttpVersion version);

  /** A part of the response (a head, content, a full response); flushed by {@link #flush()}. */
  void write(HttpObject part);

  /** The response's last part (or a whole one), flushed; {@code thenClose}: the connection closes once it is out. */
  void end(HttpObject last, boolean thenClose);

  void flush();

  /** Whether the client takes more of the response now (its connection's, or its stream's, window). */
  boolean isWritable();

  /** Whether a response can still be written. */
  boolean isActive();

  /** Breaks off the response: the connection closes (HTTP/1.x) or the stream is reset (HTTP/2). */
  void close();

  /** Reading from the client may resume or pause: the exchange's appetite for request body changed. */
  void updateReading();

  /** The exchange is over (its response and request both); {@code keepAlive}: the connection carries on. */
  void exchangeDone(Forward done, boolean keepAlive);

  /**
   * The target switched protocols (a WebSocket, on HTTP/1.1 only): from now on the client and
   * {@code target} relay bytes as they are; {@code ended} hears why the tunnel closed.
   */
  void tunnel(Forward by, Channel target, IdleWatch targetIdle, Consumer<String> ended);
}
