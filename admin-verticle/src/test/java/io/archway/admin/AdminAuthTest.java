package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminAuthTest {

  private static final String TOKEN = "s3cret-t0ken-for-tests";

  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(String.valueOf(record.getMessage()) + " " + record.getThrown());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private RunningAdmin admin;

  @BeforeEach
  void start() {
    Logger.getLogger("").addHandler(capture);
    admin = RunningAdmin.start(Optional.of(TOKEN));
  }

  @AfterEach
  void stop() {
    admin.close();
    Logger.getLogger("").removeHandler(capture);
    assertThat(logged).noneMatch(line -> line.contains(TOKEN));
  }

  @Test
  void apiWithoutATokenIs401WithABearerChallenge() {
    HttpResponse<String> response = admin.get("/api/cluster");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        challenge -> assertThat(challenge).startsWith("Bearer"));
    assertThat(new JsonObject(response.body()).getString("error")).contains("Authorization: Bearer");
    assertThat(response.body()).doesNotContain(TOKEN);
  }

  @Test
  void apiWithAWrongTokenIs401() {
    for (String header : List.of("Bearer wrong", "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1),
        "Basic " + TOKEN, "Bearer", TOKEN)) {
      HttpResponse<String> response = admin.get("/api/cluster", "Authorization", header);
      assertThat(response.statusCode()).as(header).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(response.body()).doesNotContain(TOKEN);
    }
  }

  @Test
  void apiWithTheTokenAnswers() {
    assertThat(admin.get("/api/cluster", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    assertThat(admin.get("/api/health", "Authorization", "bearer " + TOKEN).statusCode()).isEqualTo(200);
    assertThat(admin.get("/api/config", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(503);
  }

  @Test
  void writesAndUnknownApiPathsNeedTheTokenBeforeAnythingElse() {
    assertThat(admin.send("PUT", "/api/config").statusCode()).isEqualTo(401);
    assertThat(admin.get("/api/nothing").statusCode()).isEqualTo(401);
    // With the token the write is judged on its body: an empty one is a 400, not an auth failure.
    assertThat(admin.send("PUT", "/api/config", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void pathTricksDoNotSlipPastTheToken() {
    for (String path : List.of("/api/../api/cluster", "/./api/cluster", "/healthz/../api/cluster",
        "/api/%2E%2E/api/cluster", "/api/cluster/", "/api/cluster?x=1")) {
      assertThat(admin.get(path).statusCode()).as(path).isIn(401, 404);
    }
  }

  @Test
  void probesMetricsAndThePageStayOpen() {
    assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(admin.get("/readyz").statusCode()).isEqualTo(503);
    assertThat(admin.get("/metrics").statusCode()).isEqualTo(200);
    HttpResponse<String> page = admin.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain(TOKEN);
  }
}
