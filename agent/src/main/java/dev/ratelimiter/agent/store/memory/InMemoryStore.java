package dev.ratelimiter.agent.store.memory;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.Costs;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counters in this process: exact for a single agent, with the same semantics as the Redis script
 * for every algorithm (check all limits, consume the request's cost from all only when all allow
 * it; the same arithmetic, see {@link dev.ratelimiter.agent.store.memory.LimitState}), on the
 * agent's monotonic clock. Expired state is swept so that memory follows the number of active
 * clients.
 *
 * <p>At most {@code maxClients} clients are tracked. When that many are, a new client is first
 * given a sweep of expired windows (at most one every {@link #FULL_SWEEP_INTERVAL_MS} ms, so a
 * flood of new keys cannot make every request walk the whole map); if the store is still full, the
 * request fails with {@link StoreUnavailableException} and the policy's failurePolicy decides, as
 * for an unreachable Redis. Clients already tracked are counted exactly as before.
 */
public final class InMemoryStore implements CounterStore {

  public static final int DEFAULT_MAX_CLIENTS = 1_000_000;
  static final long FULL_SWEEP_INTERVAL_MS = 100;

  private final Map<String, ClientLimits> clients = new ConcurrentHashMap<>();

  /**
   * Entries in {@link #clients}, counted as they are added and removed (ConcurrentHashMap.size() is
   * an estimate).
   */
  private final AtomicInteger tracked = new AtomicInteger();

  private final List<java.util.function.BiConsumer<String, String>> resetListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private final LongSupplier clockMillis;
  private final int maxClients;
  private final AtomicLong lastFullSweep = new AtomicLong(Long.MIN_VALUE / 2);

  public InMemoryStore(int maxClients) {
    this(() -> System.nanoTime() / 1_000_000L, maxClients);
  }

  /**
   * @param clockMillis a monotonic clock in milliseconds (tests pass a controllable one)
   */
  public InMemoryStore(LongSupplier clockMillis, int maxClients) {
    this.clockMillis = clockMillis;
    this.maxClients = maxClients;
  }

  @Override
  public Future<AcquireResult> acquireEach(
      String scope, String client, List<Limit> limits, long[] costs) {
    try {
      return Future.succeededFuture(acquireNow(scope, client, limits, costs));
    } catch (StoreUnavailableException e) {
      return Future.failedFuture(e);
    }
  }

  public AcquireResult acquireNow(String scope, String client, List<Limit> limits) {
    return acquireNow(scope, client, limits, 1);
  }

  public AcquireResult acquireNow(String scope, String client, List<Limit> limits, long cost) {
    if (cost < 1) {
      throw new IllegalArgumentException("cost must be at least 1: " + cost);
    }
    return acquireNow(scope, client, limits, Costs.uniform(limits.size(), cost));
  }

  public AcquireResult acquireNow(String scope, String client, List<Limit> limits, long[] costs) {
    if (costs.length != limits.size() || !Costs.valid(costs)) {
      throw new IllegalArgumentException(
          "a cost of at least 1 per limit: " + Arrays.toString(costs));
    }
    String key = scope + '|' + client;
    while (true) {
      ClientLimits windows = clients.get(key);
      if (windows == null) {
        windows = admitNewClient(key, limits.size());
      }
      AcquireResult result = windows.acquire(limits, costs, clockMillis.getAsLong());
      if (result != null) {
        return result;
      }
      // swept away between lookup and lock: look again
    }
  }

  @Override
  public Future<Void> settle(String scope, String client, List<Limit> limits, long[] deltas) {
    String key = scope + '|' + client;
    while (true) {
      ClientLimits windows = clients.get(key);
      if (windows == null) {
        boolean charges = false;
        for (long d : deltas) {
          charges |= d > 0;
        }
        if (!charges) {
          return Future.succeededFuture(); // nothing counted to give back
        }
        try {
          windows = admitNewClient(key, limits.size());
        } catch (StoreUnavailableException e) {
          return Future.failedFuture(e);
        }
      }
      if (windows.settle(limits, deltas, clockMillis.getAsLong())) {
        return Future.succeededFuture();
      }
    }
  }

  /** As the interface says; a client the store does not track is not admitted for it. */
  @Override
  public Future<AcquireResult> inspect(String scope, String client, List<Limit> limits) {
    long[] costs = Costs.beyondCapacity(limits);
    long now = clockMillis.getAsLong();
    while (true) {
      ClientLimits windows = clients.get(scope + '|' + client);
      AcquireResult result =
          (windows == null ? new ClientLimits(limits.size()) : windows).acquire(limits, costs, now);
      if (result != null) {
        return Future.succeededFuture(result);
      }
    }
  }

  @Override
  public Future<Void> reset(String scope, String client, List<Limit> limits) {
    ClientLimits windows = clients.get(scope + '|' + client);
    if (windows != null && windows.clear(limits)) {
      remove(scope + '|' + client, windows); // nothing left of it
    }
    resetListeners.forEach(l -> l.accept(scope, client)); // no other agent shares this store
    return Future.succeededFuture();
  }

  @Override
  public void onReset(java.util.function.BiConsumer<String, String> listener) {
    resetListeners.add(listener);
  }

  private ClientLimits admitNewClient(String key, int capacity) {
    if (tracked.get() >= maxClients && !sweepWhenFull()) {
      throw new StoreUnavailableException(
          StoreUnavailableException.Reason.FULL,
          "the in-memory store is full: it tracks "
              + maxClients
              + " clients (MEMORY_MAX_CLIENTS) and none of their windows has ended");
    }
    ClientLimits fresh = new ClientLimits(capacity);
    ClientLimits existing = clients.putIfAbsent(key, fresh);
    if (existing != null) {
      return existing;
    }
    if (tracked.incrementAndGet() > maxClients) {
      // lost a race for the last place
      remove(key, fresh);
      throw new StoreUnavailableException(
          StoreUnavailableException.Reason.FULL,
          "the in-memory store is full: it tracks " + maxClients + " clients (MEMORY_MAX_CLIENTS)");
    }
    return fresh;
  }

  /**
   * @return true when a sweep made room
   */
  private boolean sweepWhenFull() {
    long now = clockMillis.getAsLong();
    long last = lastFullSweep.get();
    if (now - last >= FULL_SWEEP_INTERVAL_MS && lastFullSweep.compareAndSet(last, now)) {
      sweepExpired();
    }
    return tracked.get() < maxClients;
  }

  /** Drops every client whose windows have all ended; called periodically. */
  public int sweepExpired() {
    long now = clockMillis.getAsLong();
    int removed = 0;
    for (Map.Entry<String, ClientLimits> entry : clients.entrySet()) {
      if (entry.getValue().retireIfExpired(now) && remove(entry.getKey(), entry.getValue())) {
        removed++;
      }
    }
    return removed;
  }

  private boolean remove(String key, ClientLimits windows) {
    windows.retire();
    if (clients.remove(key, windows)) {
      tracked.decrementAndGet();
      return true;
    }
    return false;
  }

  public int trackedClients() {
    return tracked.get();
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    clients.clear();
    tracked.set(0);
    return Future.succeededFuture();
  }

  @Override
  public String describe() {
    return "in-memory";
  }
}
