import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Time to first byte of a streamed LLM answer, straight from the backend and through the agent. Run
 * from the repository with the agent's jar on the class path (the JDK compiles a single source file
 * itself):
 *
 * <pre>
 * java -cp agent/target/agent.jar bench/StreamTtfb.java backend PORT EVENTS INTERVAL-MS
 * java -cp agent/target/agent.jar bench/StreamTtfb.java measure SECONDS CONCURRENCY NAME=PORT...
 * </pre>
 *
 * {@code backend} answers every POST with an OpenAI-style event stream: one event at once, then
 * EVENTS more INTERVAL-MS apart, then the usage chunk and {@code [DONE]}. {@code measure} sends
 * streaming chat requests to each named port in turn (CONCURRENCY at a time, SECONDS per port),
 * and prints per port the requests, and the p50/p90/p99 of the time to the first body byte and to
 * the end, in milliseconds. Loopback only.
 */
public class StreamTtfb {

  private static final Buffer BODY =
      Buffer.buffer("{\"model\":\"bench\",\"stream\":true,\"max_tokens\":200,\"messages\":[]}");

  public static void main(String[] args) throws Exception {
    if (args[0].equals("backend")) {
      backend(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
    } else {
      int seconds = Integer.parseInt(args[1]);
      int concurrency = Integer.parseInt(args[2]);
      Vertx vertx = Vertx.vertx();
      for (int i = 3; i < args.length; i++) {
        String[] target = args[i].split("=");
        measure(vertx, target[0], Integer.parseInt(target[1]), seconds, concurrency);
      }
      vertx.close().await();
    }
  }

  private static void backend(int port, int events, long intervalMillis) {
    Vertx vertx = Vertx.vertx();
    vertx
        .createHttpServer()
        .requestHandler(
            request ->
                request
                    .body()
                    .onSuccess(
                        body -> {
                          HttpServerResponse response =
                              request
                                  .response()
                                  .setChunked(true)
                                  .putHeader("Content-Type", "text/event-stream");
                          response.write(event("Hello"));
                          stream(vertx, response, events, intervalMillis);
                        }))
        .listen(port, "127.0.0.1")
        .await();
    System.out.println("streaming on 127.0.0.1:" + port);
  }

  private static Buffer event(String text) {
    return Buffer.buffer("data: {\"choices\":[{\"delta\":{\"content\":\"" + text + "\"}}]}\n\n");
  }

  private static void stream(Vertx vertx, HttpServerResponse response, int left, long interval) {
    if (response.closed()) {
      return;
    }
    if (left == 0) {
      response.write(
          "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":200,"
              + "\"total_tokens\":212}}\n\n");
      response.end("data: [DONE]\n\n");
      return;
    }
    vertx.setTimer(
        interval,
        t -> {
          response.write(event(" word"));
          stream(vertx, response, left - 1, interval);
        });
  }

  private static void measure(Vertx vertx, String name, int port, int seconds, int concurrency)
      throws Exception {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(concurrency));
    List<Long> first = Collections.synchronizedList(new ArrayList<>());
    List<Long> whole = Collections.synchronizedList(new ArrayList<>());
    long[] failed = new long[1];
    long endNanos = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      loop(client, port, endNanos, first, whole, failed, done);
      loops.add(done.future());
    }
    Future.all(loops).await();
    client.close().await();
    System.out.printf(
        "%s requests=%d failed=%d ttfb_ms p50=%.2f p90=%.2f p99=%.2f whole_ms p50=%.2f p99=%.2f%n",
        name,
        first.size(),
        failed[0],
        percentile(first, 50),
        percentile(first, 90),
        percentile(first, 99),
        percentile(whole, 50),
        percentile(whole, 99));
  }

  private static void loop(
      HttpClient client,
      int port,
      long endNanos,
      List<Long> first,
      List<Long> whole,
      long[] failed,
      Promise<Void> done) {
    if (System.nanoTime() >= endNanos) {
      done.complete();
      return;
    }
    long start = System.nanoTime();
    long[] firstByte = {0};
    client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/api/v1/chat/completions")
                .putHeader("Content-Type", "application/json"))
        .compose(
            request ->
                request
                    .send(BODY)
                    .compose(
                        response -> {
                          if (response.statusCode() != 200) {
                            return Future.failedFuture("status " + response.statusCode());
                          }
                          response.handler(
                              chunk -> {
                                if (firstByte[0] == 0) {
                                  firstByte[0] = System.nanoTime();
                                }
                              });
                          return response.end();
                        }))
        .onComplete(
            result -> {
              if (result.succeeded() && firstByte[0] != 0) {
                first.add(firstByte[0] - start);
                whole.add(System.nanoTime() - start);
              } else {
                synchronized (failed) {
                  failed[0]++;
                }
              }
              loop(client, port, endNanos, first, whole, failed, done);
            });
  }

  private static double percentile(List<Long> nanos, int p) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, index)) / 1e6;
  }
}
