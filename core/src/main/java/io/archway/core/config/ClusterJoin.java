package io.archway.core.config;

/** How a node finds its cluster peers. */
public enum ClusterJoin implements Keyword {
  /** The members listed in {@code cluster.members}, or a one-node cluster when there are none. */
  TCP_IP("tcp-ip", true),
  /** Every address that the DNS name {@code cluster.serviceDns} (a headless Service) resolves to. */
  KUBERNETES("kubernetes", true);

  private final String keyword;
  private final boolean supported;

  ClusterJoin(String keyword, boolean supported) {
    this.keyword = keyword;
    this.supported = supported;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  @Override
  public boolean supported() {
    return supported;
  }
}
