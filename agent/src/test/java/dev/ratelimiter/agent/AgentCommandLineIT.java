package dev.ratelimiter.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.testsupport.net.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("agent.jar explains itself: --help, --version, validate, a manifest as POLICY_FILE")
class AgentCommandLineIT {

  private static final Path EXAMPLE = Path.of("..", "deploy", "examples", "api-keys.yaml");

  @TempDir Path dir;
  private Process process;
  private final TestHttp http = new TestHttp();

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  private int exit(String... args) throws Exception {
    process = AgentJar.command(dir, Map.of(), args);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits, does not serve").isTrue();
    return process.exitValue();
  }

  private String out(String name) throws IOException {
    return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "--help prints the usage and exits 0 instead of starting; --version prints the version")
  void helpAndVersion() throws Exception {
    assertThat(exit("--help")).isZero();
    assertThat(out("stdout.txt"))
        .contains("Usage:", "validate FILE", "--version", "environment variable");
    assertThat(exit("--version")).isZero();
    assertThat(out("stdout.txt").strip()).matches("ratelimiter-agent \\d+\\.\\d+\\.\\d+.*");
    assertThat(exit("--serve-please")).isEqualTo(2);
    assertThat(out("stderr.txt")).contains("unknown argument '--serve-please'", "--help");
  }

  @Test
  @DisplayName(
      "validate exits 0 for a good file (a manifest too) and 2 naming the field for a bad one")
  void validate() throws Exception {
    assertThat(exit("validate", EXAMPLE.toString())).isZero();
    assertThat(out("stdout.txt"))
        .contains("valid: policy partners/partner-api", "2 limit(s)", "mode Shadow")
        .contains("left aside", "spec.agent", "spec.backend (BACKEND_URL)");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "limits:\n  - {name: per-minute, requests: 10, windows: 1m}\n");
    assertThat(exit("validate", bad.toString())).isEqualTo(2);
    assertThat(out("stderr.txt"))
        .contains("limits[0].windows: unknown field; did you mean 'window'?");
    assertThat(exit("validate", dir.resolve("absent.yaml").toString())).isEqualTo(2);
    assertThat(out("stderr.txt")).contains("absent.yaml does not exist");
  }

  @Test
  @DisplayName("A RateLimitPolicy manifest as POLICY_FILE is served from its spec, and says so")
  void manifestAsPolicyFile() throws Exception {
    int httpPort = Ports.free();
    int managementPort = Ports.free();
    process =
        AgentJar.start(
            dir,
            Map.of(
                "POLICY_FILE",
                EXAMPLE.toString(),
                "HTTP_PORT",
                Integer.toString(httpPort),
                "MANAGEMENT_PORT",
                Integer.toString(managementPort),
                "WARM_UP_SECONDS",
                "0"));
    http.awaitReady(managementPort);
    assertThat(http.get(httpPort, "/api", "X-Api-Key", "k1").header("RateLimit-Policy"))
        .contains("\"per-key\";q=600;w=60");
    assertThat(out("stderr.txt"))
        .contains("is a RateLimitPolicy manifest", "spec.backend (BACKEND_URL)")
        .containsPattern("ratelimiter agent \\d+\\.\\d+\\.\\d+\\S* serving");
  }

  @Test
  @DisplayName(
      "A port that is taken stops startup with one line naming the address, port and setting")
  void portInUse() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      process =
          AgentJar.start(
              dir,
              Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort()), "MANAGEMENT_PORT", "0"));
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(out("stderr.txt").strip())
          .isEqualTo(
              "ratelimiter-agent: cannot start: cannot listen on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (HTTP_PORT): Address already in use");
    }
  }
}
