package dev.ratelimiter.agent.startup;

import dev.ratelimiter.policy.ForwardedHeader;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Runs this agent's request path before it reports ready, so that the first real requests do not
 * pay for class loading, interpretation and compilation: requests from made-up clients through the
 * very handlers real ones take ({@code /api} or the proxy, {@code /check}, gRPC), served on their
 * own loopback ports under {@link WarmUpPolicy} and, with a backend, proxied to a stand-in on
 * loopback, never to the real one. The store is the real one (its connections, script and, for a
 * Cluster, slot map are what must be warm), under the warm-up's own scope.
 *
 * <p>It goes in slices of {@link #SLICE_MILLIS} and ends when the JIT has settled (two slices in a
 * row spent less than a tenth of their time compiling, at about the same rate), when the store
 * fails (warming against it proves nothing), or at the bound {@code WARM_UP_SECONDS}.
 */
public final class WarmUp {

  static final long SLICE_MILLIS = 250;
  static final int HTTP_IN_FLIGHT = 16;
  static final int GRPC_IN_FLIGHT = 8;
  static final int CLIENTS = 65_536;
  static final String SHOULD_RATE_LIMIT =
      "/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit";

  /** Where the warm-up's requests go: this agent's own warm-up servers. */
  public record Targets(int http, int grpc, boolean proxying) {}

  /**
   * What the warm-up did.
   *
   * @param ended why it ended: {@code settled}, {@code time bound}, {@code store failing}, {@code
   *     off} or what failed
   */
  public record Report(long millis, long requests, String ended) {
    public String describe() {
      return requests + " requests in " + millis + " ms, ended: " + ended;
    }
  }

  private record Route(String method, String path) {}

  private final Vertx vertx;
  private final Policy policy;
  private final Targets targets;
  private final long maxMillis;
  private final LongSupplier storeFailures;
  private final List<Route> routes;
  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
  private final Promise<Report> done = Promise.promise();
  private HttpClient http;
  private HttpClient grpc;
  private long startNanos;
  private long requests;
  private long failed;
  private String lastFailure;
  private long sliceRequests;
  private long sliceCompileMillis;
  private int quietSlices;
  private long previousSliceRequests = -1;
  private long next;
  private int inFlight;
  private Report report;

  private WarmUp(
      Vertx vertx, Policy policy, Targets targets, long maxMillis, LongSupplier storeFailures) {
    this.vertx = vertx;
    this.policy = policy;
    this.targets = targets;
    this.maxMillis = maxMillis;
    this.storeFailures = storeFailures;
    this.routes = routes(policy, targets.proxying());
  }

