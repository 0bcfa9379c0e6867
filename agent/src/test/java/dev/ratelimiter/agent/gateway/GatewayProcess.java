package dev.ratelimiter.agent.gateway;

import static org.awaitility.Awaitility.await;

import dev.ratelimiter.testsupport.net.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway server (Debian's {@code caddy} or {@code haproxy}) run by a test from a
 * configuration file in a temp dir, in the foreground, on a loopback port. A missing binary is a
 * test failure naming the package to install, never a silent skip.
 */
final class GatewayProcess implements AutoCloseable {

  private final Path dir;
  private final Process process;
  final int port;

  private GatewayProcess(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** Caddy with this Caddyfile ({@code PORT} replaced by the gateway's port). */
  static GatewayProcess caddy(String caddyfile) throws IOException {
    return start(
        Path.of("/usr/bin/caddy"),
        "caddy",
        "Caddyfile",
        caddyfile,
        config -> List.of("run", "--config", config.toString(), "--adapter", "caddyfile"));
  }

  /** HAProxy with this configuration ({@code PORT} replaced by the gateway's port). */
  static GatewayProcess haproxy(String config) throws IOException {
    return start(
        Path.of("/usr/sbin/haproxy"),
        "haproxy",
        "haproxy.cfg",
        config,
        file -> List.of("-db", "-f", file.toString()));
  }

  private interface Args {
    List<String> of(Path config);
  }

  private static GatewayProcess start(
      Path binary, String debianPackage, String fileName, String config, Args args)
      throws IOException {
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(
          debianPackage
              + " is not installed at "
              + binary
              + ": this test runs the real server; install Debian's package first: apt-get install -y "
              + debianPackage);
    }
    int port = Ports.free();
    Path dir = Files.createTempDirectory(debianPackage + "-test");
    Path file = dir.resolve(fileName);
    Files.writeString(file, config.replace("PORT", Integer.toString(port)));
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args.of(file));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.log").toFile());
    // Caddy keeps its state under these; none of it outside the temp dir
    builder.environment().put("HOME", dir.toString());
    builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
    builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    Process process = builder.start();
    GatewayProcess gateway = new GatewayProcess(dir, process, port);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(
                      debianPackage + " exited with " + process.exitValue() + ": " + gateway.log());
                }
                return accepts(port);
              });
    } catch (RuntimeException | AssertionError e) {
      gateway.close();
      throw e;
    }
    return gateway;
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  String log() {
    try {
      return Files.readString(dir.resolve("output.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
