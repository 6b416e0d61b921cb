package io.archway.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The idle watches' clock keeps up with {@link System#nanoTime()}, a tick behind at most (plus scheduling slack). */
class CoarseClockTest {

  @Test
  void followsTheSystemClockWithinATick() throws Exception {
    long slack = TimeUnit.MILLISECONDS.toNanos(200);   // a loaded test machine may run the ticker late
    long first = CoarseClock.nanoTime();
    Thread.sleep(100);
    long later = CoarseClock.nanoTime();
    long real = System.nanoTime();
    assertThat(later - first).as("it advanced").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(later).as("never ahead of the system clock").isLessThanOrEqualTo(real);
    assertThat(real - later).as("behind by a tick at most").isLessThan(CoarseClock.TICK_NANOS + slack);
  }
}