  /**
   * Warms up against {@code targets}; never fails.
   *
   * @param policy the {@link WarmUpPolicy} the warm-up servers decide under
   * @param storeFailures how many of the warm-up's decisions the store failed so far
   */
  public static Future<Report> run(
      Vertx vertx, Policy policy, Targets targets, long maxMillis, LongSupplier storeFailures) {
    if (maxMillis <= 0) {
      return Future.succeededFuture(new Report(0, 0, "off"));
    }
    WarmUp warmUp = new WarmUp(vertx, policy, targets, maxMillis, storeFailures);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> warmUp.start());
    return warmUp.done.future();
  }

  private void start() {
    startNanos = System.nanoTime();
    sliceCompileMillis = compileMillis();
    http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(HTTP_IN_FLIGHT));
    grpc =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setTcpNoDelay(true),
            new PoolOptions().setHttp2MaxSize(1));
    for (int i = 0; i < HTTP_IN_FLIGHT; i++) {
      sendHttp();
    }
    for (int i = 0; i < GRPC_IN_FLIGHT; i++) {
      sendGrpc();
    }
    vertx.setTimer(SLICE_MILLIS, this::slice);
  }

  private void slice(long timer) {
    long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
    long compiling = compileMillis() - sliceCompileMillis;
    sliceCompileMillis += compiling;
    boolean quiet = jit == null || compiling * 10 < SLICE_MILLIS;
    boolean steady =
        previousSliceRequests > 0
            && Math.abs(sliceRequests - previousSliceRequests) * 4 <= previousSliceRequests;
    quietSlices = quiet && steady ? quietSlices + 1 : 0;
    previousSliceRequests = sliceRequests;
    sliceRequests = 0;
    if (storeFailures.getAsLong() > 0) {
      finish(elapsed, "store failing");
    } else if (requests == 0 && failed > 0) {
      finish(elapsed, "warm-up requests failed: " + lastFailure);
    } else if (quietSlices >= 2) {
      finish(elapsed, "settled");
    } else if (elapsed >= maxMillis) {
      finish(elapsed, "time bound");
    } else {
      vertx.setTimer(SLICE_MILLIS, this::slice);
    }
  }

  /** No more requests; the clients close once the last one is answered (or in a second). */
  private void finish(long elapsed, String why) {
    if (report == null) {
      report = new Report(elapsed, requests, why);
      vertx.setTimer(1000, t -> close());
      if (inFlight == 0) {
        close();
      }
    }
  }

  private void close() {
    if (!done.future().isComplete()) {
      http.close();
      grpc.close();
      done.complete(report);
    }
  }

  private long compileMillis() {
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  private void sendHttp() {
    if (report != null) {
      return;
    }
    inFlight++;
    long n = next++;
    Route route = routes.get((int) (n % routes.size()));
    boolean check = n % 3 == 2;
    if (!check && !targets.proxying()) {
      route = routes.get(0); // without a backend only GET /api is served
    }
    RequestOptions request =
        new RequestOptions()
            .setPort(targets.http())
            .setHost("127.0.0.1")
            .setMethod(check ? HttpMethod.GET : HttpMethod.valueOf(route.method()))
            .setURI(check ? "/check" + route.path() : route.path());
    client(n, request);
    http.request(request)
        .compose(r -> r.send().compose(resp -> resp.body()))
        .onComplete(
            ar -> {
              counted(ar.failed() ? ar.cause() : null);
              sendHttp();
            });
  }

  private void client(long n, RequestOptions request) {
    String address = address(n);
    request.putHeader(
        policy.clientKey().forwardedHeader() == ForwardedHeader.Forwarded
            ? "Forwarded"
            : "X-Forwarded-For",
        policy.clientKey().forwardedHeader() == ForwardedHeader.Forwarded
            ? "for=" + address
            : address);
    if (policy.clientKey().byHeader() && n % 4 != 3) { // some without the header, too
      request.putHeader(policy.clientKey().header(), "warm-up-" + (n % CLIENTS));
    }
  }

  private void sendGrpc() {
    if (report != null) {
      return;
    }
    inFlight++;
    long n = next++;
    Route route = routes.get((int) (n % routes.size()));
    RateLimitDescriptor.Builder descriptor =
        RateLimitDescriptor.newBuilder()
            .addEntries(entry("remote_address", address(n)))
            .addEntries(entry("method", route.method()))
            .addEntries(entry("path", route.path()));
    if (policy.clientKey().byHeader()) {
      descriptor.addEntries(
          entry(policy.clientKey().header().toLowerCase(Locale.ROOT), "warm-up-" + (n % CLIENTS)));
    }
    byte[] message =
        RateLimitRequest.newBuilder()
            .setDomain(policy.id())
            .addDescriptors(descriptor)
            .build()
            .toByteArray();
    Buffer frame = Buffer.buffer(5 + message.length).appendByte((byte) 0).appendInt(message.length);
    frame.appendBytes(message);
    grpc.request(
            new RequestOptions()
                .setPort(targets.grpc())
                .setHost("127.0.0.1")
                .setMethod(HttpMethod.POST)
                .setURI(SHOULD_RATE_LIMIT)
                .putHeader("content-type", "application/grpc")
                .putHeader("te", "trailers"))
        .compose(r -> r.send(frame).compose(resp -> resp.body()))
        .onComplete(
            ar -> {
              counted(ar.failed() ? ar.cause() : null);
              sendGrpc();
            });
  }

  private void counted(Throwable failure) {
    inFlight--;
    if (report != null && inFlight == 0) {
      close();
    }
    if (failure == null) {
      requests++;
      sliceRequests++;
    } else {
      failed++;
      lastFailure = failure.getMessage();
    }
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  private static String address(long n) {
    int i = (int) (n % CLIENTS);
    return WarmUpPolicy.CLIENT_PREFIX + (i >> 8) + '.' + (i & 255);
  }

  /** Every limit's route (its first path and method), and the plain {@code /api}. */
  private static List<Route> routes(Policy policy, boolean proxying) {
    List<Route> routes = new ArrayList<>();
    routes.add(new Route("GET", proxying ? "/api/warm-up" : "/api"));
    for (Limit limit : policy.limits()) {
      if (limit.match() != null) {
        String path =
            limit.match().pathPrefixes().isEmpty()
                ? "/api/warm-up"
                : limit.match().pathPrefixes().get(0);
        String method = limit.match().methods().isEmpty() ? "GET" : limit.match().methods().get(0);
        routes.add(new Route(method, path));
      }
    }
    return routes;
  }
}
