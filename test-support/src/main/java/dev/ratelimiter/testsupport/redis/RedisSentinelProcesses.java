package dev.ratelimiter.testsupport.redis;

import static org.awaitility.Awaitility.await;

import dev.ratelimiter.testsupport.net.FreezableProxy;
import dev.ratelimiter.testsupport.net.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Redis Sentinel of real redis-server processes on 127.0.0.1: one master, one replica and three
 * sentinels watching master {@link #MASTER_NAME} with a quorum of two. A short {@code
 * down-after-milliseconds} makes a failover take seconds. Every process, sentinels included, asks
 * for the same password (clients send one password to every endpoint). {@link #close} stops all of
 * them.
 *
 * <p>{@link #startWithReplicationProxy} puts a {@link FreezableProxy} between the replica and the
 * master: freezing it makes the replica lag as far behind as the test likes while its link still
 * looks up (for {@code repl-timeout}, 60 s) to it and to the sentinels, so they still deem it fit
 * to promote (a replica whose link has been down for over ten {@code down-after-milliseconds} plus
 * the time since the master went down is skipped). The sentinels learn the replica from the
 * master's {@code INFO}: the address the master sees (the proxy's, 127.0.0.1 too) and the port the
 * replica announces (its own), so they reach it directly. But the replica reports the proxy's port
 * as its master's, and a sentinel that sees a replica of a healthy master replicating from another
 * address "fixes" it ({@code +fix-slave-config}: {@code REPLICAOF} the master itself, past the
 * proxy) once {@code failover-timeout} has passed since it saw that address; so while the master
 * lives, the sentinels' {@code failover-timeout} is {@link #PROXIED_FAILOVER_TIMEOUT_MILLIS}, and
 * {@link #awaitFailover} sets it back to {@link #FAILOVER_TIMEOUT_MILLIS} once no sentinel deems
 * the master healthy (from then on none repoints the replica).
 */
public final class RedisSentinelProcesses implements AutoCloseable {

  public static final String MASTER_NAME = "mymaster";

  /**
   * Milliseconds of silence before a sentinel deems the master down; Sentinel's default is 30000.
   */
  public static final int DOWN_AFTER_MILLIS = 1000;

  /**
   * The sentinels' {@code failover-timeout}: a failed election is retried after twice this (the
   * default is 180000).
   */
  public static final int FAILOVER_TIMEOUT_MILLIS = 10000;

  /**
   * {@code failover-timeout} while the master of {@link #startWithReplicationProxy} lives: longer
   * than any test, so no sentinel repoints the replica past the proxy.
   */
  public static final int PROXIED_FAILOVER_TIMEOUT_MILLIS = 600_000;

  private final String password;
  private final Path dir;
  private RedisServerProcess master;
  private RedisServerProcess replica;
  private FreezableProxy replicationProxy;
  private final List<RedisServerProcess> sentinels = new ArrayList<>();

  private RedisSentinelProcesses(String password, Path dir) {
    this.password = password;
    this.dir = dir;
  }

  /**
   * Starts all five processes; returns once the replica is in sync and every sentinel knows both
   * data nodes and its peers.
   */
  public static RedisSentinelProcesses start(String password) {
    return start(password, false);
  }

  /**
   * Like {@link #start}, with the replica replicating through {@link #replicationProxy()} (see the
   * class comment).
   */
  public static RedisSentinelProcesses startWithReplicationProxy(String password) {
    return start(password, true);
  }

  private static RedisSentinelProcesses start(String password, boolean proxied) {
    Path dir;
    try {
      dir = Files.createTempDirectory("ratelimiter-test-sentinel-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    RedisSentinelProcesses setup = new RedisSentinelProcesses(password, dir);
    try {
      setup.form(proxied);
      return setup;
    } catch (RuntimeException e) {
      setup.close();
      throw e;
    }
  }

  private void form(boolean proxied) {
    // in the fixture's own directory: a replica writes the RDB of its full sync to its --dir
    List<String> auth = new ArrayList<>(List.of("--dir", dir.toString()));
    if (password != null) {
      auth.addAll(List.of("--masterauth", password));
    }
    master = RedisServerProcess.startWith(Ports.free(), password, null, auth);
    int replicateFrom = master.port();
    if (proxied) {
      replicationProxy = FreezableProxy.to(master.port());
      replicateFrom = replicationProxy.port();
    }
    List<String> replicaOptions = new ArrayList<>(auth);
    replicaOptions.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(replicateFrom)));
    replica = RedisServerProcess.startWith(Ports.free(), password, null, replicaOptions);
    for (int i = 0; i < 3; i++) {
      int port = Ports.free();
      Path conf = dir.resolve("sentinel-" + port + ".conf");
      String text =
          "sentinel monitor "
              + MASTER_NAME
              + " 127.0.0.1 "
              + master.port()
              + " 2\n"
              + "sentinel down-after-milliseconds "
              + MASTER_NAME
              + " "
              + DOWN_AFTER_MILLIS
              + "\n"
              + "sentinel failover-timeout "
              + MASTER_NAME
              + " "
              + (proxied ? PROXIED_FAILOVER_TIMEOUT_MILLIS : FAILOVER_TIMEOUT_MILLIS)
              + "\n"
              + "sentinel parallel-syncs "
              + MASTER_NAME
              + " 1\n"
              + (password == null
                  ? ""
                  : "sentinel auth-pass " + MASTER_NAME + " " + password + "\n");
      try {
        Files.writeString(conf, text);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      sentinels.add(
          RedisServerProcess.startWith(
              port, password, conf, List.of("--sentinel", "--dir", dir.toString())));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                info(replica, "replication").contains("master_link_status:up")
                    && sentinels.stream()
                        .allMatch(
                            s -> {
                              String state = sentinel(s, "master", MASTER_NAME);
                              return state.contains("num-other-sentinels\n2")
                                  && state.contains("num-slaves\n1");
                            }));
  }

  /** The sentinels' URLs, comma-separated, as {@code REDIS_URL} takes them in Sentinel mode. */
  public String sentinelUrls() {
    return sentinels.stream().map(RedisServerProcess::url).collect(Collectors.joining(","));
  }

  public RedisServerProcess master() {
    return master;
  }

  public RedisServerProcess replica() {
    return replica;
  }

  /**
   * The proxy the replica of {@link #startWithReplicationProxy} replicates through; null otherwise.
   * Thawing it after the master was killed would hand the replica what it had missed: don't.
   */
  public FreezableProxy replicationProxy() {
    return replicationProxy;
  }

  /** Bytes of the master's replication stream the replica has not applied (0 when in sync). */
  public long replicationLag() {
    return ReplicationOffsets.lag(password, master, replica);
  }

  /** Waits until the replica has applied every write the master had when called. */
  public void awaitReplicaCaughtUp(Duration atMost) {
    ReplicationOffsets.awaitCaughtUp(password, master, replica, atMost);
  }

  /**
   * SIGKILLs the master; returns once every sentinel names the replica as the master and it acts as
   * one.
   */
  public void killMasterAndAwaitFailover(Duration atMost) {
    master.stop();
    awaitFailover(atMost);
  }

  /**
   * After {@code master().stop()}: returns once every sentinel names the replica as the master and
   * it acts as one.
   */
  public void awaitFailover(Duration atMost) {
    if (replicationProxy != null) {
      // No sentinel repoints a replica of a master it deems down or replaced: from now on the short
      // failover-timeout is safe, and a failed election is retried as soon as without the proxy.
      await()
          .atMost(atMost)
          .ignoreExceptions()
          .until(() -> sentinels.stream().noneMatch(this::deemsMasterHealthy));
      for (RedisServerProcess s : sentinels) {
        sentinel(
            s, "set", MASTER_NAME, "failover-timeout", Integer.toString(FAILOVER_TIMEOUT_MILLIS));
      }
    }
    await()
        .atMost(atMost)
        .ignoreExceptions()
        .until(
            () ->
                info(replica, "replication").contains("role:master")
                    && sentinels.stream()
                        .allMatch(
                            s ->
                                sentinel(s, "get-master-addr-by-name", MASTER_NAME)
                                    .contains(Integer.toString(replica.port()))));
  }

  /** Whether {@code sentinel} still names the first master and does not flag it down. */
  private boolean deemsMasterHealthy(RedisServerProcess sentinel) {
    boolean namesIt =
        sentinel(sentinel, "get-master-addr-by-name", MASTER_NAME)
            .lines()
            .anyMatch(l -> l.trim().equals(Integer.toString(master.port())));
    return namesIt && !sentinel(sentinel, "master", MASTER_NAME).contains("s_down");
  }

  private String info(RedisServerProcess node, String section) {
    return RedisCli.run(password, "-p", Integer.toString(node.port()), "info", section);
  }

  private String sentinel(RedisServerProcess node, String... args) {
    List<String> cmd = new ArrayList<>(List.of("-p", Integer.toString(node.port()), "sentinel"));
    cmd.addAll(List.of(args));
    return RedisCli.run(password, cmd.toArray(String[]::new));
  }

  @Override
  public void close() {
    sentinels.forEach(RedisServerProcess::stop);
    if (replica != null) {
      replica.stop();
    }
    if (master != null) {
      master.stop();
    }
    if (replicationProxy != null) {
      replicationProxy.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
