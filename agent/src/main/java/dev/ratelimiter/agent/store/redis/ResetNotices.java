package dev.ratelimiter.agent.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Tells every agent sharing a Redis that a client's counters were reset, so that each forgets its
 * cached refusals of that client at once rather than when they run out: a {@code PUBLISH} on {@link
 * #CHANNEL} of {@code <scope>|<client>} after the counters are deleted, and on every agent a
 * subscription on a connection of its own, opened again a second after it is lost. (In a Cluster a
 * message published on any node reaches subscribers on every node, so the subscription is on one
 * seed node, the next one after a loss.) A notice missed while the subscription was down leaves
 * that agent's cached refusals to run out by themselves.
 */
final class ResetNotices {

  static final String CHANNEL = "ratelimiter:resets";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResetNotices.class);
  private static final long RECONNECT_MILLIS = 1000;

  private final Vertx vertx;
  private final RedisOptions options;
  private final BiConsumer<String, String> listener;
  private Redis client;
  private RedisConnection connection;
  private int endpoint;
  private volatile boolean closed;

  ResetNotices(Vertx vertx, RedisOptions options, BiConsumer<String, String> listener) {
    this.vertx = vertx;
    this.options = options;
    this.listener = listener;
  }

  /** The notice that {@code client}'s counters of {@code scope} were reset. */
  static Request publish(String scope, String client) {
    return Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(scope + '|' + client);
  }

  void start() {
    vertx.runOnContext(v -> subscribe());
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    RedisOptions own = new RedisOptions(options).setMaxPoolSize(1);
    if (options.getType() == RedisClientType.CLUSTER) {
      List<String> seeds = options.getEndpoints();
      own.setType(RedisClientType.STANDALONE)
          .setEndpoints(List.of(seeds.get(endpoint++ % seeds.size())));
    }
    client = Redis.createClient(vertx, own);
    client
        .connect()
        .compose(
            c -> {
              connection = c;
              c.handler(this::message);
              c.exceptionHandler(e -> lost("failed: " + e));
              c.endHandler(v -> lost("closed"));
              return c.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL));
            })
        .onFailure(e -> lost("could not subscribe: " + e.getMessage()));
  }

  private void message(Response response) {
    // ["message", channel, payload] (RESP2), or a push of the same (RESP3)
    if (response == null
        || (response.type() != ResponseType.MULTI && response.type() != ResponseType.PUSH)
        || response.size() != 3
        || !"message".equals(response.get(0).toString())) {
      return;
    }
    String payload = response.get(2).toString();
    int bar = payload.indexOf('|'); // <namespace>/<name>|<client>: a scope holds no '|'
    if (bar > 0) {
      listener.accept(payload.substring(0, bar), payload.substring(bar + 1));
    }
  }

  private void lost(String why) {
    if (closed) {
      return;
    }
    LOG.debug("Reset notices subscription {}; subscribing again in {} ms", why, RECONNECT_MILLIS);
    closeClient();
    vertx.setTimer(RECONNECT_MILLIS, t -> subscribe());
  }

  private void closeClient() {
    RedisConnection c = connection;
    connection = null;
    if (c != null) {
      c.endHandler(null);
      c.exceptionHandler(null);
      c.close();
    }
    if (client != null) {
      client.close();
      client = null;
    }
  }

  Future<Void> close() {
    closed = true;
    vertx.runOnContext(v -> closeClient());
    return Future.succeededFuture();
  }
}
