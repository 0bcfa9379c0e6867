package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.Costs;
import dev.ratelimiter.agent.store.CounterKeys;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The server-side check: its text, its SHA-1 (for EVALSHA), and the key layout it is called with.
 */
public final class LuaScript {

  /** Every algorithm, mixed in one policy: see the script's header. */
  public static final LuaScript LIMITS = load("limits.lua");

  /**
   * {@link #LIMITS} for a Redis Cluster: one call decides checks of several hash slots of one node.
   * Redis refuses a call whose declared keys lie in two slots, but lets a script flagged {@code
   * allow-cross-slot-keys} (Redis 7) touch undeclared keys of every slot its node serves; so the
   * call declares only its first counter, which routes it to the node, and passes the counters as
   * arguments (the layout is in the script's header).
   */
  public static final LuaScript LIMITS_ACROSS_SLOTS =
      new LuaScript(acrossSlots(LIMITS.source), true);

  /** Token budgets' settlements: see the script's header. */
  public static final LuaScript SETTLE = load("settle.lua");

  /**
   * One request to decide: a client of a policy, the policy's limits and the units it costs of each
   * (at least 1).
   */
  public record Check(String scope, String client, List<Limit> limits, long[] costs) {

    /** {@code cost} units of every limit. */
    public Check(String scope, String client, List<Limit> limits, long cost) {
      this(scope, client, limits, Costs.uniform(limits.size(), cost));
    }
  }

  /**
   * A Cluster check's result when its counters' slot is no longer on the node its call went to
   * (resharding): nothing was consumed, and the check is to be sent again on its own ({@link
   * NodeWrites}). Compared by identity.
   */
  static final AcquireResult MOVED =
      new AcquireResult(false, new long[0], new long[0], new long[0], -1);

  private final String source;
  private final String sha1;
  private final boolean acrossSlots;

  private LuaScript(String source, boolean acrossSlots) {
    this.source = source;
    this.sha1 = sha1(source);
    this.acrossSlots = acrossSlots;
  }

  /** The script's text, for {@code SCRIPT LOAD}. */
  String source() {
    return source;
  }

  /** See {@link CounterKeys#key}. */
  public static String key(String scope, String client, Limit limit) {
    return CounterKeys.key(scope, client, limit);
  }

  /**
   * @param deadline in Redis's time ({@link RedisClock#deadline}): run later, the call decides
   *     nothing; 0 for none
   */
  Request evalsha(List<Check> checks, long deadline) {
    return withArguments(Request.cmd(Command.EVALSHA).arg(sha1), checks, deadline);
  }

  Request eval(List<Check> checks, long deadline) {
    return withArguments(Request.cmd(Command.EVAL).arg(source), checks, deadline);
  }

  /** The script ran after its deadline and decided nothing. */
  static boolean expired(Response reply) {
    return reply != null && reply.size() == 2 && reply.get(0).toInteger() == -2;
  }

  /** Redis's time when it ran the call, in milliseconds; -1 when the reply does not say. */
  static long clockOf(Response reply) {
    return reply == null || reply.size() < 2 ? -1 : reply.get(1).toLong();
  }

  /**
   * Runs the script by its SHA-1 and, when the server has not seen it (see {@link #isNoScript}),
   * once more with its text: which way to send is the caller's ({@code send} gets {@code true} for
   * the text).
   */
  static <T> Future<T> withFallback(Function<Boolean, Future<T>> send) {
    return send.apply(false)
        .recover(err -> isNoScript(err) ? send.apply(true) : Future.failedFuture(err));
  }

  /**
   * The server has not seen the script (e.g. after a restart): {@code NOSCRIPT …} for one call, or
   * {@code ERR [i] NOSCRIPT …} among the errors of a pipelined batch.
   */
  private static boolean isNoScript(Throwable err) {
    String message = err.getMessage();
    return message != null
        && (message.startsWith("NOSCRIPT") || message.matches("(?s)ERR \\[\\d+] NOSCRIPT.*"));
  }

  /**
   * Splits the script's flat reply into one result per check, in order; null for a check whose
   * counters hold something that is not a count (see {@link #tampered}).
   */
  static List<AcquireResult> toResults(Response reply, List<Check> checks) {
    int expected = 0;
    for (Check check : checks) {
      expected += 2 + 3 * check.limits().size();
    }
    if (reply == null || reply.size() != expected) {
      throw new StoreUnavailableException(
          StoreUnavailableException.Reason.ERROR,
          "unexpected reply from the rate-limit script: " + reply);
    }
    List<AcquireResult> results = new ArrayList<>(checks.size());
    int at = 0;
    for (Check check : checks) {
      int n = check.limits().size();
      long[] remaining = new long[n];
      long[] resets = new long[n];
      long[] retries = new long[n];
      int verdict = reply.get(at).toInteger();
      long clock = reply.get(at + 1).toLong();
      for (int i = 0; i < n; i++) {
        remaining[i] = reply.get(at + 2 + 3 * i).toLong();
        resets[i] = reply.get(at + 3 + 3 * i).toLong();
        retries[i] = reply.get(at + 4 + 3 * i).toLong();
      }
      results.add(
          verdict == -3
              ? MOVED
              : verdict < 0
                  ? null
                  : new AcquireResult(verdict == 1, remaining, resets, retries, clock));
      at += 2 + 3 * n;
    }
    return results;
  }

