package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator runs with ONE reconcile thread here: a reconcile that waited on an agent (up to the
 * 2 s request timeout) would hold up every other policy's reconcile behind it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A reconcile never waits on an agent:")
class PushNeverBlocksTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  MockCluster cluster;
  SilentAgent silent;
  FakeAgent agent;

  /** A management port that accepts connections and never answers (a hung agent). */
  static final class SilentAgent implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();
    final List<Socket> held = new CopyOnWriteArrayList<>();

    SilentAgent() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    held.add(server.accept());
                    accepted.incrementAndGet();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "silent-agent");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @BeforeAll
  void start() throws IOException {
    cluster = new MockCluster();
    cluster.startOperator(
        MockCluster.settings(),
        new dev.ratelimiter.operator.metrics.OperatorMetrics(),
        o -> o.withConcurrentReconciliationThreads(1));
    silent = new SilentAgent();
    agent = new FakeAgent();
  }

  @AfterAll
  void stop() throws IOException {
    cluster.close();
    silent.close();
    agent.close();
  }

  Condition enforced(String ns, String name) {
    var status = cluster.get(ns, name).getStatus();
    return status == null
        ? null
        : StatusConditions.find(status.getConditions(), StatusConditions.ENFORCED);
  }

  @Test
  @DisplayName(
      "while one policy's agent pod accepts and never answers, another policy's edit is Enforced within 1.5 s")
  void hungPodDelaysNothingElse() {
    String ns = cluster.newNamespace("hung");
    cluster.readyPolicy(ns, "stuck", TIMEOUT);
    cluster.readyPolicy(ns, "fine", TIMEOUT);
    Pod hung =
        new PodBuilder(agent.pod(ns, "stuck", "stuck-agent-0", true))
            .editSpec()
            .editFirstContainer()
            .editLastPort()
            .withContainerPort(silent.server.getLocalPort())
            .endPort()
            .endContainer()
            .endSpec()
            .build();
    cluster.runPod(hung);
    cluster.runPod(agent.pod(ns, "fine", "fine-agent-0", true));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(enforced(ns, "fine"))
                  .extracting(Condition::getStatus, Condition::getObservedGeneration)
                  .containsExactly("True", 1L);
              assertThat(enforced(ns, "stuck"))
                  .extracting(Condition::getStatus, Condition::getReason)
                  .containsExactly("False", "AgentUnreachable");
              assertThat(enforced(ns, "stuck").getMessage())
                  .contains(
                      "stuck-agent-0 (generation unknown; unreachable at 127.0.0.1:"
                          + silent.server.getLocalPort()
                          + ": no answer in time)");
            });

    // a new generation of the stuck policy: its reconcile opens a connection to the silent pod ...
    int before = silent.accepted.get();
    cluster.edit(ns, "stuck", s -> s.setLimits(List.of(new LimitSpec("default", 20, "1m", null))));
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> silent.accepted.get() > before);
    // ... and while that push waits for its 2 s timeout, the other policy's edit goes through
    long start = System.nanoTime();
    cluster.edit(ns, "fine", s -> s.setLimits(List.of(new LimitSpec("default", 30, "1m", null))));
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () ->
                assertThat(enforced(ns, "fine"))
                    .extracting(Condition::getStatus, Condition::getObservedGeneration)
                    .containsExactly("True", 2L));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(agent.running()).isEqualTo(2);
    assertThat(took).as("edit to Enforced of the other policy").isLessThan(Duration.ofMillis(1500));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(enforced(ns, "stuck"))
                    .extracting(
                        Condition::getStatus,
                        Condition::getReason,
                        Condition::getObservedGeneration)
                    .containsExactly("False", "AgentUnreachable", 2L));
  }
}
