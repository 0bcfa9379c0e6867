package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterKeys;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts the checks one event loop collected in a turn into script calls: at most {@code max} checks
 * each, in arrival order, and — for a Redis Cluster — per hash slot, so that {@link NodeWrites} can
 * ask the client library's slot map for each slot's master once and join a master's slots into one
 * call. A client's counters share a slot through the key's hash tag, so a check never needs two
 * calls; two checks of one client always land in the same slot's batch, in order.
 */
final class Batches {

  record Batch(List<LuaScript.Check> checks, List<Promise<AcquireResult>> promises) {}

  private Batches() {}

  static List<Batch> split(
      List<LuaScript.Check> checks,
      List<Promise<AcquireResult>> promises,
      boolean bySlot,
      int max) {
    List<Batch> batches = new ArrayList<>();
    if (!bySlot) {
      for (int from = 0; from < checks.size(); from += max) {
        int to = Math.min(checks.size(), from + max);
        batches.add(new Batch(checks.subList(from, to), promises.subList(from, to)));
      }
      return batches;
    }
    Map<Integer, Batch> open = new LinkedHashMap<>();
    for (int i = 0; i < checks.size(); i++) {
      LuaScript.Check check = checks.get(i);
      int slot = HashSlot.of(CounterKeys.hashTag(check.scope(), check.client()));
      Batch batch = open.get(slot);
      if (batch == null || batch.checks().size() == max) {
        batch = new Batch(new ArrayList<>(), new ArrayList<>());
        open.put(slot, batch);
        batches.add(batch);
      }
      batch.checks().add(check);
      batch.promises().add(promises.get(i));
    }
    return batches;
  }
}
