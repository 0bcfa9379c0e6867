package dev.ratelimiter.agent.store.algorithms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.redis.RedisStore;
import dev.ratelimiter.agent.store.redis.RedisTarget;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SlidingWindow and TokenBucket, alone and mixed in one policy, against a real redis-server, whose
 * clock ({@code TIME} inside the script) the test cannot set: a thousand clients, each with its own
 * random policy (windows of 1-2 s) and a random sequence of request times and costs (one per
 * limit), run at once over one pipelined connection; each client has one request in flight at a
 * time, so the script decides its requests in order. Each answer is then checked against the
 * algorithm's promise at the time the script reported. (FixedWindow needs no clock, and Redis
 * expires its keys on a time of its own that a script cannot read to the millisecond; the in-memory
 * property test and the HTTP tests cover it.)
 */
@DisplayName("Redis keeps SlidingWindow's and TokenBucket's promises exactly, on its own clock")
class RedisAlgorithmsPropertyTest {

  private static final int CLIENTS = 1000;

  private static RedisServerProcess redis;
  private static Vertx vertx;
  private static RedisStore store;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start(null);
    vertx = Vertx.vertx();
    store = new RedisStore(vertx, RedisTarget.standalone(redis.url()), null, 10_000, null);
  }

  @AfterAll
  static void stop() {
    store.close().await();
    vertx.close().await();
    redis.close();
  }

  private record Step(long gapMillis, long[] costs) {}

  private record Answer(long[] costs, AcquireResult result) {}

  @Test
  @DisplayName(
      "a thousand random clients: admitted exactly when the promise allows, exact retry and remaining")
  void keepsThePromise() throws Exception {
    Random random = new Random(20261201);
    List<List<Limit>> policies = new ArrayList<>();
    List<List<Step>> sequences = new ArrayList<>();
    List<List<Answer>> answers = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      List<Limit> limits =
          Sequences.limits(random, 2, List.of(Algorithm.SlidingWindow, Algorithm.TokenBucket));
      policies.add(limits);
      List<Step> steps = new ArrayList<>();
      for (int s = 5 + random.nextInt(20); s > 0; s--) {
        steps.add(
            new Step(
                random.nextInt(6) == 0 ? random.nextInt(2000) : random.nextInt(100),
                Sequences.costs(random, limits.size())));
      }
      sequences.add(steps);
      answers.add(new ArrayList<>());
    }
    CountDownLatch done = new CountDownLatch(CLIENTS);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v ->
            store
                .connectThisLoop()
                .onComplete(
                    w -> {
                      for (int c = 0; c < CLIENTS; c++) {
                        next(c, 0, policies.get(c), sequences.get(c), answers.get(c), done);
                      }
                    }));
    assertThat(done.await(120, TimeUnit.SECONDS)).as("all sequences ran").isTrue();

    long checked = 0;
    for (int c = 0; c < CLIENTS; c++) {
      List<Guarantee> models = policies.get(c).stream().map(Guarantee::new).toList();
      assertThat(answers.get(c)).hasSize(sequences.get(c).size());
      long last = Long.MIN_VALUE;
      for (Answer answer : answers.get(c)) {
        long now = answer.result().clockMillis();
        assertThat(now).as("Redis TIME, in order").isGreaterThanOrEqualTo(last);
        last = now;
        Sequences.check(
            models, now, answer.costs(), answer.result(), "client " + c + " " + policies.get(c));
        checked++;
      }
      Sequences.checkPromises(models, "client " + c);
    }
    assertThat(checked).isGreaterThan(10L * CLIENTS);
  }

  /** Sends step {@code i} of one client's sequence, then, after its gap, the next. */
  private static void next(
      int client,
      int i,
      List<Limit> limits,
      List<Step> steps,
      List<Answer> answers,
      CountDownLatch done) {
    Step step = steps.get(i);
    store
        .acquireEach("props", "client-" + client, limits, step.costs())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                throw new AssertionError("client " + client + " step " + i, ar.cause());
              }
              answers.add(new Answer(step.costs(), ar.result()));
              if (i + 1 == steps.size()) {
                done.countDown();
              } else if (steps.get(i + 1).gapMillis() == 0) {
                next(client, i + 1, limits, steps, answers, done);
              } else {
                vertx.setTimer(
                    steps.get(i + 1).gapMillis(),
                    t -> next(client, i + 1, limits, steps, answers, done));
              }
            });
  }
}
