package dev.ratelimiter.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A policy's {@link QuotaOverride}s, found by client in one look-up. */
public final class Overrides {

  public static final Overrides NONE = new Overrides(List.of());

  private final List<QuotaOverride> all;
  private final Map<String, QuotaOverride> byClient = new HashMap<>();

  public Overrides(List<QuotaOverride> all) {
    this.all = List.copyOf(all);
    for (QuotaOverride o : this.all) {
      o.clients().forEach(c -> byClient.put(c, o));
    }
  }

  public List<QuotaOverride> all() {
    return all;
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** The override of {@code client} in force at {@code epochMillis}, or null. */
  public QuotaOverride of(String client, long epochMillis) {
    QuotaOverride o = byClient.get(client);
    return o != null && o.activeAt(epochMillis) ? o : null;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Overrides o && o.all.equals(all);
  }

  @Override
  public int hashCode() {
    return all.hashCode();
  }

  @Override
  public String toString() {
    return all.toString();
  }
}
