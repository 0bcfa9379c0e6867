package dev.ratelimiter.testsupport.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code redis-cli} (Debian's {@code redis-tools}) for what only it does well, e.g. {@code
 * --cluster create}.
 */
final class RedisCli {

  private RedisCli() {}

  /**
   * Runs redis-cli with {@code args} (and {@code -a password} when not null); returns its output,
   * failing on a non-zero exit.
   */
  static String run(String password, String... args) {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--no-auth-warning"));
    if (password != null) {
      cmd.addAll(List.of("-a", password));
    }
    cmd.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-cli did not finish: " + cmd);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed: " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code redis-cli} next to the redis-server in use, else on PATH. */
  static Path binary() {
    Path beside = RedisServerProcess.binary().resolveSibling("redis-cli");
    if (Files.isExecutable(beside)) {
      return beside;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
      Path candidate = Path.of(dir, "redis-cli");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no redis-cli on PATH: the Cluster and Sentinel tests need it (apt-get install redis-server)");
  }
}
