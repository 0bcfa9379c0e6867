package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.answer.Problems;
import dev.ratelimiter.agent.clientkey.ClientKeyResolver;
import dev.ratelimiter.agent.clientkey.HeaderClientKey;
import dev.ratelimiter.agent.clientkey.JwtClientKey;
import dev.ratelimiter.agent.limiter.ClientQuotas;
import dev.ratelimiter.agent.limiter.TopRefused;
import dev.ratelimiter.policy.ClientKeySource;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The admin API's clients: {@code GET /admin/clients/{client}} (what a client has used and left of
 * every limit, counting nothing), {@code POST /admin/clients/lookup} (the same for a raw address,
 * header value, token or claim, which never appear in a URL or a log), {@code DELETE
 * /admin/clients/{client}[?limit=]} (its full quota again, on every agent) and {@code GET
 * /admin/clients?top=N} (the clients this agent refused most lately). Behind the admin token.
 */
public final class AdminClientsHandler {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(AdminClientsHandler.class);

  public static final String PATH = dev.ratelimiter.contract.AgentContract.ADMIN_CLIENTS_PATH;

  /** Longer than any client key the agent makes (an IPv6 address, a hash with its prefix). */
  static final int MAX_CLIENT_LENGTH = 256;

  public static final int MAX_LOOKUP_BYTES = 16 * 1024;
  static final int MAX_TOP = 100;
  private static final Set<String> LOOKUP_FIELDS = Set.of("address", "header", "token", "claim");

  private final ClientQuotas quotas;
  private final TopRefused topRefused;

  public AdminClientsHandler(ClientQuotas quotas, TopRefused topRefused) {
    this.quotas = quotas;
    this.topRefused = topRefused;
  }

  public void inspect(RoutingContext ctx) {
    String client = client(ctx);
    if (client != null) {
      answer(ctx, quotas.inspect(client).map(AdminClientsHandler::report));
    }
  }

  public void reset(RoutingContext ctx) {
    String client = client(ctx);
    if (client == null) {
      return;
    }
    String limit = ctx.request().getParam("limit");
    Future<JsonObject> done;
    try {
      done =
          quotas
              .reset(client, limit)
              .onSuccess(
                  v ->
                      LOG.info(
                          "Reset client {} of policy {} ({}) by an admin request from {}",
                          client,
                          quotas.policy().id(),
                          limit == null ? "every limit" : "limit " + limit,
                          ctx.request().remoteAddress()))
              .map(
                  v ->
                      new JsonObject()
                          .put("client", client)
                          .put("reset", true)
                          .put("limit", limit));
    } catch (IllegalArgumentException e) {
      Problems.send(ctx.response(), 404, "Not Found", e.getMessage());
      return;
    }
    answer(ctx, done);
  }

