package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.testsupport.net.Ports;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The shaded operator.jar, started as its own process,")
class OperatorMainIT {

  @TempDir Path dir;

  Path kubeconfig(String server) throws IOException {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "current-context: test",
            "clusters: [{name: test, cluster: {server: '" + server + "'}}]",
            "contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]",
            "users: [{name: test, user: {token: test}}]",
            ""));
    return file;
  }

  Process start(Path kubeconfig, int healthPort) throws IOException {
    return start(kubeconfig, String.valueOf(healthPort));
  }

  Process start(Path kubeconfig, String healthPort) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = System.getProperty("operator.jar");
    // under failsafe: the jar that ships; run from an IDE: the test classpath
    if (jar != null) {
      assertThat(Path.of(jar)).as("the shaded jar failsafe was told to test").exists();
    }
    ProcessBuilder pb =
        jar != null
            ? new ProcessBuilder(java, "-jar", jar)
            : new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), OperatorMain.class.getName());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("HEALTH_PORT", healthPort);
    pb.environment().put("LEASE_NAMESPACE", "default");
    pb.environment().remove("KUBERNETES_SERVICE_HOST");
    pb.redirectOutput(dir.resolve("stdout").toFile());
    pb.redirectError(dir.resolve("stderr").toFile());
    return pb.start();
  }

  static int freePort() {
    return Ports.free();
  }

  String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("fails within seconds with one clear line naming the API server it could not reach")
  void failsFastWhenUnreachable() throws Exception {
    int closed = freePort();
    long start = System.nanoTime();
    Process p = start(kubeconfig("https://127.0.0.1:" + closed), freePort());
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("exited").isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(took).isLessThan(Duration.ofSeconds(10));
    List<String> lines =
        stderr().lines().filter(l -> l.startsWith("ratelimiter-operator:")).toList();
    assertThat(lines)
        .singleElement()
        .asString()
        .contains("cannot reach the Kubernetes API server at https://127.0.0.1:" + closed);
  }

  @Test
  @DisplayName("refuses a bad setting at once with one line naming it, and exit code 2")
  void badSettingExits2() throws Exception {
    Process p = start(kubeconfig("https://127.0.0.1:" + freePort()), "x");
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    List<String> lines = stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines)
        .containsExactly(
            "ratelimiter-operator: HEALTH_PORT='x' is not a whole number in 1 .. 65535");
  }

  @Test
  @DisplayName(
      "logs the API server URL, takes the leader Lease, answers /healthz and /readyz and stops on SIGTERM")
  void startsAgainstMockServer() throws Exception {
    try (MockCluster cluster = new MockCluster()) {
      String url = cluster.client().getMasterUrl().toString();
      int health = freePort();
      Process p = start(kubeconfig(url), health);
      try {
        HttpClient http = HttpClient.newHttpClient();
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  assertThat(
                          http.send(
                                  HttpRequest.newBuilder(
                                          URI.create("http://127.0.0.1:" + health + "/healthz"))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .statusCode())
                      .isEqualTo(200);
                  assertThat(
                          http.send(
                                  HttpRequest.newBuilder(
                                          URI.create("http://127.0.0.1:" + health + "/readyz"))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .statusCode())
                      .isEqualTo(200);
                });
        assertThat(stderr())
            .contains("using Kubernetes API server " + url)
            .doesNotContain("Exception");
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  Lease lease =
                      cluster
                          .client()
                          .leases()
                          .inNamespace("default")
                          .withName(OperatorMain.LEASE_NAME)
                          .get();
                  assertThat(lease).isNotNull();
                  assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
                });
        p.destroy();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("stops within 10 s of SIGTERM").isTrue();
      } finally {
        p.destroyForcibly();
      }
    }
  }
}
