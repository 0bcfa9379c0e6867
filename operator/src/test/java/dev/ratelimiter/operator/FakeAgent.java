package dev.ratelimiter.operator;

import com.sun.net.httpserver.HttpServer;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for an agent's admin API in operator tests (the real agent is Vert.x 5 and cannot share
 * the mock server's classpath; e2e/ runs real ones): answers {@code PUT /admin/policy} like the
 * agent does, 200 with the pushed generation, or a 400 problem when told to reject, and records
 * every push with its bearer token.
 */
public final class FakeAgent implements AutoCloseable {

  private static final Pattern GENERATION = Pattern.compile("(?m)^generation: (\\d+)$");

  public record Push(long generation, String authorization, String body) {}

  private final HttpServer server;
  private final List<Push> pushes = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> rejectWith = new AtomicReference<>();
  private volatile long running;

  public FakeAgent() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext(
        "/admin/policy",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Matcher m = GENERATION.matcher(body);
          long generation = m.find() ? Long.parseLong(m.group(1)) : -1;
          pushes.add(
              new Push(generation, exchange.getRequestHeaders().getFirst("Authorization"), body));
          String reject = rejectWith.get();
          int status;
          String answer;
          if (reject != null) {
            status = 400;
            answer =
                "{\"status\":400,\"detail\":\"Invalid policy, the policy in force is unchanged: "
                    + reject
                    + "\",\"generation\":"
                    + running
                    + "}";
          } else {
            running = generation;
            status = 200;
            answer = "{\"applied\":true,\"generation\":" + generation + "}";
          }
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Push> pushes() {
    return pushes;
  }

  public long running() {
    return running;
  }

  /** From now on answer 400 with {@code detail}; null: accept again. */
  public void rejectWith(String detail) {
    rejectWith.set(detail);
  }

  /** A ready agent pod of {@code policy} whose management port is this fake's. */
  public Pod pod(String namespace, String policy, String name, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(
            Map.of(
                Labels.NAME,
                Labels.APP,
                Labels.INSTANCE,
                policy,
                Labels.COMPONENT,
                Labels.AGENT,
                Labels.MANAGED_BY,
                Labels.OPERATOR))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage(MockCluster.AGENT_IMAGE)
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .addNewPort()
        .withName("management")
        .withContainerPort(port())
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("127.0.0.1")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
