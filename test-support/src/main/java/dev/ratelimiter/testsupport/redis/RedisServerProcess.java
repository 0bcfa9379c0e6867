package dev.ratelimiter.testsupport.redis;

import static org.awaitility.Awaitility.await;

import dev.ratelimiter.testsupport.net.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server process on a free loopback port, without persistence. Runs {@code
 * $REDIS_SERVER} when set, else the {@code redis-server} on {@code PATH} (Debian's), else the real
 * binary the embedded-redis dependency ships (extracted once per JVM), so tests run on a machine
 * with only a JDK and Maven.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final String EMBEDDED = "/redis-server-6.2.6-v5-linux-amd64";
  private static Path extracted;

  private final int port;
  private final String password;

  /** TLS only (no plain port): server certificate, its key, and the CA; null for plain Redis. */
  private final Path[] tls;

  /**
   * Arguments before the options (a config file, as Sentinel needs) and after them (more options).
   */
  private final List<String> head;

  private final List<String> tail;
  private Process process;

  private RedisServerProcess(int port, String password, Path[] tls) {
    this(port, password, tls, List.of(), List.of());
  }

  private RedisServerProcess(
      int port, String password, Path[] tls, List<String> head, List<String> tail) {
    this.port = port;
    this.password = password;
    this.tls = tls;
    this.head = List.copyOf(head);
    this.tail = List.copyOf(tail);
  }

  /** A running redis-server; {@code password} null = no {@code requirepass}. */
  public static RedisServerProcess start(String password) {
    RedisServerProcess redis = new RedisServerProcess(Ports.free(), password, null);
    redis.start();
    return redis;
  }

  /**
   * A running redis-server on {@code port} with {@code configFile} (null: none) and further
   * options, e.g. {@code --cluster-enabled yes} or {@code --sentinel}; {@code password} null = no
   * {@code requirepass}. Used by {@link RedisClusterProcesses} and {@link RedisSentinelProcesses}.
   */
  public static RedisServerProcess startWith(
      int port, String password, Path configFile, List<String> options) {
    List<String> head = configFile == null ? List.of() : List.of(configFile.toString());
    RedisServerProcess redis = new RedisServerProcess(port, password, null, head, options);
    redis.start();
    return redis;
  }

  /**
   * A TLS-only redis-server (Debian's is built with TLS), listening on 127.0.0.1 and 127.0.0.2, not
   * asking clients for certificates.
   */
  public static RedisServerProcess startTls(Path cert, Path key, Path ca) {
    RedisServerProcess redis =
        new RedisServerProcess(Ports.free(), null, new Path[] {cert, key, ca});
    redis.start();
    return redis;
  }

  /**
   * Starts (or, after {@link #stop}, restarts) the server on the same port; returns once it
   * answers.
   */
  public void start() {
    List<String> cmd = new ArrayList<>(List.of(binary().toString()));
    cmd.addAll(head);
    cmd.addAll(
        List.of(
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning"));
    if (tls != null) {
      cmd.addAll(
          List.of(
              "--port",
              "0",
              "--tls-port",
              Integer.toString(port),
              "--bind",
              "127.0.0.1",
              "127.0.0.2",
              "--tls-cert-file",
              tls[0].toString(),
              "--tls-key-file",
              tls[1].toString(),
              "--tls-ca-cert-file",
              tls[2].toString(),
              "--tls-auth-clients",
              "no"));
    }
    if (password != null) {
      cmd.addAll(List.of("--requirepass", password));
    }
    cmd.addAll(tail);
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + cmd, e);
    }
    if (tls != null) {
      // The plain-text command() cannot speak TLS: listening is enough here; the tests speak TLS.
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                  return true;
                }
              });
      return;
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> command("PING").startsWith("+PONG"));
  }

  /** SIGKILL, as when the node or container dies. */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Whether the process was started and not stopped (it may still have died by itself). */
  public boolean running() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /**
   * Script runs this server answered since its statistics were last reset ({@code CONFIG
   * RESETSTAT}), not counting an {@code EVALSHA} refused with {@code NOSCRIPT} (then sent again as
   * {@code EVAL}).
   */
  public long scriptRuns() throws IOException {
    long runs = 0;
    for (String line : command("INFO commandstats").split("\\r?\\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        runs += stat(line, "calls") - stat(line, "failed_calls");
      }
    }
    return runs;
  }

  private static long stat(String line, String name) {
    for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
      if (field.startsWith(name + "=")) {
        return Long.parseLong(field.substring(name.length() + 1));
      }
    }
    throw new IllegalArgumentException(name + " not in " + line);
  }

  /**
   * Sends inline commands on one connection (e.g. {@code READONLY}, then a read from a Cluster
   * replica) and returns the last one's reply: a status line, or a bulk string's whole value.
   */
  public String command(String... inline) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      StringBuilder payload = new StringBuilder();
      if (password != null) {
        payload.append("AUTH ").append(password).append("\r\n");
      }
      for (String command : inline) {
        payload.append(command).append("\r\n");
      }
      out.write(payload.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (password != null) {
        readLine(in);
      }
      String reply = null;
      for (int i = 0; i < inline.length; i++) {
        reply = readLine(in);
        if (reply.startsWith("$") && !reply.equals("$-1")) {
          // the whole bulk string, lines and all (e.g. INFO)
          byte[] value = in.readNBytes(Integer.parseInt(reply.substring(1)));
          readLine(in);
          reply = new String(value, StandardCharsets.UTF_8);
        }
      }
      return reply;
    }
  }

  public void flushAll() throws IOException {
    command("FLUSHALL");
  }

  @Override
  public void close() {
    stop();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  /**
   * The redis-server to run: {@code $REDIS_SERVER}, else the one on PATH, else the embedded one.
   */
  public static synchronized Path binary() {
    String fromEnv = System.getenv("REDIS_SERVER");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    if (extracted != null) {
      return extracted;
    }
    try (InputStream in = RedisServerProcess.class.getResourceAsStream(EMBEDDED)) {
      if (in == null) {
        throw new IllegalStateException(
            "no redis-server on PATH and no embedded binary " + EMBEDDED);
      }
      // Once per JVM, to a file of its own: rewriting a binary that is running fails (ETXTBSY).
      Path target = Files.createTempFile("ratelimiter-test-redis-server-", "");
      target.toFile().deleteOnExit();
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (!target.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make " + target + " executable");
      }
      extracted = target;
      return target;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
