package dev.ratelimiter.agent.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.FreshAgents;
import dev.ratelimiter.agent.TestBackend;
import dev.ratelimiter.agent.coldstart.Burst.Way;
import dev.ratelimiter.testsupport.redis.RedisClusterProcesses;
import dev.ratelimiter.testsupport.redis.RedisSentinelProcesses;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The promise at its hardest: three agent processes that have just started, each on four event
 * loops with the default Redis timeout, hit by 200 requests from one client the moment they report
 * ready. Exactly the quota gets through, and not one request is decided by the failure policy: the
 * Redis behind them is healthy the whole time, so whatever is slow is the agents themselves, and
 * that must never turn into an uncounted admit or a 503. For every Redis mode and every way in, a
 * few times over, and once more with one agent starved of CPU (its process on one core that a busy
 * loop also wants) — all without the warm-up ({@code WARM_UP_SECONDS=0}), so that the burst meets
 * code that has never run: exactness must not depend on it. Then with the default warm-up, as the
 * image runs.
 */
@DisplayName("Freshly started agents hit the moment they are ready")
class ColdStartExactnessIT {

  static final int AGENTS = 3;
  static final int REQUESTS = 200;
  static final int QUOTA = 10;
  static final int REPEATS = 2;
  static final Map<String, String> NO_WARM_UP = Map.of("WARM_UP_SECONDS", "0");

  /** Four event loops on this two-core machine, as on a four-core node. */
  static final String[] JVM = {"-XX:ActiveProcessorCount=4"};

  private static final String PASSWORD = "cold-start";
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final Map<Mode, AutoCloseable> REDIS = new EnumMap<>(Mode.class);
  private static TestBackend backend;

  @TempDir Path dir;

  /** Where the counters are. */
  enum Mode {
    Standalone,
    Sentinel,
    Cluster
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      for (Way way : Way.values()) {
        cases.add(Arguments.of(mode, way));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  @DisplayName("exactly the quota through, none decided by the failure policy")
  void exactFromTheFirstRequest(Mode mode, Way way) throws Exception {
    for (int run = 0; run < REPEATS; run++) {
      burst(mode, way, "Open", List.of(), NO_WARM_UP);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  @DisplayName("the same with one of the agents starved of CPU")
  void exactWhenStarved(Mode mode, Way way) throws Exception {
    Process busy =
        new ProcessBuilder("taskset", "-c", "0", "sh", "-c", "while :; do :; done").start();
    try {
      burst(mode, way, "Open", List.of(List.of("taskset", "-c", "0")), NO_WARM_UP);
    } finally {
      busy.destroyForcibly().waitFor();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  @DisplayName("with the default warm-up and failurePolicy Closed: exactly the quota, not one 503")
  void exactWithClosed(Mode mode) throws Exception {
    burst(mode, Way.API, "Closed", List.of(), Map.of());
  }

  static Stream<Mode> modes() {
    return Stream.of(Mode.values());
  }

  private void burst(
      Mode mode,
      Way way,
      String failurePolicy,
      List<List<String>> wrappers,
      Map<String, String> settings)
      throws Exception {
    String policyId = "shop/cold-" + RUNS.incrementAndGet();
    Path runDir = Files.createDirectories(dir.resolve(policyId.replace('/', '-')));
    Path policy = runDir.resolve("policy.yaml");
    Files.writeString(
        policy,
        "policy: "
            + policyId
            + "\nlimits: [{name: per-minute, requests: "
            + QUOTA
            + ", window: 1m}]\nfailurePolicy: "
            + failurePolicy
            + "\n");
    Map<String, String> env = new HashMap<>(redisEnv(mode));
    env.putAll(settings);
    env.put("POLICY_FILE", policy.toString());
    int backendBefore = 0;
    if (way == Way.PROXY) {
      env.put("BACKEND_URL", backend().url());
      backendBefore = backend().requests.get();
    }
    try (FreshAgents agents = FreshAgents.start(runDir, AGENTS, env, wrappers, JVM)) {
      try {
        agents.awaitReady(Duration.ofSeconds(60));
        Map<String, Integer> answers = Burst.send(way, agents.agents(), REQUESTS, policyId);
        double failedOpen = agents.sum("ratelimiter_requests_total", "outcome=\"failed_open\"");
        double failedClosed = agents.sum("ratelimiter_requests_total", "outcome=\"failed_closed\"");
        String what = mode + " " + way + " " + failurePolicy + ": " + answers;
        System.out.println(
            "cold burst "
                + what
                + ", failed_open "
                + failedOpen
                + ", failed_closed "
                + failedClosed);
        check(way, answers, failedOpen, failedClosed, what, backendBefore);
      } catch (Exception | AssertionError e) {
        for (FreshAgents.Agent agent : agents.agents()) {
          System.out.println("agent's stderr:\n" + FreshAgents.stderr(agent));
        }
        throw e;
      }
    }
  }

  private static void check(
      Way way,
      Map<String, Integer> answers,
      double failedOpen,
      double failedClosed,
      String what,
      int backendBefore) {
    {
      assertThat(Burst.allowed(answers)).as("allowed, %s", what).isEqualTo(QUOTA);
      assertThat(failedOpen).as("decided by failurePolicy Open, %s", what).isZero();
      assertThat(failedClosed).as("decided by failurePolicy Closed, %s", what).isZero();
      assertThat(answers.keySet())
          .as("answers, %s", what)
          .isSubsetOf("200", "429", "OK", "OVER_LIMIT");
      if (way == Way.PROXY) {
        assertThat(backend().requests.get() - backendBefore)
            .as("requests the backend saw")
            .isEqualTo(QUOTA);
      }
    }
  }

  private static synchronized TestBackend backend() {
    if (backend == null) {
      backend = TestBackend.start();
    }
    return backend;
  }

  private static synchronized Map<String, String> redisEnv(Mode mode) {
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_PASSWORD", PASSWORD);
    env.put("REDIS_MODE", mode.name());
    switch (mode) {
      case Standalone -> {
        RedisServerProcess redis =
            (RedisServerProcess)
                REDIS.computeIfAbsent(mode, m -> RedisServerProcess.start(PASSWORD));
        env.put("REDIS_URL", "redis://127.0.0.1:" + redis.port());
      }
      case Sentinel -> {
        RedisSentinelProcesses sentinel =
            (RedisSentinelProcesses)
                REDIS.computeIfAbsent(mode, m -> RedisSentinelProcesses.start(PASSWORD));
        env.put("REDIS_URL", sentinel.sentinelUrls());
      }
      case Cluster -> {
        RedisClusterProcesses cluster =
            (RedisClusterProcesses)
                REDIS.computeIfAbsent(mode, m -> RedisClusterProcesses.start(PASSWORD));
        env.put("REDIS_URL", cluster.seedUrls());
      }
    }
    return env;
  }

  @AfterAll
  static void stopRedis() throws Exception {
    for (AutoCloseable redis : REDIS.values()) {
      redis.close();
    }
    REDIS.clear();
    if (backend != null) {
      backend.close();
      backend = null;
    }
  }
}
