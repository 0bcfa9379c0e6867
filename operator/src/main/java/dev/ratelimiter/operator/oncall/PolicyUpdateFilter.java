package dev.ratelimiter.operator.oncall;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a RateLimitPolicy reconcile it: a new generation (a spec edit), a deletion, or a
 * change of the on-call annotations ({@link ClientRequests}), which JOSDK's generation-aware
 * filtering would drop. The operator's own status writes do none of these, so they do not reconcile
 * again.
 */
public final class PolicyUpdateFilter implements OnUpdateFilter<RateLimitPolicy> {

  @Override
  public boolean accept(RateLimitPolicy updated, RateLimitPolicy old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || updated.getMetadata().getDeletionTimestamp() != null
        || !onCall(updated).equals(onCall(old));
  }

  private static String onCall(RateLimitPolicy p) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    return a == null
        ? ""
        : a.get(ClientRequests.INSPECT)
            + "|"
            + a.get(ClientRequests.RESET)
            + "|"
            + a.get(ClientRequests.RESET_LIMIT);
  }
}
