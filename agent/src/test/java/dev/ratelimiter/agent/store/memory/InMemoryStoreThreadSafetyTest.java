package dev.ratelimiter.agent.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The in-memory store under threads, with no HTTP and no rejection cache in between: event loops
 * call it concurrently for the same client, and each algorithm must still admit exactly its quota.
 * The HTTP-level tests on four event loops stop racing after the first refusal (the limiter then
 * answers from its cache); this one keeps every call on the store.
 */
@DisplayName("The in-memory store called from many threads at once")
class InMemoryStoreThreadSafetyTest {

  private static final int QUOTA = 20_000;
  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 5_000;

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  @DisplayName("admits exactly the quota of one client, whatever the algorithm")
  void exactUnderContention(Algorithm algorithm) throws Exception {
    InMemoryStore store = new InMemoryStore(() -> 0L, InMemoryStore.DEFAULT_MAX_CLIENTS);
    List<Limit> limits = List.of(new Limit("hot", QUOTA, 3600, algorithm));
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> admitted = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        admitted.add(
            pool.submit(
                () -> {
                  go.await();
                  int allowed = 0;
                  for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    if (store.acquireNow("shop/api", "203.0.113.9", limits).allowed()) {
                      allowed++;
                    }
                  }
                  return allowed;
                }));
      }
      go.countDown();
      int total = 0;
      for (Future<Integer> f : admitted) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(total)
          .as("%d calls for one client with a quota of %d", THREADS * CALLS_PER_THREAD, QUOTA)
          .isEqualTo(QUOTA);
    } finally {
      pool.shutdownNow();
    }
  }
}
