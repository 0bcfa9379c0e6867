package dev.ratelimiter.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ratelimiter.operator.TestOperatorSettings;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.testsupport.net.Ports;
import io.fabric8.kubernetes.api.model.Container;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Redis readiness probe")
class RedisProbeTest {

  static Container redisContainer() {
    RateLimitPolicy p = DesiredStateTest.policy(new RateLimitPolicySpec());
    return new RedisDeploymentDependentResource()
        .desired(p, TestOperatorSettings.of("agent:1", "redis:7", Set.of()).build())
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  @Test
  @DisplayName(
      "takes the password from REDISCLI_AUTH, a Secret reference, and never from its command line")
  void passwordIsNotOnTheCommandLine() {
    Container c = redisContainer();
    List<String> command = c.getReadinessProbe().getExec().getCommand();
    assertThat(String.join(" ", command))
        .contains("redis-cli")
        .contains("ping")
        .doesNotContain(" -a ")
        .doesNotContain("--pass")
        .doesNotContain("$REDIS")
        .doesNotContain("AUTH");
    assertThat(c.getEnv())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("REDISCLI_AUTH");
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("web-redis-auth");
            });
  }

  @Test
  @DisplayName(
      "passes against a real redis-server with the right password in REDISCLI_AUTH and fails with a wrong one")
  void probeWorksAgainstRealRedis() throws Exception {
    assumeTrue(
        onPath("redis-server") && onPath("redis-cli") && onPath("sh"),
        "ASSUMPTION: redis-server or redis-cli is not on PATH, so the probe was NOT run against a real Redis here");
    Container c = redisContainer();
    int port = Ports.free();
    // the rendered server arguments, with the variable the kubelet would expand and a free port
    List<String> server = new ArrayList<>();
    server.add("redis-server");
    for (String a : c.getArgs()) {
      server.add(a.replace("$(REDISCLI_AUTH)", "right-password"));
    }
    server.set(server.indexOf("--port") + 1, String.valueOf(port));
    server.addAll(List.of("--bind", "127.0.0.1"));
    Path dir = Files.createTempDirectory("redis-probe");
    Process redis =
        new ProcessBuilder(server)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").toFile())
            .start();
    try {
      List<String> probe = new ArrayList<>(c.getReadinessProbe().getExec().getCommand());
      probe.set(2, probe.get(2).replace("-p 6379", "-p " + port));
      await().atMost(Duration.ofSeconds(10)).until(() -> run(probe, "right-password") == 0);
      assertThat(run(probe, "wrong-password")).isNotZero();
      assertThat(run(probe, null)).isNotZero();
    } finally {
      redis.destroy();
      redis.waitFor(5, TimeUnit.SECONDS);
    }
  }

  static int run(List<String> command, String password) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("REDISCLI_AUTH");
    if (password != null) {
      pb.environment().put("REDISCLI_AUTH", password);
    }
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  static boolean onPath(String binary) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, binary))) {
        return true;
      }
    }
    return false;
  }
}
