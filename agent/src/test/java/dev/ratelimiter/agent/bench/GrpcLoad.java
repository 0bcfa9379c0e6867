package dev.ratelimiter.agent.bench;

import dev.ratelimiter.agent.grpc.RlsClient;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded gRPC load loop for {@code bench/check.sh}: keeps {@code inFlight} ShouldRateLimit calls
 * open against 127.0.0.1:{@code port} (multiplexed on HTTP/2, as Envoy does), each for a
 * client drawn from a pool of 1,000,000, for {@code warmup} then {@code seconds} seconds or at most
 * {@code maxCalls} calls, and prints "calls/s ok over_limit errors" for the measured part.
 *
 * <p>Usage: {@code GrpcLoad <port> <domain> <seconds> <inFlight> <maxCalls> <warmupSeconds> [abuser]}
 */
public final class GrpcLoad {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String domain = args[1];
        long seconds = Long.parseLong(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        long maxCalls = Long.parseLong(args[4]);
        long warmup = Long.parseLong(args[5]);
        boolean abuser = args.length > 6 && args[6].equals("abuser");
        Vertx vertx = Vertx.vertx();
        GrpcClient client = GrpcClient.client(vertx);
        SocketAddress address = SocketAddress.inetSocketAddress(port, "127.0.0.1");
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong ok = new AtomicLong();
        AtomicLong over = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong started = new AtomicLong();
        CountDownLatch done = new CountDownLatch(inFlight);
        java.util.SplittableRandom seed = new java.util.SplittableRandom(42);
        for (int i = 0; i < inFlight; i++) {
            java.util.SplittableRandom random = seed.split();
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                long now = System.nanoTime();
                if (now >= end || started.incrementAndGet() > maxCalls) {
                    done.countDown();
                    return;
                }
                boolean measured = now >= warmupEnd;
                int n = abuser ? 0 : random.nextInt(1_000_000);
                String ip = "100." + (n / 65536) + "." + ((n / 256) % 256) + "." + (n % 256);
                RateLimitRequest request = RlsClient.request(domain, 0, RlsClient.descriptor("remote_address", ip, "method", "GET", "path", "/api"));
                client.request(address, RlsClient.SHOULD_RATE_LIMIT)
                        .compose(req -> req.send(request))
                        .compose(resp -> resp.last())
                        .onComplete(ar -> {
                            if (measured && System.nanoTime() < end) {
                                if (ar.failed()) {
                                    errors.incrementAndGet();
                                } else if (ar.result().getOverallCode() == RateLimitResponse.Code.OK) {
                                    ok.incrementAndGet();
                                } else {
                                    over.incrementAndGet();
                                }
                            }
                            next[0].run();
                        });
            };
            vertx.runOnContext(v -> next[0].run());
        }
        if (!done.await(warmup + seconds + 30, TimeUnit.SECONDS)) {
            System.err.println("load did not finish in time");
        }
        long calls = ok.get() + over.get() + errors.get();
        System.out.printf("%.0f %d %d %d%n", calls / (double) seconds, ok.get(), over.get(), errors.get());
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(0);
    }
}
