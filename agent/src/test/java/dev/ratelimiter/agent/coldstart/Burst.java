package dev.ratelimiter.agent.coldstart;

import dev.ratelimiter.agent.FreshAgents;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.grpc.RlsClient;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many requests from one client at once, spread over several agents, through one way in; the
 * answers tallied by what they were ({@code 200}, {@code 429}, {@code 503}, gRPC {@code OK}, …).
 */
final class Burst {

  /** How a request reaches the agents. */
  enum Way {
    /** {@code GET /api}, answered by the agent itself. */
    API,
    /** {@code GET /api/items}, proxied to the backend when allowed. */
    PROXY,
    /** {@code GET /check/items}: a gateway's question. */
    CHECK,
    /** Envoy's {@code ShouldRateLimit} over gRPC. */
    GRPC
  }

  /** The one client every request comes from, as Envoy names it in a gRPC descriptor. */
  static final String GRPC_CLIENT = "203.0.113.7";

  private Burst() {}

  /**
   * Sends {@code count} requests at once, the {@code i}-th to agent {@code i % agents}, and counts
   * the answers: HTTP status codes, or for gRPC {@code OK}, {@code OVER_LIMIT} or the failed call's
   * status.
   */
  static Map<String, Integer> send(
      Way way, List<FreshAgents.Agent> agents, int count, String domain) throws Exception {
    List<String> answers = way == Way.GRPC ? grpc(agents, count, domain) : http(way, agents, count);
    Map<String, Integer> tally = new TreeMap<>();
    answers.forEach(a -> tally.merge(a, 1, Integer::sum));
    return tally;
  }

  /** The answers that let the request through: 200, or gRPC's OK. */
  static int allowed(Map<String, Integer> tally) {
    return tally.getOrDefault("200", 0) + tally.getOrDefault("OK", 0);
  }

  private static List<String> http(Way way, List<FreshAgents.Agent> agents, int count)
      throws Exception {
    String path =
        switch (way) {
          case API -> "/api";
          case PROXY -> "/api/items";
          case CHECK -> "/check/items";
          case GRPC -> throw new IllegalArgumentException();
        };
    TestHttp http = new TestHttp();
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int port = agents.get(i % agents.size()).http();
        replies.add(
            pool.submit(
                () -> {
                  go.await();
                  return http.get(port, path).status();
                }));
      }
      go.countDown();
      List<String> statuses = new ArrayList<>();
      for (Future<Integer> reply : replies) {
        statuses.add(Integer.toString(reply.get(60, TimeUnit.SECONDS)));
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> grpc(List<FreshAgents.Agent> agents, int count, String domain)
      throws Exception {
    try (RlsClient client = new RlsClient()) {
      List<io.vertx.core.Future<RlsClient.Answer>> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        calls.add(
            client.call(
                agents.get(i % agents.size()).grpc(),
                RlsClient.request(domain, 1, RlsClient.descriptor("remote_address", GRPC_CLIENT))));
      }
      List<String> answers = new ArrayList<>();
      for (io.vertx.core.Future<RlsClient.Answer> call : calls) {
        RlsClient.Answer answer =
            call.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        answers.add(
            answer.status() != GrpcStatus.OK
                ? answer.status().name()
                : answer.response().getOverallCode() == RateLimitResponse.Code.OK
                    ? "OK"
                    : answer.response().getOverallCode().name());
      }
      return answers;
    }
  }
}
