package dev.ratelimiter.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One agent pod as the kubelet fixture runs it: {@code java -jar agent.jar} bound to the pod's
 * loopback address.
 */
final class AgentProcess {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  final String pod;
  final String deployment;
  final String ip;
  final int httpPort;
  final int managementPort;

  /** The ADMIN_TOKEN it was started with (from the rendered Secret), or null. */
  final String adminToken;

  private final Process process;
  private volatile boolean ready;

  private AgentProcess(
      String pod,
      String deployment,
      String ip,
      int httpPort,
      int managementPort,
      String adminToken,
      Process process) {
    this.adminToken = adminToken;
    this.pod = pod;
    this.deployment = deployment;
    this.ip = ip;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.process = process;
  }

  /** Starts the agent with exactly {@code env} (nothing inherited from the test JVM but PATH). */
  static AgentProcess start(
      String pod,
      String deployment,
      String ip,
      int httpPort,
      int managementPort,
      Path agentJar,
      Map<String, String> env,
      Path log) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // as in a pod with a CPU limit of 1: three agents share this machine's two cores
                // with the
                // operator, the mock API server and the test (the image's own flags are about
                // memory only)
                "-XX:ActiveProcessorCount=1",
                "-Xmx128m",
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                agentJar.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    String path = System.getenv("PATH");
    pb.environment().clear();
    if (path != null) {
      pb.environment().put("PATH", path);
    }
    pb.environment().putAll(env);
    try {
      return new AgentProcess(
          pod, deployment, ip, httpPort, managementPort, env.get("ADMIN_TOKEN"), pb.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start agent " + pod, e);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  boolean ready() {
    return ready;
  }

  /** Probes {@code /health/ready} like the readiness probe; remembers a success. */
  boolean probeReady() {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + ip + ":" + managementPort + "/health/ready"))
                  .timeout(Duration.ofMillis(500))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      ready = r.statusCode() == 200;
    } catch (IOException e) {
      ready = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ready;
  }

  String api() {
    return "http://" + ip + ":" + httpPort + "/api";
  }

  String admin() {
    return "http://" + ip + ":" + managementPort + "/admin/policy";
  }

  /** SIGKILL, as when a node or container dies. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return pod + "@" + ip;
  }
}
