package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A body the admin API receives: the same verdicts as for the same text in a file. */
class ConfigTextTest {

  @Test
  void aKeyWrittenTwiceInAYamlBodyIsNamedAtItsPath() {
    assertThatThrownBy(() -> ConfigText.parse("""
        pools:
          - name: redis
            name: cache
        """))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
            new Problem("pools[0].name", "is written twice (lines 2 and 3); keep one")));
  }

  @Test
  void aKeyWrittenTwiceInAJsonBodyIsNamedAtItsPath() {
    assertThatThrownBy(() -> ConfigText.parse("{\"certificates\": [], \"certificates\": []}"))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
            new Problem("certificates", "is written twice (the second time on line 1); keep one")));
  }

  @Test
  void anAliasOfAMappingIsCheckedOnceAndMergesAreNoDuplicates() {
    var json = ConfigText.parse("""
        base: &base {connectTimeout: 5s}
        pools:
          - <<: *base
            name: a
          - <<: *base
            name: b
        """);
    assertThat(json.getJsonArray("pools").getJsonObject(1).getString("connectTimeout")).isEqualTo("5s");
  }

  @Test
  void syntaxErrorsAreOneLine() {
    assertThatThrownBy(() -> ConfigText.parse("a: [\n"))
        .hasMessageStartingWith("the body is neither JSON nor valid YAML: ").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ConfigText.parse("{\"a\": \n"))
        .hasMessageStartingWith("the body is not valid JSON: ").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ConfigText.parse("[1, 2]"))
        .hasMessage("the body must be an object (a YAML mapping or a JSON object)");
  }

  @Test
  void aDateStaysTheTextWrittenAndExplicitTagsBecomeTextTheParserCanName() {
    var json = ConfigText.parse("""
        listeners:
          - name: 2026-01-01
            idleTimeout: !!timestamp 2026-01-01
            pool: !!binary aGVsbG8=
        """);
    var listener = json.getJsonArray("listeners").getJsonObject(0);
    assertThat(listener.getString("name")).isEqualTo("2026-01-01");
    assertThat(listener.getString("idleTimeout")).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(listener.getString("pool")).isEqualTo("aGVsbG8=");
  }
}
