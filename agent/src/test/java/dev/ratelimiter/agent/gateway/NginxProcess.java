package dev.ratelimiter.agent.gateway;

import static org.awaitility.Awaitility.await;

import dev.ratelimiter.testsupport.net.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's {@code nginx-light}) run by a test: its own prefix, configuration, pid
 * file, logs and temp directories in a temp dir, {@code daemon off}, on a loopback port. Missing
 * nginx is a test failure with the command that installs it, never a silent skip.
 */
public final class NginxProcess implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/sbin/nginx");

  private final Path dir;
  private final Process process;
  public final int port;

  private NginxProcess(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /**
   * @param serverBlock the {@code server { ... }} block(s); {@code PORT} in it is replaced by
   *     nginx's own port
   */
  public static NginxProcess start(String serverBlock) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(
          "nginx is not installed at "
              + BINARY
              + ": this test runs a real nginx;"
              + " install Debian's package first: apt-get install -y nginx-light");
    }
    int port = Ports.free();
    Path dir = Files.createTempDirectory("nginx-test");
    Files.createDirectories(dir.resolve("tmp"));
    boolean root = "root".equals(System.getProperty("user.name"));
    String conf =
        (root ? "user root;\n" : "")
            + """
                daemon off;
                worker_processes 1;
                pid DIR/nginx.pid;
                error_log DIR/error.log info;
                events { worker_connections 256; }
                http {
                  access_log DIR/access.log;
                  client_body_temp_path DIR/tmp/body;
                  proxy_temp_path DIR/tmp/proxy;
                  fastcgi_temp_path DIR/tmp/fastcgi;
                  uwsgi_temp_path DIR/tmp/uwsgi;
                  scgi_temp_path DIR/tmp/scgi;
                """
                .replace("DIR", dir.toString())
            + serverBlock.replace("PORT", Integer.toString(port))
            + "\n}\n";
    Files.writeString(dir.resolve("nginx.conf"), conf);
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "-p",
                dir.toString(),
                "-c",
                "nginx.conf",
                "-e",
                dir.resolve("error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    NginxProcess nginx = new NginxProcess(dir, process, port);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(
                      "nginx exited with " + process.exitValue() + ": " + nginx.log());
                }
                return accepts(port);
              });
    } catch (RuntimeException | AssertionError e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The request lines nginx logged, one per request it served, oldest first. */
  public java.util.List<String> requestLines() {
    try {
      return Files.readAllLines(dir.resolve("access.log")).stream()
          .map(l -> l.substring(l.indexOf('"') + 1, l.indexOf('"', l.indexOf('"') + 1)))
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("error.log"))
          + Files.readString(dir.resolve("stdout.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: nginx's fast shutdown
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
