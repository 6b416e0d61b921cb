package io.archway.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Header names read as shared constants, exactly as the target wrote them (or not at all), and lowered. */
class KnownHeaderNamesTest {

  private static CharSequence find(String line, String name) {
    byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
    int at = line.indexOf(name);
    return KnownHeaderNames.find(bytes, at, name.length());
  }

  @Test
  void aCommonNameIsTheSameConstantEachTimeInTheCaseItWasWritten() {
    CharSequence title = find("Content-Type: text/html", "Content-Type");
    assertThat(title).hasToString("Content-Type");
    assertThat(find("xx Content-Type: a", "Content-Type")).isSameAs(title);
    assertThat(find("content-type: text/html", "content-type")).hasToString("content-type");
    assertThat(find("ETag: \"1\"", "ETag")).hasToString("ETag");
    assertThat(find("etag: \"1\"", "etag")).hasToString("etag");
  }

  @Test
  void anyOtherNameOrCaseIsNotFound() {
    assertThat(find("CONTENT-TYPE: a", "CONTENT-TYPE")).isNull();
    assertThat(find("X-Backend: a", "X-Backend")).isNull();
    assertThat(find("Content-Typ: a", "Content-Typ")).isNull();
    assertThat(find("Date2: a", "Date2")).isNull();
  }

  @Test
  void lowerGivesTheSameLowerCaseConstantForEveryCaseOfAKnownName() {
    Object lower = KnownHeaderNames.lower("Content-Type");
    assertThat(lower).hasToString("content-type");
    assertThat((Object) KnownHeaderNames.lower("content-type")).isSameAs(lower);
    assertThat((Object) KnownHeaderNames.lower("CONTENT-TYPE")).isSameAs(lower);
    assertThat((Object) KnownHeaderNames.lower(find("Content-Type: a", "Content-Type"))).isSameAs(lower);
    assertThat((Object) KnownHeaderNames.lower("X-Backend")).hasToString("x-backend");
  }
}
