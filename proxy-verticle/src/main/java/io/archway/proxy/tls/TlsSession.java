package io.archway.proxy.tls;

import io.vertx.core.json.JsonObject;

/**
 * What the access log says of a connection's TLS: the client's protocol, cipher suite and server name,
 * and the subject of its verified certificate. A passthrough connection has only {@code sni}: the
 * gateway never sees the rest. Absent values are {@code null}.
 */
public record TlsSession(String protocol, String cipher, String sni, String clientSubject) {

  public static TlsSession passthrough(String sni) {
    return new TlsSession(null, null, sni, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (protocol != null) json.put("protocol", protocol);
    if (cipher != null) json.put("cipher", cipher);
    json.put("sni", sni);
    if (clientSubject != null) json.put("clientSubject", clientSubject);
    return json;
  }
}
