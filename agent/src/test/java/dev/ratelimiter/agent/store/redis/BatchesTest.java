package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterKeys;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchesTest {

  private static final List<Limit> MIXED =
      List.of(
          new Limit("per-minute", 10, 60, Algorithm.FixedWindow),
          new Limit("sliding", 5, 10, Algorithm.SlidingWindow),
          new Limit("bucket", 2, 1, Algorithm.TokenBucket, 20));

  @Test
  @DisplayName(
      "Cluster: every key a script call touches (any algorithm, any subset of limits) is in the slot the call is cut for")
  void oneSlotPerCall() {
    List<LuaScript.Check> checks = new ArrayList<>();
    List<Promise<AcquireResult>> promises = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      List<Limit> limits = i % 3 == 0 ? MIXED : MIXED.subList(i % 3, 3);
      checks.add(new LuaScript.Check("shop/public-api", "198.51.100." + (i % 40), limits, 1));
      promises.add(Promise.promise());
    }
    List<Batches.Batch> batches = Batches.split(checks, promises, true, 7);
    assertThat(batches.stream().mapToInt(b -> b.checks().size()).sum()).isEqualTo(300);
    for (Batches.Batch batch : batches) {
      assertThat(batch.checks()).hasSizeLessThanOrEqualTo(7);
      int slot =
          HashSlot.of(
              LuaScript.key(
                  batch.checks().get(0).scope(), batch.checks().get(0).client(), MIXED.get(0)));
      for (LuaScript.Check check : batch.checks()) {
        for (Limit limit : check.limits()) {
          assertThat(HashSlot.of(LuaScript.key(check.scope(), check.client(), limit)))
              .isEqualTo(slot);
        }
      }
    }
    assertThat(
            batches.stream()
                .map(
                    b ->
                        HashSlot.of(
                            CounterKeys.hashTag("shop/public-api", b.checks().get(0).client())))
                .distinct()
                .count())
        .as("clients spread over slots")
        .isGreaterThan(1);
  }
}
