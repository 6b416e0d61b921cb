package io.archway.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.core.config.AdminConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExposureRuleTest {

  @Test
  void loopbackLiteralsAndLocalhostNeedNoToken() {
    assertThat(ExposureRule.isLoopback("127.0.0.1")).isTrue();
    assertThat(ExposureRule.isLoopback("127.0.0.3")).isTrue();
    assertThat(ExposureRule.isLoopback("::1")).isTrue();
    assertThat(ExposureRule.isLoopback("localhost")).isTrue();
  }

  @Test
  void anyOtherHostNeedsAToken() {
    assertThat(ExposureRule.isLoopback("0.0.0.0")).isFalse();
    assertThat(ExposureRule.isLoopback("10.1.2.3")).isFalse();
    assertThat(ExposureRule.isLoopback("::")).isFalse();
    assertThat(ExposureRule.isLoopback("admin.example.com")).isFalse();
    assertThatThrownBy(() -> ExposureRule.check(new AdminConfig("10.1.2.3", 9090, Optional.empty())))
        .hasMessageStartingWith("admin.host: 10.1.2.3 is not a loopback address");
    assertThatCode(() -> ExposureRule.check(new AdminConfig("10.1.2.3", 9090, Optional.of("t"))))
        .doesNotThrowAnyException();
  }
}
