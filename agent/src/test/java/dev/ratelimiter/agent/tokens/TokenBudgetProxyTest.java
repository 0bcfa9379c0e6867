package dev.ratelimiter.agent.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.store.CounterKeys;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Three proxying agents on one Redis in front of an LLM API ({@link FakeLlmBackend}), with a token
 * budget of 5,000 per hour next to a request limit: reservations before forwarding, settlement from
 * the JSON usage, OpenAI's and Anthropic's streams, and debt.
 */
@DisplayName("A token budget in front of an LLM API, across three agents on one Redis")
class TokenBudgetProxyTest {

  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static RedisServerProcess redis;
  private static FakeLlmBackend backend;
  private static final List<RunningAgent> agents = new ArrayList<>();
  private final TestHttp http = new TestHttp("127.0.0.2");
  private String client;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start(null);
    backend = FakeLlmBackend.start();
    for (int i = 0; i < 3; i++) {
      agents.add(
          RunningAgent.start(
              TestSettings.local(redis.url(), null, null).withBackend(backend.url(), 30_000),
              """
              policy: shop/llm
              clientKey: {trustedProxies: [127.0.0.2/32]}
              limits:
                - {name: per-minute, requests: 1000, window: 1m}
                - {name: tokens, requests: 5000, window: 1h, cost: {usage: TotalTokens, reserve: 250}}
              """));
    }
  }

  @AfterAll
  static void stop() {
    agents.forEach(RunningAgent::close);
    backend.close();
    redis.close();
  }

  @BeforeEach
  void freshClient() {
    client = "198.51.100." + CLIENTS.incrementAndGet();
    backend.input.set(100);
    backend.output.set(200);
    backend.release();
  }

  private String tokensUsed() throws Exception {
    return redis.command(
        "GET "
            + CounterKeys.key(
                "shop/llm", client, new Limit("tokens", 5000, 3600, Algorithm.FixedWindow)));
  }

  private TestHttp.Reply ask(int agent, String path, String body) {
    return http.send(
        "POST",
        agents.get(agent % agents.size()).http(),
        path,
        body,
        "X-Forwarded-For",
        client,
        "Content-Type",
        "application/json");
  }

  /**
   * A chat request of exactly {@code bytes} bytes (its input estimate: one token per 4) stating
   * {@code maxTokens}.
   */
  static String chat(int maxTokens, int bytes) {
    String head = "{\"max_tokens\": " + maxTokens + ", \"messages\": [{\"content\": \"";
    String tail = "\"}]}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  @Test
  @DisplayName(
      "20 concurrent requests of 400 bytes stating max_tokens 900 reserve 1000 each of 5000 (not the policy's 250): exactly 5 reach the backend; their usage of 300 each is what stays counted, and the refunds let the next ones through")
  void reservationsHoldUnderConcurrency() throws Exception {
    backend.hold();
    int before = backend.arrived.get();
    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<CompletableFuture<TestHttp.Reply>> replies = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        int n = i;
        replies.add(
            CompletableFuture.supplyAsync(
                () -> ask(n, "/api/v1/chat/completions", chat(900, 400)), pool));
      }
      // 15 are refused while the 5 admitted are held at the backend
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> replies.stream().filter(CompletableFuture::isDone).count() == 15);
      assertThat(replies.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
          .extracting(TestHttp.Reply::status)
          .containsOnly(429);
      assertThat(backend.arrived.get() - before)
          .as("requests that reached the backend")
          .isEqualTo(5);
      assertThat(tokensUsed()).as("reserved").isEqualTo("5000");
      backend.release();
      for (CompletableFuture<TestHttp.Reply> reply : replies) {
        assertThat(reply.get(20, TimeUnit.SECONDS).status()).isIn(200, 429);
      }
    } finally {
      pool.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> "1500".equals(tokensUsed()));
    for (int i = 0; i < 3; i++) {
      assertThat(ask(i, "/api/v1/chat/completions", "{}").status()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> "2400".equals(tokensUsed()));
  }

  @Test
  @DisplayName(
      "A body of at most 64 KiB is read for its ceiling and reaches the backend as sent; a longer one streams through unread and reserves the policy's reserve")
  void bodiesReachTheBackendAsSent() throws Exception {
    for (int bytes : new int[] {400, 64 * 1024, 64 * 1024 + 1}) {
      freshClient();
      backend.lastBody.set(null);
      String body = chat(900, bytes);
      backend.hold();
      CompletableFuture<TestHttp.Reply> reply =
          CompletableFuture.supplyAsync(() -> ask(bytes, "/api/v1/chat/completions", body));
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.lastBody.get() != null);
      // read: its ceiling and its input (one token per 4 bytes), at most the whole budget
      long reserved = bytes <= 64 * 1024 ? Math.min(900 + (bytes + 3) / 4, 5000) : 250;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> String.valueOf(reserved).equals(tokensUsed()));
      backend.release();
      assertThat(reply.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(backend.lastBody.getAndSet(null).toString()).as(bytes + " bytes").isEqualTo(body);
      await().atMost(Duration.ofSeconds(10)).until(() -> "300".equals(tokensUsed()));
    }
  }

  @Test
  @DisplayName(
      "OpenAI's and Anthropic's streams pass through and are settled from their usage events")
  void streamsAreSettled() throws Exception {
    TestHttp.Reply openai = ask(0, "/api/v1/chat/completions", "{\"stream\": true}");
    assertThat(openai.status()).isEqualTo(200);
    assertThat(openai.body()).contains("\"total_tokens\":300").endsWith("data: [DONE]\n\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> "300".equals(tokensUsed()));
    backend.output.set(400);
    TestHttp.Reply anthropic = ask(1, "/api/v1/messages", "{\"stream\": true}");
    assertThat(anthropic.status()).isEqualTo(200);
    assertThat(anthropic.body()).contains("message_delta").contains("message_stop");
    await().atMost(Duration.ofSeconds(10)).until(() -> "800".equals(tokensUsed()));
    TestHttp.Reply json = ask(2, "/api/v1/messages", "{}");
    assertThat(json.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> "1300".equals(tokensUsed()));
  }

  @Test
  @DisplayName(
      "a response reporting more than was reserved leaves the client in debt: refused with the window's Retry-After")
  void usageBeyondTheBudgetIsDebt() throws Exception {
    backend.output.set(6900); // 7000 in all, where 250 were reserved of 5000
    assertThat(ask(0, "/api/v1/chat/completions", "{}").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> "7000".equals(tokensUsed()));
    TestHttp.Reply refused = ask(1, "/api/v1/chat/completions", "{}");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(3500L, 3600L);
    assertThat(refused.header("RateLimit")).contains("\"tokens\";r=0");
  }
}
