package dev.ratelimiter.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.testsupport.net.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent image cannot be built here (no Docker engine), so its runtime is run instead: the JDK
 * of the major version {@code Dockerfile.agent}'s runtime stage names, with the JVM flags of its
 * {@code ENTRYPOINT}, read from the Dockerfile itself. An image change that the jar cannot run on
 * (a flag the JVM refuses, a runtime too old) fails here.
 */
@DisplayName("agent.jar on the image's runtime: Dockerfile.agent's Java and JVM flags")
class ImageRuntimeIT {

  private static final Path DOCKERFILE = Path.of("..", "Dockerfile.agent");

  private Process process;
  private final TestHttp http = new TestHttp();

  @TempDir Path dir;

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  @DisplayName("starts, gets ready and counts one client exactly: 10 of 14 concurrent requests")
  void servesExactly() throws Exception {
    String text = Files.readString(DOCKERFILE, StandardCharsets.UTF_8);
    Matcher from =
        Pattern.compile("(?m)^FROM eclipse-temurin:(\\d+)\\.\\S*-jre\\s*$").matcher(text);
    assertThat(from.find()).as("Dockerfile.agent runs on an eclipse-temurin JRE").isTrue();
    String major = from.group(1);
    Path java = jdk(major);
    List<String> flags = entrypointFlags(text);
    assertThat(flags).as("the ENTRYPOINT's JVM flags").contains("-XX:+ExitOnOutOfMemoryError");

    int httpPort = Ports.free();
    int managementPort = Ports.free();
    process =
        AgentJar.startOn(
            java.toString(),
            dir,
            Map.of(
                "HTTP_PORT",
                Integer.toString(httpPort),
                "MANAGEMENT_PORT",
                Integer.toString(managementPort)),
            flags);
    http.awaitReady(managementPort);

    List<CompletableFuture<TestHttp.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      replies.add(CompletableFuture.supplyAsync(() -> http.get(httpPort, "/api")));
    }
    int allowed = 0;
    int refused = 0;
    for (CompletableFuture<TestHttp.Reply> reply : replies) {
      TestHttp.Reply r = reply.get(30, TimeUnit.SECONDS);
      if (r.status() == 200) {
        allowed++;
      } else {
        assertThat(r.status()).isEqualTo(429);
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 60L);
        refused++;
      }
    }
    assertThat(allowed).isEqualTo(10);
    assertThat(refused).isEqualTo(4);
    String flagsInForce = jcmd(java, "VM.flags");
    for (String flag : flags) {
      if (flag.startsWith("-XX:+")) {
        assertThat(flagsInForce).as("the JVM runs with %s", flag).contains(flag);
      }
    }
  }

  /** The flags between {@code java} and {@code -jar} of the exec-form ENTRYPOINT. */
  private static List<String> entrypointFlags(String dockerfile) {
    Matcher line = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]\\s*$").matcher(dockerfile);
    assertThat(line.find()).as("an exec-form ENTRYPOINT").isTrue();
    List<String> args = new ArrayList<>();
    Matcher arg = Pattern.compile("\"([^\"]*)\"").matcher(line.group(1));
    while (arg.find()) {
      args.add(arg.group(1));
    }
    assertThat(args.get(0)).isEqualTo("java");
    return args.subList(1, args.indexOf("-jar"));
  }

  /**
   * That major version's JDK: {@code image.java.home}; the tests' own when it is that version; else
   * the Temurin one under /usr/lib/jvm.
   */
  private static Path jdk(String major) throws Exception {
    String home = System.getProperty("image.java.home");
    if (home == null && Integer.toString(Runtime.version().feature()).equals(major)) {
      home = System.getProperty("java.home");
    }
    if (home == null) {
      try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
        home =
            dirs.filter(d -> d.getFileName().toString().startsWith("temurin-" + major + "-"))
                .findFirst()
                .map(Path::toString)
                .orElseThrow(
                    () ->
                        new AssertionError(
                            "no Temurin "
                                + major
                                + " JDK under /usr/lib/jvm (set -Dimage.java.home): the agent"
                                + " image runs on it"));
      }
    }
    Path java = Path.of(home, "bin", "java");
    assertThat(java).isExecutable();
    return java;
  }

  private String jcmd(Path java, String command) throws Exception {
    Process jcmd =
        new ProcessBuilder(
                java.resolveSibling("jcmd").toString(), Long.toString(process.pid()), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
