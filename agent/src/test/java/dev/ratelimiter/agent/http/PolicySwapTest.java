package dev.ratelimiter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The policy swap is atomic for a request: its client key and its limits come from the same policy,
 * even while {@code PUT /admin/policy} replaces the policy as fast as it can. Three generations
 * take turns, each recognisable in both halves of the answer: its limit's name in {@code
 * RateLimit-Policy}, and the client key its clientKey rules give the same request (every request
 * carries both forwarding headers and comes from 127.0.0.1).
 */
@DisplayName("A policy swap under load")
class PolicySwapTest {

  private static final String TOKEN = "swap-token";
  private static final String XFF_CLIENT = "198.51.100.7";
  private static final String FORWARDED_CLIENT = "203.0.113.9";
  private static final String PEER = "127.0.0.1";

  /** Limit name → the client key the same generation's clientKey rules must give. */
  private static final Map<String, String> CLIENT_OF_LIMIT =
      Map.of("a", XFF_CLIENT, "b", FORWARDED_CLIENT, "c", PEER);

  private RunningAgent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private static String generation(long generation) {
    String clientKey =
        switch ((int) (generation % 3)) {
          case 0 -> "a: {forwardedHeader: XForwardedFor, trustedProxies: [127.0.0.1/32]}";
          case 1 -> "b: {forwardedHeader: Forwarded, trustedProxies: [127.0.0.1/32]}";
          default -> "c: {trustedProxies: []}";
        };
    String limit = clientKey.substring(0, 1);
    return "policy: shop/api\ngeneration: "
        + generation
        + "\n"
        + "limits: [{name: "
        + limit
        + ", requests: 1000000000, window: 1h}]\n"
        + "clientKey"
        + clientKey.substring(1)
        + "\n";
  }

  @Test
  @DisplayName(
      "Every answer's limits and client key come from one generation while policies are pushed in a loop")
  void everyAnswerFromOneGeneration() throws Exception {
    agent =
        RunningAgent.start(TestSettings.local(null, null, TOKEN).withEventLoops(4), generation(3));
    TestHttp http = new TestHttp();
    AtomicBoolean pushing = new AtomicBoolean(true);
    AtomicInteger pushes = new AtomicInteger();
    List<String> mixed = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

    ExecutorService pool = Executors.newFixedThreadPool(9);
    try {
      Future<?> pusher =
          pool.submit(
              () -> {
                for (long g = 4; pushing.get(); g++) {
                  Reply reply =
                      http.put(
                          agent.management(),
                          "/admin/policy",
                          generation(g),
                          "Authorization",
                          "Bearer " + TOKEN);
                  assertThat(reply.status())
                      .as("push of generation %d: %s", g, reply.body())
                      .isEqualTo(200);
                  pushes.incrementAndGet();
                }
                return null;
              });
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> senders = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        senders.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 750; i++) {
                    Reply reply =
                        http.get(
                            agent.http(),
                            "/api",
                            "X-Forwarded-For",
                            XFF_CLIENT,
                            "Forwarded",
                            "for=" + FORWARDED_CLIENT);
                    assertThat(reply.status()).isEqualTo(200);
                    String policy = reply.header("RateLimit-Policy");
                    String limit = policy.substring(1, policy.indexOf('"', 1));
                    String client = reply.json().getString("client");
                    seen.computeIfAbsent(limit, k -> new AtomicInteger()).incrementAndGet();
                    if (!client.equals(CLIENT_OF_LIMIT.get(limit))) {
                      mixed.add("limit " + limit + " with client " + client);
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> sender : senders) {
        sender.get(120, TimeUnit.SECONDS);
      }
      pushing.set(false);
      pusher.get(30, TimeUnit.SECONDS);
    } finally {
      pushing.set(false);
      pool.shutdownNow();
    }
    assertThat(mixed)
        .as(
            "answers mixing two generations (of %d pushes, answers per limit %s)",
            pushes.get(), seen)
        .isEmpty();
    assertThat(seen.keySet())
        .as("every generation was seen answering, so the swaps raced the requests")
        .containsExactlyInAnyOrder("a", "b", "c");
    assertThat(pushes.get()).isGreaterThan(30);
  }
}
