package dev.ratelimiter.testsupport.redis;

import static org.awaitility.Awaitility.await;

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
 */
public final class RedisSentinelProcesses implements AutoCloseable {

  public static final String MASTER_NAME = "mymaster";

  /**
   * Milliseconds of silence before a sentinel deems the master down; Sentinel's default is 30000.
   */
  public static final int DOWN_AFTER_MILLIS = 1000;

  private final String password;
  private final Path dir;
  private RedisServerProcess master;
  private RedisServerProcess replica;
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
    Path dir;
    try {
      dir = Files.createTempDirectory("ratelimiter-test-sentinel-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    RedisSentinelProcesses setup = new RedisSentinelProcesses(password, dir);
    try {
      setup.form();
      return setup;
    } catch (RuntimeException e) {
      setup.close();
      throw e;
    }
  }

  private void form() {
    // in the fixture's own directory: a replica writes the RDB of its full sync to its --dir
    List<String> auth = new ArrayList<>(List.of("--dir", dir.toString()));
    if (password != null) {
      auth.addAll(List.of("--masterauth", password));
    }
    master = RedisServerProcess.startWith(Ports.free(), password, null, auth);
    List<String> replicaOptions = new ArrayList<>(auth);
    replicaOptions.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
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
              + " 10000\n"
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
   * SIGKILLs the master; returns once every sentinel names the replica as the master and it acts as
   * one.
   */
  public void killMasterAndAwaitFailover(Duration atMost) {
    master.stop();
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
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
