package dev.ratelimiter.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user's API, as its own process: a JDK HTTP server that answers every {@code /api/**} request
 * with 200 and a small JSON body, and counts them; {@code GET /requests} (outside {@code /api}, so
 * the agents never forward it) reports the count. Run by {@link #start}; its {@link #main} is the
 * process.
 */
final class BackendProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  final String address;

  private BackendProcess(Process process, String address) {
    this.process = process;
    this.address = address;
  }

  /** Starts the backend on {@code host:port} and waits until it answers. */
  static BackendProcess start(String host, int port, Path log) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                BackendProcess.class.getName(),
                host,
                Integer.toString(port)));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      BackendProcess backend = new BackendProcess(p, host + ":" + port);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> backend.requests() >= 0);
      return backend;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the backend", e);
    }
  }

  /** The {@code /api/**} requests that reached the backend so far. */
  long requests() throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + address + "/requests")).build(),
            HttpResponse.BodyHandlers.ofString());
    return Long.parseLong(r.body().trim());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  public static void main(String[] args) throws IOException {
    AtomicLong count = new AtomicLong();
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), 100);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext(
        "/api",
        exchange -> {
          count.incrementAndGet();
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          byte[] body =
              ("{\"backend\":\"e2e\",\"uri\":\"" + exchange.getRequestURI().getRawPath() + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext(
        "/requests",
        exchange -> {
          byte[] body = Long.toString(count.get()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    System.out.println("backend serving on " + args[0] + ":" + args[1]);
  }
}
