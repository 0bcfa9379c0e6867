package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.RequestGrouping;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis Cluster: the checks of one flush, cut per hash slot ({@link Batches}), grouped by the
 * master that serves their slots (the client library's own slot map, asked with one key of each
 * slot) and sent to each master as few script calls as {@code maxBatch} allows, in the {@link
 * LuaScript#LIMITS_ACROSS_SLOTS} form: clients spread over 16,384 slots, so a call per slot would
 * rarely carry more than one decision, and Redis would pay its per-call work for each.
 *
 * <p>A slot's checks stay in one call or in consecutive calls to its master, in order, so two
 * checks of one client are decided as if they had come one by one. A check whose slot the node no
 * longer serves (resharding, a stale slot map) consumes nothing there and is sent again on its own.
 * Finding the nodes may wait for the slot map: that wait is bounded like a call ({@link
 * ScriptCalls#bounded}).
 */
final class NodeWrites {

  private NodeWrites() {}

  /** Sends {@code batches} and returns one future per batch, in order. */
  static List<Future<List<AcquireResult>>> send(
      RedisConnection connection, List<Batches.Batch> batches, ScriptCalls calls, int maxBatch) {
    long begunAt = RedisClock.now();
    List<Promise<List<AcquireResult>>> results = new ArrayList<>(batches.size());
    Map<Request, Integer> index = new IdentityHashMap<>();
    List<Request> probes = new ArrayList<>(batches.size());
    for (int i = 0; i < batches.size(); i++) {
      results.add(Promise.promise());
      LuaScript.Check first = batches.get(i).checks().get(0);
      Request probe =
          Request.cmd(Command.GET)
              .arg(LuaScript.key(first.scope(), first.client(), first.limits().get(0)));
      index.put(probe, i);
      probes.add(probe);
    }
    calls
        .bounded(RedisCluster.create(connection).groupByNodes(probes), begunAt)
        .onComplete(
            grouped -> {
              if (grouped.failed()) {
                Throwable cause = calls.unavailable(grouped.cause());
                results.forEach(r -> r.tryFail(cause));
                return;
              }
              for (List<Request> node : nodes(grouped.result())) {
                List<Integer> ids = node.stream().map(index::get).toList();
                for (List<Integer> call : calls(ids, batches, maxBatch)) {
                  send(connection, call, batches, results, calls, begunAt);
                }
              }
            });
    List<Future<List<AcquireResult>>> futures = new ArrayList<>(results.size());
    results.forEach(r -> futures.add(r.future()));
    return futures;
  }

  /** One script call deciding the checks of batches {@code ids}, answering each batch its part. */
  private static void send(
      RedisConnection connection,
      List<Integer> ids,
      List<Batches.Batch> batches,
      List<Promise<List<AcquireResult>>> results,
      ScriptCalls calls,
      long begunAt) {
    List<LuaScript.Check> checks = new ArrayList<>();
    ids.forEach(id -> checks.addAll(batches.get(id).checks()));
    calls
        .call(connection, checks, begunAt)
        .compose(decided -> movedAlone(connection, checks, decided, calls, begunAt))
        .onComplete(
            ar -> {
              int at = 0;
              for (int id : ids) {
                int size = batches.get(id).checks().size();
                if (ar.succeeded()) {
                  results.get(id).tryComplete(ar.result().subList(at, at + size));
                } else {
                  results.get(id).tryFail(ar.cause());
                }
                at += size;
              }
            });
  }

  /**
   * Sends again, each on its own, the checks whose slot the node no longer serves ({@link
   * LuaScript#MOVED}, resharding): declared alone, a check's counter routes its call, and a node
   * that does not serve its slot answers {@code MOVED}, which the client library follows (and reads
   * the slot map again). Nothing of them was consumed. The rest keep their results.
   */
  private static Future<List<AcquireResult>> movedAlone(
      RedisConnection connection,
      List<LuaScript.Check> checks,
      List<AcquireResult> decided,
      ScriptCalls calls,
      long begunAt) {
    List<Future<List<AcquireResult>>> again = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < decided.size(); i++) {
      if (decided.get(i) == LuaScript.MOVED) {
        at.add(i);
        again.add(calls.call(connection, List.of(checks.get(i)), begunAt));
      }
    }
    if (again.isEmpty()) {
      return Future.succeededFuture(decided);
    }
    return Future.join(again)
        .transform(
            ignored -> {
              List<AcquireResult> results = new ArrayList<>(decided);
              for (int n = 0; n < at.size(); n++) {
                Future<List<AcquireResult>> one = again.get(n);
                // a check that failed again stays MOVED: a store error for it alone
                results.set(at.get(n), one.succeeded() ? one.result().get(0) : LuaScript.MOVED);
              }
              return Future.succeededFuture(results);
            });
  }

  /** A node's batches, in order, cut into calls of at most {@code maxBatch} checks. */
  private static List<List<Integer>> calls(
      List<Integer> ids, List<Batches.Batch> batches, int maxBatch) {
    List<List<Integer>> calls = new ArrayList<>();
    List<Integer> call = new ArrayList<>();
    int size = 0;
    for (int id : ids) {
      int n = batches.get(id).checks().size();
      if (!call.isEmpty() && size + n > maxBatch) {
        calls.add(call);
        call = new ArrayList<>();
        size = 0;
      }
      call.add(id);
      size += n;
    }
    if (!call.isEmpty()) {
      calls.add(call);
    }
    return calls;
  }

  /** Every node's batches; one the library could not place (none expected) goes on its own. */
  private static List<List<Request>> nodes(RequestGrouping grouping) {
    List<List<Request>> nodes = new ArrayList<>(grouping.getKeyed());
    for (Request unplaced : grouping.getUnkeyed()) {
      nodes.add(List.of(unplaced));
    }
    return nodes;
  }
}
