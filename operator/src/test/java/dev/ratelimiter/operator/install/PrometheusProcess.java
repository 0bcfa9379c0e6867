package dev.ratelimiter.operator.install;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratelimiter.testsupport.net.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus}) for a test: its own config, data dir and loopback
 * port; queried through its HTTP API. Missing, the test fails naming the package.
 */
final class PrometheusProcess implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path dir;
  final int port;

  private PrometheusProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static void requireInstalled() {
    if (!Files.isExecutable(BINARY) || !Files.isExecutable(PROMTOOL)) {
      throw new AssertionError(
          "prometheus and promtool are not installed at "
              + BINARY
              + ": this test runs a real Prometheus; install Debian's package first: apt-get install -y prometheus");
    }
  }

  /**
   * @param config prometheus.yml; {@code DIR} in it is replaced by the process's own dir
   */
  static PrometheusProcess start(String config) throws IOException {
    requireInstalled();
    Path dir = Files.createTempDirectory("prometheus-test");
    Files.writeString(dir.resolve("prometheus.yml"), config.replace("DIR", dir.toString()));
    int port = Ports.free();
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusProcess p = new PrometheusProcess(process, dir, port);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError("prometheus exited: " + p.log());
                }
                return p.get("/-/ready").startsWith("200");
              },
              ready -> ready);
    } catch (RuntimeException | AssertionError e) {
      p.close();
      throw e;
    }
    return p;
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + "\n" + r.body();
  }

  /** The result vector of an instant query (fails the test on a query error). */
  JsonNode query(String expr) {
    try {
      String answer = get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
      JsonNode body = JSON.readTree(answer.substring(answer.indexOf('\n') + 1));
      if (!"success".equals(body.path("status").asText())) {
        throw new AssertionError("query failed: " + expr + ": " + body);
      }
      return body.path("data").path("result");
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
