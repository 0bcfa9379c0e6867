package dev.ratelimiter.agent.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The answers encoded once and reused (a 429's body and Retry-After, a one-limit RateLimit field,
 * small numbers) say what each decision says, whichever decision came before.
 */
@DisplayName("Pre-encoded answers are never another decision's")
class PreEncodedAnswersTest {

  private static final List<Limit> MINUTE =
      List.of(new Limit("per-minute", 10, 60, Algorithm.FixedWindow));
  private static final List<Limit> HOUR =
      List.of(new Limit("per-hour", 500, 3600, Algorithm.FixedWindow));

  private static Vertx vertx;
  private static HttpServer server;
  private static final AtomicReference<Decision> next = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(req -> Refusals.tooManyRequests(req.response(), next.get()))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Decision refused(List<Limit> limits, long resetMillis, long retryMillis) {
    return new Decision(
        null,
        limits,
        false,
        new long[] {0},
        new long[] {resetMillis},
        Decision.Outcome.REJECTED,
        1,
        new long[] {retryMillis});
  }

  private static Decision allowed(List<Limit> limits, long remaining, long resetMillis) {
    return new Decision(
        null,
        limits,
        true,
        new long[] {remaining},
        new long[] {resetMillis},
        Decision.Outcome.ALLOWED,
        1,
        new long[] {0});
  }

  private record Answer(int status, MultiMap headers, JsonObject body) {}

  private static Answer ask(Decision decision) throws Exception {
    next.set(decision);
    var client = vertx.createHttpClient();
    try {
      return client
          .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(r -> r.send())
          .compose(
              (HttpClientResponse response) ->
                  response
                      .body()
                      .map(
                          body ->
                              new Answer(
                                  response.statusCode(), response.headers(), body.toJsonObject())))
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // unanswered: show what every thread was doing, so that a hang can be told from a slow box
      Thread.getAllStackTraces()
          .forEach(
              (thread, stack) -> {
                System.err.println("THREAD " + thread.getName() + " " + thread.getState());
                for (StackTraceElement frame : stack) {
                  System.err.println("    at " + frame);
                }
              });
      throw e;
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("a 429 names its own limit and retry time after refusals of another limit")
  void refusalsInTurn() throws Exception {
    Answer minute = ask(refused(MINUTE, 42_000, 42_000));
    Answer minuteAgain = ask(refused(MINUTE, 42_000, 42_000));
    Answer hour = ask(refused(HOUR, 1_800_000, 1_800_000));
    Answer minuteLater = ask(refused(MINUTE, 3_100, 3_100));
    Answer minuteNext = ask(refused(MINUTE, 2_100, 2_100)); // the same limit, the next second

    assertThat(minute.status()).isEqualTo(429);
    assertThat(minute.headers().get("Retry-After")).isEqualTo("42");
    assertThat(minute.body().getString("limit")).isEqualTo("per-minute");
    assertThat(minute.body().getInteger("retryAfter")).isEqualTo(42);
    assertThat(minuteAgain.body()).isEqualTo(minute.body());

    assertThat(hour.headers().get("Retry-After")).isEqualTo("1800");
    assertThat(hour.body().getString("limit")).isEqualTo("per-hour");
    assertThat(hour.body().getString("detail")).contains("allows 500 requests per 1h");
    assertThat(hour.headers().get("RateLimit")).isEqualTo("\"per-hour\";r=0;t=1800");

    assertThat(minuteLater.headers().get("Retry-After")).isEqualTo("4");
    assertThat(minuteLater.body().getInteger("retryAfter")).isEqualTo(4);
    assertThat(minuteLater.headers().get("RateLimit")).isEqualTo("\"per-minute\";r=0;t=4");
    assertThat(minuteLater.headers().get("X-RateLimit-Reset")).isEqualTo("4");
    assertThat(minuteNext.headers().get("Retry-After")).isEqualTo("3");
    assertThat(minuteNext.body().getInteger("retryAfter")).isEqualTo(3);
    assertThat(minuteNext.body().getString("detail")).endsWith("retry in 3 s.");
  }

  @Test
  @DisplayName("the RateLimit field and the numbers follow each decision, small and large")
  void headersInTurn() {
    long[][] cases = {
      {9, 60_000},
      {9, 60_000},
      {9, 59_000},
      {8, 59_000},
      {8, 59_001},
      {0, 1},
      {123_456, 7_200_000},
      {9, 60_000}
    };
    for (long[] c : cases) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      RateLimitHeaders.apply(headers, allowed(MINUTE, c[0], c[1]));
      long seconds = RateLimitHeaders.seconds(c[1]);
      assertThat(headers.get("RateLimit")).isEqualTo("\"per-minute\";r=" + c[0] + ";t=" + seconds);
      assertThat(headers.get("X-RateLimit-Remaining")).isEqualTo(Long.toString(c[0]));
      assertThat(headers.get("X-RateLimit-Reset")).isEqualTo(Long.toString(seconds));
      assertThat(headers.get("X-RateLimit-Limit")).isEqualTo("10");
    }
    MultiMap hour = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(hour, allowed(HOUR, 9, 60_000));
    assertThat(hour.get("RateLimit")).isEqualTo("\"per-hour\";r=9;t=60");
    assertThat(hour.get("X-RateLimit-Limit")).isEqualTo("500");
  }
}
