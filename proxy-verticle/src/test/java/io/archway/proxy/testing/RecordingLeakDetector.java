package io.archway.proxy.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, installed for every buffer by the surefire flag
 * {@code -Dio.netty.customResourceLeakDetector}, that also remembers each leak so {@link LeakCheck}
 * can fail the test class that caused it.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    super(resourceType, samplingInterval, maxActive);
  }

  public static List<String> leaks() {
    return List.copyOf(LEAKS);
  }

  @Override
  protected boolean needReport() {
    return true;
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add(resourceType + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add(resourceType);
    super.reportUntracedLeak(resourceType);
  }
}
