package dev.ratelimiter.agent.store.algorithms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random policies and request sequences, and the check of a store's answers against {@link
 * Guarantee}.
 */
final class Sequences {

  private Sequences() {}

  /**
   * 1 to 3 limits of random algorithms, small quotas and windows of 1 to {@code maxWindowSeconds}.
   */
  static List<Limit> limits(Random random, int maxWindowSeconds) {
    return limits(random, maxWindowSeconds, List.of(Algorithm.values()));
  }

  static List<Limit> limits(Random random, int maxWindowSeconds, List<Algorithm> algorithms) {
    int n = 1 + random.nextInt(3);
    List<Limit> limits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Algorithm algorithm = algorithms.get(random.nextInt(algorithms.size()));
      long requests = 1 + random.nextInt(12);
      long window = 1 + random.nextInt(maxWindowSeconds);
      long burst = algorithm == Algorithm.TokenBucket ? 1 + random.nextInt(15) : requests;
      limits.add(new Limit("l" + i, requests, window, algorithm, burst));
    }
    return limits;
  }

  /**
   * A cost of 1 mostly, sometimes up to 5 (Envoy's hits_addend), at times above what a limit can
   * admit.
   */
  static long cost(Random random) {
    return random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1;
  }

  /**
   * A cost per limit, as a policy with token budgets asks for: mostly one cost for all, sometimes
   * each its own (a request limit 1, a budget more).
   */
  static long[] costs(Random random, int limits) {
    long[] costs = new long[limits];
    long shared = cost(random);
    boolean each = random.nextInt(3) == 0;
    for (int i = 0; i < limits; i++) {
      costs[i] = each ? 1 + random.nextInt(8) : shared;
    }
    return costs;
  }

  /** Checks one answer at store time {@code now} and records it; returns the models' verdict. */
  static boolean check(
      List<Guarantee> models, long now, long cost, AcquireResult result, String where) {
    long[] costs = new long[models.size()];
    java.util.Arrays.fill(costs, cost);
    return check(models, now, costs, result, where);
  }

  /** The same with a cost per limit. */
  static boolean check(
      List<Guarantee> models, long now, long[] costs, AcquireResult result, String where) {
    boolean expected = true;
    for (int i = 0; i < models.size(); i++) {
      expected &= models.get(i).allows(now, costs[i]);
    }
    String cost = java.util.Arrays.toString(costs);
    assertThat(result.allowed())
        .as("%s: allowed at %d, cost %s", where, now, cost)
        .isEqualTo(expected);
    for (int i = 0; i < models.size(); i++) {
      Guarantee model = models.get(i);
      long retry = model.allows(now, costs[i]) ? 0 : model.retryMillis(now, costs[i]);
      if (retry >= 0) {
        assertThat(result.retryMillis()[i])
            .as("%s: retry of %s at %d, cost %d", where, model.limit(), now, cost)
            .isEqualTo(retry);
      } else {
        assertThat(result.allowed())
            .as("%s: a cost above what %s can admit", where, model.limit())
            .isFalse();
      }
    }
    if (expected) {
      for (int i = 0; i < models.size(); i++) {
        models.get(i).admit(now, costs[i]);
      }
    }
    for (int i = 0; i < models.size(); i++) {
      assertThat(result.remaining()[i])
          .as("%s: remaining of %s at %d", where, models.get(i).limit(), now)
          .isEqualTo(models.get(i).remaining(now));
    }
    return expected;
  }

  /** The promises over the whole sequence, checked directly. */
  static void checkPromises(List<Guarantee> models, String where) {
    for (Guarantee model : models) {
      switch (model.limit().algorithm()) {
        case SlidingWindow ->
            assertThat(model.noWindowHoldsMore()).as("%s: %s", where, model.limit()).isTrue();
        case TokenBucket ->
            assertThat(model.withinBurstPlusRate()).as("%s: %s", where, model.limit()).isTrue();
        default -> {}
      }
    }
  }
}
