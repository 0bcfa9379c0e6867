package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One master, one replica and three sentinels; three agents on four event loops each in Sentinel
 * mode find the master through the sentinels: counting is exact, and killing the master under load
 * is answered within the failure policy with bounded over-admission. The failover runs last: it
 * leaves the replica as the master.
 */
@DisplayName("Three agents finding the master through three Redis sentinels")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest extends SentinelConcurrencyContract {

  private static final String PASSWORD = "sentinel-pass";

  RedisSentinelTest() {
    super(PASSWORD);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  @DisplayName(
      "Killing the master under load: every request answered within the failure policy, over-admission at most one quota")
  void failover() throws Exception {
    List<RunningAgent> loaded =
        FailoverLoad.agents(sentinel.sentinelUrls(), PASSWORD, RedisMode.Sentinel);
    try {
      FailoverLoad.Outcome outcome =
          FailoverLoad.run(
              loaded,
              8,
              key -> true,
              () -> sentinel.killMasterAndAwaitFailover(Duration.ofSeconds(30)));
      System.out.println("Sentinel failover: " + outcome.summary());
      assertThat(outcome.errors()).as("requests without an answer").isEmpty();
      assertThat(outcome.statuses().keySet())
          .as("answers: 200/429, or 503 from failurePolicy Closed")
          .isSubsetOf(200, 429, 503);
      assertThat(outcome.slowestMillis())
          .as("slowest answer, ms")
          .isLessThan(FailoverLoad.REDIS_TIMEOUT_MILLIS + 2000);
      assertThat(outcome.allowedAfterFailover()).as("admitted after the failover").isPositive();
      assertThat(outcome.worstClientOverAdmission())
          .as("one client's 200s beyond its quota")
          .isLessThanOrEqualTo(FailoverLoad.QUOTA);
    } finally {
      loaded.forEach(RunningAgent::close);
    }
  }
}
