package dev.ratelimiter.agent.store;

import dev.ratelimiter.agent.policy.Limit;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counters in this process: exact for a single agent, with the same semantics as the Redis script
 * (check all limits, consume from all only when all allow; each window starts at the client's first
 * request). Expired windows are swept so that memory follows the number of active clients.
 */
public final class InMemoryStore implements CounterStore {

    private final Map<String, ClientWindows> clients = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    public InMemoryStore() {
        this(() -> System.nanoTime() / 1_000_000L);
    }

    /** @param clockMillis a monotonic clock in milliseconds (tests pass a controllable one) */
    public InMemoryStore(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    @Override
    public Future<AcquireResult> acquire(String scope, String client, List<Limit> limits) {
        return Future.succeededFuture(acquireNow(scope, client, limits));
    }

    AcquireResult acquireNow(String scope, String client, List<Limit> limits) {
        ClientWindows windows = clients.computeIfAbsent(scope + '|' + client, k -> new ClientWindows());
        return windows.acquire(limits, clockMillis.getAsLong());
    }

    /** Drops every client whose windows have all ended; called periodically. */
    public int sweepExpired() {
        long now = clockMillis.getAsLong();
        int before = clients.size();
        clients.values().removeIf(w -> w.allExpired(now));
        return before - clients.size();
    }

    public int trackedClients() {
        return clients.size();
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
        clients.clear();
        return Future.succeededFuture();
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    /** One client's open windows, by limit name; every method holds the client's lock. */
    private static final class ClientWindows {
        private final Map<String, long[]> byLimit = new HashMap<>(4); // name -> {count, endsAtMillis}

        synchronized AcquireResult acquire(List<Limit> limits, long now) {
            int n = limits.size();
            long[] counts = new long[n];
            long[] resets = new long[n];
            boolean allowed = true;
            for (int i = 0; i < n; i++) {
                Limit limit = limits.get(i);
                long[] window = byLimit.get(limit.name());
                if (window != null && window[1] <= now) {
                    byLimit.remove(limit.name());
                    window = null;
                }
                counts[i] = window == null ? 0 : window[0];
                resets[i] = window == null ? limit.windowMillis() : window[1] - now;
                if (counts[i] >= limit.requests()) {
                    allowed = false;
                }
            }
            if (allowed) {
                for (int i = 0; i < n; i++) {
                    Limit limit = limits.get(i);
                    long[] window = byLimit.computeIfAbsent(limit.name(), k -> new long[]{0, now + limit.windowMillis()});
                    counts[i] = ++window[0];
                    resets[i] = window[1] - now;
                }
            }
            return new AcquireResult(allowed, counts, resets);
        }

        synchronized boolean allExpired(long now) {
            byLimit.values().removeIf(window -> window[1] <= now);
            return byLimit.isEmpty();
        }
    }
}