  /**
   * The error for a check whose counter was tampered with: the failure policy decides, never
   * "allowed".
   */
  static StoreUnavailableException tampered(Check check) {
    return new StoreUnavailableException(
        StoreUnavailableException.Reason.TAMPERED,
        "a Redis counter of client "
            + check.client()
            + " ("
            + "rl:{"
            + check.scope()
            + '|'
            + check.client()
            + "}:*) holds a value that is not a count");
  }

  private Request withArguments(Request request, List<Check> checks, long deadline) {
    int keys = 0;
    for (Check check : checks) {
      keys += check.limits().size();
    }
    boolean first = acrossSlots && keys > 0;
    if (!first) {
      request.arg(keys);
    }
    for (Check check : checks) {
      for (Limit limit : check.limits()) {
        String key = key(check.scope(), check.client(), limit);
        if (first) {
          // the one declared key routes the call; all counters follow as arguments
          request.arg(1).arg(key).arg(keys);
          first = false;
        }
        request.arg(key);
      }
    }
    request.arg(deadline);
    // The usual batch (one policy, cost 1) sends its costs and limits once, not per check.
    boolean shared = sharesCostAndLimits(checks);
    // Each distinct limit's parameters once per call (a batch's checks mostly share a policy), and
    // per check only its indexes into them: less for Redis to parse per decision. A shared batch's
    // distinct limits are its first check's, numbered in order: no map to build.
    List<Limit> distinct;
    Map<Limit, Integer> ids;
    if (shared) {
      distinct = checks.get(0).limits();
      ids = null;
    } else {
      ids = new HashMap<>();
      distinct = new ArrayList<>();
      for (Check check : checks) {
        for (Limit limit : check.limits()) {
          if (ids.putIfAbsent(limit, distinct.size() + 1) == null) {
            distinct.add(limit);
          }
        }
      }
    }
    request.arg(distinct.size());
    for (Limit limit : distinct) {
      request
          .arg(CounterKeys.number(limit.algorithm()))
          .arg(limit.requests())
          .arg(limit.windowMillis())
          .arg(limit.burst());
    }
    request.arg(checks.size());
    request.arg(shared ? 1 : 0);
    for (Check check : shared ? checks.subList(0, 1) : checks) {
      request.arg(check.limits().size());
      for (int i = 0; i < check.limits().size(); i++) {
        request.arg(shared ? i + 1 : ids.get(check.limits().get(i))).arg(check.costs()[i]);
      }
    }
    return request;
  }

  /**
   * A settlement of {@code deltas} (per limit; 0: none) for one client: the counters and, per limit
   * with a delta, its algorithm, quota, window, burst and delta.
   */
  Request settle(String scope, String client, List<Limit> limits, long[] deltas, boolean byText) {
    Request request =
        byText ? Request.cmd(Command.EVAL).arg(source) : Request.cmd(Command.EVALSHA).arg(sha1);
    int n = 0;
    for (long d : deltas) {
      n += d == 0 ? 0 : 1;
    }
    request.arg(n);
    for (int i = 0; i < limits.size(); i++) {
      if (deltas[i] != 0) {
        request.arg(key(scope, client, limits.get(i)));
      }
    }
    for (int i = 0; i < limits.size(); i++) {
      if (deltas[i] != 0) {
        Limit limit = limits.get(i);
        request
            .arg(CounterKeys.number(limit.algorithm()))
            .arg(limit.requests())
            .arg(limit.windowMillis())
            .arg(limit.burst())
            .arg(deltas[i]);
      }
    }
    return request;
  }

  private static boolean sharesCostAndLimits(List<Check> checks) {
    Check first = checks.get(0);
    for (Check check : checks) {
      // the same list (one policy's selection) is the usual case: no element-wise comparison
      if (!java.util.Arrays.equals(check.costs(), first.costs())
          || (check.limits() != first.limits() && !check.limits().equals(first.limits()))) {
        return false;
      }
    }
    return true;
  }

  /** {@code limits.lua}'s text in its Cluster form: flagged, its keys read from its arguments. */
  private static String acrossSlots(String source) {
    String plain = "local keys, args = KEYS, ARGV\n";
    if (!source.contains(plain)) {
      throw new IllegalStateException("limits.lua lost the line its Cluster form replaces");
    }
    return "#!lua flags=allow-cross-slot-keys\n"
        + source.replace(
            plain,
            """
            local keys, args = {}, {}
            do
              local count = tonumber(ARGV[1])
              for i = 1, count do keys[i] = ARGV[i + 1] end
              for i = count + 2, #ARGV do args[i - count - 1] = ARGV[i] end
            end
            """);
  }

  private static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
