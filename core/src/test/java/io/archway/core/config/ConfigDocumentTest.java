package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The cluster's part of a file: what is shared, and file paths that mean the same on every node. */
class ConfigDocumentTest {

  private final Path base = Path.of("/etc/archway");

  @Test
  void relativeFilePathsBecomeAbsoluteSoThatEveryNodeReadsTheSameFile() {
    JsonObject file = new JsonObject()
        .put("admin", new JsonObject().put("port", 9090))
        .put("certificates", new JsonArray().add(new JsonObject().put("name", "web")
            .put("cert", "certs/web.pem").put("key", "/secrets/web-key.pem")))
        .put("listeners", new JsonArray().add(new JsonObject().put("name", "web").put("protocol", "http")
            .put("errorPages", new JsonObject().put("404", "pages/404.html").put("503", "../maintenance.html"))));

    JsonObject shared = ConfigDocument.shared(file, base);

    assertThat(shared.fieldNames()).containsExactlyInAnyOrder("listeners", "pools", "certificates");
    JsonObject cert = shared.getJsonArray("certificates").getJsonObject(0);
    assertThat(cert.getString("cert")).isEqualTo("/etc/archway/certs/web.pem");
    assertThat(cert.getString("key")).isEqualTo("/secrets/web-key.pem");
    JsonObject pages = shared.getJsonArray("listeners").getJsonObject(0).getJsonObject("errorPages");
    assertThat(pages.getString("404")).isEqualTo("/etc/archway/pages/404.html");
    assertThat(pages.getString("503")).isEqualTo("/etc/maintenance.html");
    // The file's own document is left as it was.
    assertThat(file.getJsonArray("listeners").getJsonObject(0).getJsonObject("errorPages").getString("404"))
        .isEqualTo("pages/404.html");
  }

  @Test
  void valuesThatAreNoPathAreLeftForTheParserToName() {
    JsonObject file = new JsonObject().put("listeners", new JsonArray()
        .add(new JsonObject().put("name", "web").put("errorPages", new JsonObject().put("404", 7)))
        .add("not an object"));

    JsonObject shared = ConfigDocument.shared(file, base);

    assertThat(shared.getJsonArray("listeners").getJsonObject(0).getJsonObject("errorPages").getValue("404"))
        .isEqualTo(7);
    assertThat(shared.getJsonArray("listeners").getValue(1)).isEqualTo("not an object");
  }
}
