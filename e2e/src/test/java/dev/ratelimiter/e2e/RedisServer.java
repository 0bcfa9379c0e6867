package dev.ratelimiter.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server on a free port of 127.0.0.1 with {@code requirepass}, no persistence: the
 * {@code redis-server} on PATH, else the real binary the embedded-redis test dependency ships.
 */
final class RedisServer implements AutoCloseable {

  private static final String EMBEDDED = "/redis-server-6.2.6-v5-linux-amd64";

  private final int port;
  private final Process process;

  RedisServer(String password) {
    port = freePort();
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning", "--requirepass", password));
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + cmd, e);
    }
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ping(password));
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  private boolean ping(String password) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(1000);
      s.getOutputStream().write(("AUTH " + password + "\r\nPING\r\n").getBytes(StandardCharsets.UTF_8));
      byte[] buf = new byte[64];
      StringBuilder sb = new StringBuilder();
      while (!sb.toString().contains("PONG")) {
        int n = s.getInputStream().read(buf);
        if (n < 0) {
          return false;
        }
        sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      return true;
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static synchronized Path binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    try (InputStream in = RedisServer.class.getResourceAsStream(EMBEDDED)) {
      if (in == null) {
        throw new IllegalStateException("no redis-server on PATH and no embedded binary " + EMBEDDED);
      }
      Path target = Files.createTempFile("ratelimiter-e2e-redis-server", "");
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      target.toFile().setExecutable(true);
      target.toFile().deleteOnExit();
      return target;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
