package dev.ratelimiter.testsupport.redis;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

/**
 * How far a replica is behind its master, from their {@code INFO replication}: the master's {@code
 * master_repl_offset} (bytes of replication stream it has produced) against the replica's {@code
 * slave_repl_offset} (bytes it has applied). Shared by the Sentinel and Cluster fixtures.
 */
final class ReplicationOffsets {

  private ReplicationOffsets() {}

  /** Bytes of the master's replication stream the replica has not applied. */
  static long lag(String password, RedisServerProcess master, RedisServerProcess replica) {
    return field(info(password, master), "master_repl_offset")
        - field(info(password, replica), "slave_repl_offset");
  }

  /** Waits until the replica has applied everything the master had produced when called. */
  static void awaitCaughtUp(
      String password, RedisServerProcess master, RedisServerProcess replica, Duration atMost) {
    long produced = field(info(password, master), "master_repl_offset");
    await()
        .atMost(atMost)
        .until(() -> field(info(password, replica), "slave_repl_offset") >= produced);
  }

  private static String info(String password, RedisServerProcess node) {
    return RedisCli.run(password, "-p", Integer.toString(node.port()), "info", "replication");
  }

  private static long field(String info, String name) {
    return info.lines()
        .filter(l -> l.startsWith(name + ":"))
        .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + name + " in " + info));
  }
}
