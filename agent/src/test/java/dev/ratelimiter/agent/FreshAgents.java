package dev.ratelimiter.agent;

import dev.ratelimiter.testsupport.net.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Agent processes ({@code agent.jar}, as users run it) started afresh, each with its own ports and
 * output files, waited on until every one reports ready, and then asked what their metrics say.
 */
public final class FreshAgents implements AutoCloseable {

  /** One process and its ports. */
  public record Agent(Process process, int http, int grpc, int management, Path dir) {}

  private final List<Agent> agents;
  private final TestHttp http = new TestHttp();

  private FreshAgents(List<Agent> agents) {
    this.agents = agents;
  }

  /**
   * Starts {@code count} agents with {@code env}, each on ports of its own unless {@code env} names
   * one (then {@link Agent#grpc} is what it names, 0 included); {@code wrappers.get(i)} (when
   * present) is the command agent {@code i} runs under, e.g. {@code taskset -c 0}.
   */
  public static FreshAgents start(
      Path dir, int count, Map<String, String> env, List<List<String>> wrappers, String... jvm)
      throws IOException {
    List<Agent> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path own = Files.createDirectories(dir.resolve("agent-" + i));
      int httpPort = Ports.free();
      int grpcPort = Ports.free();
      int managementPort = Ports.free();
      Map<String, String> all = new HashMap<>();
      all.put("HTTP_PORT", Integer.toString(httpPort));
      all.put("GRPC_PORT", Integer.toString(grpcPort));
      all.put("MANAGEMENT_PORT", Integer.toString(managementPort));
      all.putAll(env); // a test may ask for an ephemeral gRPC port (0), say
      grpcPort = Integer.parseInt(all.get("GRPC_PORT"));
      List<String> wrapper = i < wrappers.size() ? wrappers.get(i) : List.of();
      started.add(
          new Agent(
              AgentJar.start(own, all, wrapper, jvm), httpPort, grpcPort, managementPort, own));
    }
    return new FreshAgents(started);
  }

  public List<Agent> agents() {
    return agents;
  }

  /**
   * Returns as soon as every agent answers {@code /health/ready} with 200, polling each every few
   * milliseconds (as a kubelet would, only faster).
   */
  public void awaitReady(Duration atMost) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    for (Agent agent : agents) {
      while (!ready(agent)) {
        if (!agent.process().isAlive()) {
          throw new AssertionError(
              "agent exited with " + agent.process().exitValue() + ": " + stderr(agent));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("agent not ready within " + atMost + ": " + stderr(agent));
        }
        Thread.sleep(5); // polling interval, not a synchronisation
      }
    }
  }

  private boolean ready(Agent agent) {
    try {
      return http.get(agent.management(), "/health/ready").status() == 200;
    } catch (AssertionError refused) {
      return false; // not listening yet
    }
  }

  /** {@code /health/ready}'s body of agent {@code i}. */
  public String readiness(int i) {
    return http.get(agents.get(i).management(), "/health/ready").body();
  }

  /**
   * The sum over all agents of the samples of metric {@code name} whose labels contain every one of
   * {@code labels} (e.g. {@code outcome="failed_open"}).
   */
  public double sum(String name, String... labels) {
    double total = 0;
    for (Agent agent : agents) {
      total += sumIn(http.get(agent.management(), "/metrics").body(), name, labels);
    }
    return total;
  }

  public static double sumIn(String metrics, String name, String... labels) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  public static String stderr(Agent agent) {
    try {
      return Files.readString(agent.dir().resolve("stderr.txt"));
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Agent agent : agents) {
      agent.process().destroyForcibly();
    }
    for (Agent agent : agents) {
      agent.process().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
