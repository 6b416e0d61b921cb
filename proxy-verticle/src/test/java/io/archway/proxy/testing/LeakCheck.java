package io.archway.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.reflect.Field;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer during it: after the class, collects garbage
 * and allocates enough buffers for the detector to look at its queue of collected, unreleased ones.
 */
public final class LeakCheck implements AfterAllCallback {

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    assertThat(detector()).as("the recording leak detector is installed (surefire argLine)")
        .isInstanceOf(RecordingLeakDetector.class);
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50);
      for (int i = 0; i < 20_000; i++) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(16);
        buf.release();
      }
    }
    assertThat(RecordingLeakDetector.leaks()).as("leaked buffers").isEmpty();
  }

  private static Object detector() throws ReflectiveOperationException {
    Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
    field.setAccessible(true);
    return field.get(null);
  }
}