  public void lookup(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null
        || body.size() != 1
        || !LOOKUP_FIELDS.contains(body.fieldNames().iterator().next())) {
      badRequest(
          ctx,
          "The body must be a JSON object with exactly one of "
              + LOOKUP_FIELDS.stream().sorted().toList()
              + " as a string.");
      return;
    }
    String field = body.fieldNames().iterator().next();
    Object value = body.getValue(field);
    if (!(value instanceof String raw) || raw.isBlank()) {
      badRequest(ctx, "'" + field + "' must be a non-empty string.");
      return;
    }
    String client;
    try {
      client = keyOf(quotas.policy(), field, raw);
    } catch (IllegalArgumentException e) {
      badRequest(ctx, e.getMessage());
      return;
    }
    answer(ctx, quotas.inspect(client).map(AdminClientsHandler::report));
  }

  /** The canonical client key of a raw identity, as the public port would make it. */
  static String keyOf(Policy policy, String field, String raw) {
    ClientKeySource source = policy.clientKey().source();
    switch (field) {
      case "address" -> {
        String key = ClientKeyResolver.canonicalAddress(policy.clientKey(), raw);
        if (key == null) {
          throw new IllegalArgumentException("'address' is not an IPv4 or IPv6 address.");
        }
        return key;
      }
      case "header" -> {
        requireSource(source, ClientKeySource.Header, field);
        String key = HeaderClientKey.of(List.of(raw));
        if (key == null) {
          throw new IllegalArgumentException("'header' is longer than a client header may be.");
        }
        return key;
      }
      case "claim" -> {
        requireSource(source, ClientKeySource.Jwt, field);
        return JwtClientKey.keyOf(raw);
      }
      default -> { // token
        requireSource(source, ClientKeySource.Jwt, field);
        String value = raw.regionMatches(true, 0, "Bearer ", 0, 7) ? raw : "Bearer " + raw;
        JwtClientKey.Outcome outcome =
            JwtClientKey.of(policy).resolve(List.of(value), System.currentTimeMillis());
        if (outcome == null || outcome.invalid() != null) {
          throw new IllegalArgumentException(
              "The token is not valid: "
                  + (outcome == null ? "empty" : outcome.invalid().getMessage())
                  + ".");
        }
        return outcome.key();
      }
    }
  }

  private static void requireSource(ClientKeySource source, ClientKeySource needed, String field) {
    if (source != needed) {
      throw new IllegalArgumentException(
          "'"
              + field
              + "' needs clientKey.source "
              + needed
              + "; the policy counts by "
              + source
              + ".");
    }
  }

  public void top(RoutingContext ctx) {
    String param = ctx.request().getParam("top", "10");
    int n;
    try {
      n = Integer.parseInt(param);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > MAX_TOP) {
      badRequest(ctx, "'top' must be a whole number from 1 to " + MAX_TOP + ".");
      return;
    }
    JsonArray clients = new JsonArray();
    for (TopRefused.Client c : topRefused.top(n)) {
      clients.add(
          new JsonObject()
              .put("client", c.key())
              .put("refused", c.count())
              .put("overcount", c.error()));
    }
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put("clients", clients)
                .put(
                    "window",
                    "this agent, the last "
                        + TopRefused.PERIOD_MILLIS / 60_000
                        + " to "
                        + 2 * TopRefused.PERIOD_MILLIS / 60_000
                        + " minutes")
                .encodePrettily());
  }

  /** The client named in the path, decoded; null when it was refused (answered here). */
  private static String client(RoutingContext ctx) {
    String path = ctx.request().path();
    String raw = path.substring(path.lastIndexOf('/') + 1);
    String client;
    try {
      client = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      client = null;
    }
    if (client == null
        || client.isBlank()
        || client.length() > MAX_CLIENT_LENGTH
        || client.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      badRequest(
          ctx,
          "The client must be a canonical client key as /api reports it, URL-encoded, of at most "
              + MAX_CLIENT_LENGTH
              + " characters; look a raw address, header value or token up with POST "
              + PATH
              + "/lookup.");
      return null;
    }
    return client;
  }

  static JsonObject report(ClientQuotas.Report report) {
    JsonArray limits = new JsonArray();
    for (ClientQuotas.LimitUsage usage : report.limits()) {
      limits.add(
          new JsonObject()
              .put("name", usage.limit().name())
              .put("algorithm", usage.limit().algorithm().name())
              .put("requests", usage.limit().requests())
              .put("windowSeconds", usage.limit().windowSeconds())
              .put("used", usage.used())
              .put("remaining", usage.remaining())
              .put("resetSeconds", (usage.resetMillis() + 999) / 1000));
    }
    JsonObject out =
        new JsonObject()
            .put("policy", report.policy().id())
            .put("generation", report.policy().generation())
            .put("client", report.client());
    if (report.override() != null) {
      out.put(
          "override",
          new JsonObject()
              .put("name", report.override().name())
              .put(
                  "expires",
                  java.time.Instant.ofEpochMilli(report.override().expiresAtMillis()).toString()));
    }
    return out.put("limits", limits);
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(
        ar -> {
          if (ar.succeeded()) {
            ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(ar.result().encodePrettily());
          } else {
            Problems.send(
                ctx.response(),
                503,
                "Service Unavailable",
                "The store did not answer: " + ar.cause().getMessage());
          }
        });
  }

  private static void badRequest(RoutingContext ctx, String detail) {
    Problems.send(ctx.response(), 400, "Bad Request", detail);
  }
}
