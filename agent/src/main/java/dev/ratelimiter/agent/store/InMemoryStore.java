package dev.ratelimiter.agent.store;

import dev.ratelimiter.agent.policy.Limit;
import io.vertx.core.Future;

import java.util.Arrays;
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
        ClientWindows windows = clients.computeIfAbsent(scope + '|' + client, k -> new ClientWindows(limits.size()));
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

    /**
     * One client's open windows, one slot per limit: parallel arrays rather than a map, because a
     * store may hold hundreds of thousands of clients and their footprint is what the GC walks.
     * Every method holds the client's lock.
     */
    private static final class ClientWindows {
        private String[] names;
        private long[] counts;
        private long[] ends; // when each window ends, in clock milliseconds
        private int size;

        ClientWindows(int capacity) {
            names = new String[capacity];
            counts = new long[capacity];
            ends = new long[capacity];
        }

        synchronized AcquireResult acquire(List<Limit> limits, long now) {
            int n = limits.size();
            long[] used = new long[n];
            long[] resets = new long[n];
            boolean allowed = true;
            for (int i = 0; i < n; i++) {
                Limit limit = limits.get(i);
                int slot = indexOf(limit.name());
                if (slot >= 0 && ends[slot] <= now) {
                    removeAt(slot);
                    slot = -1;
                }
                used[i] = slot < 0 ? 0 : counts[slot];
                resets[i] = slot < 0 ? limit.windowMillis() : ends[slot] - now;
                if (used[i] >= limit.requests()) {
                    allowed = false;
                }
            }
            if (allowed) {
                for (int i = 0; i < n; i++) {
                    Limit limit = limits.get(i);
                    int slot = indexOf(limit.name());
                    if (slot < 0) {
                        slot = add(limit.name(), now + limit.windowMillis());
                    }
                    used[i] = ++counts[slot];
                    resets[i] = ends[slot] - now;
                }
            }
            return new AcquireResult(allowed, used, resets);
        }

        synchronized boolean allExpired(long now) {
            for (int i = size - 1; i >= 0; i--) {
                if (ends[i] <= now) {
                    removeAt(i);
                }
            }
            return size == 0;
        }

        private int indexOf(String name) {
            for (int i = 0; i < size; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        private int add(String name, long end) {
            if (size == names.length) {
                int capacity = Math.max(1, size * 2);
                names = Arrays.copyOf(names, capacity);
                counts = Arrays.copyOf(counts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
            names[size] = name;
            counts[size] = 0;
            ends[size] = end;
            return size++;
        }

        private void removeAt(int slot) {
            size--;
            names[slot] = names[size];
            counts[slot] = counts[size];
            ends[slot] = ends[size];
            names[size] = null;
        }
    }
}
