package io.archway.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigStoreTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theFirstPublisherWinsAndLaterOnesAdoptIt() {
    ConfigStore store = ConfigStore.open(vertx).await();
    assertThat(store.current().await()).isNull();
    JsonObject first = new JsonObject().put("n", 1);
    assertThat(store.publishIfAbsent(first).await()).isEqualTo(new VersionedConfig(1, first));
    assertThat(store.publishIfAbsent(new JsonObject().put("n", 2)).await()).isEqualTo(new VersionedConfig(1, first));
  }

  @Test
  void replaceIsACompareAndSetOnTheVersion() {
    ConfigStore store = ConfigStore.open(vertx).await();
    store.publishIfAbsent(new JsonObject().put("n", 1)).await();
    assertThat(store.replace(new JsonObject().put("n", 2), 1).await().version()).isEqualTo(2);
    assertThatThrownBy(() -> store.replace(new JsonObject().put("n", 3), 1).await())
        .isInstanceOfSatisfying(StaleVersionException.class, e -> assertThat(e.currentVersion()).isEqualTo(2));
    assertThat(store.replace(new JsonObject().put("n", 4), -1).await().version()).isEqualTo(3);
    assertThat(store.current().await().config()).isEqualTo(new JsonObject().put("n", 4));
  }
}
