package io.archway.admin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

class DashboardPageTest {

  @Test
  void nodeNameIsEscapedIntoThePage() {
    assertThat(DashboardPage.escape("<script>\"x\"&'y'</script>"))
        .isEqualTo("&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;");
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(DashboardPage.load(vertx, "a<b").await()).isNotNull();
    } finally {
      vertx.close().await();
    }
  }
}
