package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits of one policy that apply to a request's route. At most 16 limits, so a selection is a
 * bit mask; each distinct selection is built once and shared, so the headers of equal selections
 * are the same list (and the all-limits selection is the policy's own list).
 */
final class LimitSelection {

  private final Policy policy;
  private final int all;
  private final boolean everyLimitMatchesEverything;
  private final ConcurrentHashMap<Integer, List<Limit>> lists = new ConcurrentHashMap<>();

  LimitSelection(Policy policy) {
    this.policy = policy;
    this.all = (1 << policy.limits().size()) - 1;
    this.everyLimitMatchesEverything = policy.limits().stream().allMatch(l -> l.match() == null);
  }

  Policy policy() {
    return policy;
  }

  /** Bit i set: limit i applies to the request. */
  int mask(Route route) {
    if (everyLimitMatchesEverything) {
      return all;
    }
    int mask = 0;
    List<Limit> limits = policy.limits();
    for (int i = 0; i < limits.size(); i++) {
      if (limits.get(i).applies(route.method(), route.path(), route.plan(), route.headers())) {
        mask |= 1 << i;
      }
    }
    return mask;
  }

  boolean isAll(int mask) {
    return mask == all;
  }

  List<Limit> limits(int mask) {
    if (mask == all) {
      return policy.limits();
    }
    return lists.computeIfAbsent(
        mask,
        m -> {
          List<Limit> out = new ArrayList<>();
          for (int i = 0; i < policy.limits().size(); i++) {
            if ((m & (1 << i)) != 0) {
              out.add(policy.limits().get(i));
            }
          }
          return List.copyOf(out);
        });
  }
}
