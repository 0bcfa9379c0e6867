package dev.ratelimiter.agent.store;

import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;

/**
 * Where a limit's counters live. The key names the limit, its algorithm and its window, so changing
 * only {@code requests} (or a TokenBucket's {@code burst}) keeps a client's counters, while
 * changing the algorithm or the window starts them afresh: the old state has another meaning, and
 * simply expires.
 */
public final class CounterKeys {

  private CounterKeys() {}

  /**
   * {@code rl:{<scope>|<client>}:<limit>:<fw|sw|tb>:<window seconds>}: the hash tag keeps one
   * client's counters in one Redis Cluster slot, so one script can serve them, while different
   * clients spread across slots.
   */
  public static String key(String scope, String client, Limit limit) {
    // one concatenation: built for every limit of every decision
    return "rl:{"
        + scope
        + '|'
        + client
        + "}:"
        + limit.name()
        + ':'
        + code(limit.algorithm())
        + ':'
        + limit.windowSeconds();
  }

  /**
   * {@code {<scope>|<client>}}: the part of every key of this client that Redis Cluster hashes, so
   * its slot is {@code HashSlot.of(hashTag(scope, client))} whatever the limit.
   */
  public static String hashTag(String scope, String client) {
    return "{" + scope + '|' + client + '}';
  }

  /**
   * The part of the key that names the limit: {@code <limit>:<fw|sw|tb>:<window seconds>}. One
   * string per limit of the policy in force, shared: the in-memory store keeps it for every client
   * it tracks, and a million copies of it would be a tenth of its heap.
   */
  public static String suffix(Limit limit) {
    int slot = System.identityHashCode(limit) & (SUFFIXES.length - 1);
    Suffix cached = SUFFIXES[slot];
    if (cached != null && cached.limit() == limit) {
      return cached.text();
    }
    String text = limit.name() + ':' + code(limit.algorithm()) + ':' + limit.windowSeconds();
    // a racy write is fine: a record's fields are final, so any thread that sees it sees them
    SUFFIXES[slot] = new Suffix(limit, text);
    return text;
  }

  private record Suffix(Limit limit, String text) {}

  /**
   * By the limit's identity: the limits of the policy in force, and those of a policy just gone.
   */
  private static final Suffix[] SUFFIXES = new Suffix[64];

  static String code(Algorithm algorithm) {
    return switch (algorithm) {
      case FixedWindow -> "fw";
      case SlidingWindow -> "sw";
      case TokenBucket -> "tb";
    };
  }

  /** The algorithm's number in the script's arguments. */
  public static int number(Algorithm algorithm) {
    return switch (algorithm) {
      case FixedWindow -> 0;
      case SlidingWindow -> 1;
      case TokenBucket -> 2;
    };
  }
}
