package io.archway.health.probe;

import static io.archway.core.health.TargetHealth.HEALTHY;
import static io.archway.core.health.TargetHealth.UNHEALTHY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThresholdTrackerTest {

  @Test
  void newTargetIsUnhealthyUntilItsFirstSuccessThenHealthyWhateverTheHealthyThreshold() {
    ThresholdTracker tracker = new ThresholdTracker(3, 5);
    assertThat(tracker.health()).isEqualTo(UNHEALTHY);
    assertThat(tracker.record(false)).isNull();
    assertThat(tracker.record(false)).isNull();
    assertThat(tracker.record(true)).isEqualTo(HEALTHY);
    assertThat(tracker.health()).isEqualTo(HEALTHY);
  }

  @Test
  void healthyTargetTurnsUnhealthyOnlyAfterUnhealthyThresholdFailuresInARow() {
    ThresholdTracker tracker = new ThresholdTracker(3, 2);
    tracker.record(true);
    assertThat(tracker.record(false)).isNull();
    assertThat(tracker.record(false)).isNull();
    assertThat(tracker.record(true)).isNull();
    assertThat(tracker.record(false)).isNull();
    assertThat(tracker.record(false)).isNull();
    assertThat(tracker.record(false)).isEqualTo(UNHEALTHY);
    assertThat(tracker.record(false)).isNull();
  }

  @Test
  void targetThatWasHealthyBeforeNeedsHealthyThresholdSuccessesInARowToRecover() {
    ThresholdTracker tracker = new ThresholdTracker(1, 3);
    tracker.record(true);
    assertThat(tracker.record(false)).isEqualTo(UNHEALTHY);
    assertThat(tracker.record(true)).isNull();
    assertThat(tracker.record(true)).isNull();
    assertThat(tracker.record(false)).isNull();
    assertThat(tracker.record(true)).isNull();
    assertThat(tracker.record(true)).isNull();
    assertThat(tracker.record(true)).isEqualTo(HEALTHY);
    assertThat(tracker.streak()).isEqualTo(3);
  }

  @Test
  void newThresholdsKeepTheHealthAndTheStreak() {
    ThresholdTracker tracker = new ThresholdTracker(5, 1);
    tracker.record(true);
    tracker.record(false);
    tracker.record(false);
    tracker.thresholds(3, 1);
    assertThat(tracker.health()).isEqualTo(HEALTHY);
    assertThat(tracker.record(false)).isEqualTo(UNHEALTHY);
  }

  @Test
  void thresholdBelowOneIsRefused() {
    assertThatThrownBy(() -> new ThresholdTracker(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
