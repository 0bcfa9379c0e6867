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
 * A Redis Cluster of real redis-server processes on 127.0.0.1: three masters (created with {@code
 * redis-cli --cluster create}, so the first owns slots 0–5460) and one replica of the first master,
 * so that one shard can fail over. Four processes, not six: enough to show a shard's failover while
 * the other shards keep serving, on a 2-core machine. A short {@code cluster-node-timeout} makes
 * the failover take seconds. {@link #close} stops all of them.
 *
 * <p>{@link #startWithReplicationProxy} (Redis 7) makes the replica replicate through a {@link
 * FreezableProxy}: freezing it makes the replica lag while its link still looks up. A Cluster
 * replica replicates from its master's address in the cluster table ({@code REPLICAOF} is refused
 * in Cluster mode), by default the address its clients are sent to as well; so the master announces
 * {@value #PROXY_IP} ({@code cluster-announce-ip}), where the proxy listens on the master's port
 * (and a plain forwarder on its bus port, for the other nodes), while every node hands clients its
 * hostname, 127.0.0.1 ({@code cluster-preferred-endpoint-type hostname}), so clients reach the
 * master directly. {@code cluster-replica-validity-factor 0} lets the lagging replica be promoted
 * whatever its data's age.
 */
public final class RedisClusterProcesses implements AutoCloseable {

  /** Milliseconds before a silent node is marked failing; Redis' default is 15000. */
  public static final int NODE_TIMEOUT_MILLIS = 1000;

  /** The address the master with a replica announces in {@link #startWithReplicationProxy}. */
  public static final String PROXY_IP = "127.0.0.2";

  private final String password;
  private final Path dir;
  private final boolean proxied;
  private final List<RedisServerProcess> masters = new ArrayList<>();
  private RedisServerProcess replica;
  private FreezableProxy replicationProxy;
  private FreezableProxy busForwarder;

  private RedisClusterProcesses(String password, Path dir, boolean proxied) {
    this.password = password;
    this.dir = dir;
    this.proxied = proxied;
  }

  /**
   * Starts the four nodes and forms the cluster; returns once every slot is served and the replica
   * is in sync.
   */
  public static RedisClusterProcesses start(String password) {
    return start(password, false);
  }

  /**
   * Like {@link #start}, with the replica replicating through {@link #replicationProxy()} (see the
   * class comment); returns once it does.
   */
  public static RedisClusterProcesses startWithReplicationProxy(String password) {
    return start(password, true);
  }

  private static RedisClusterProcesses start(String password, boolean proxied) {
    Path dir;
    try {
      dir = Files.createTempDirectory("ratelimiter-test-cluster-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    RedisClusterProcesses cluster = new RedisClusterProcesses(password, dir, proxied);
    try {
      cluster.form();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void form() {
    for (int i = 0; i < 3; i++) {
      masters.add(node(proxied && i == 0));
    }
    replica = node(false);
    List<String> create = new ArrayList<>(List.of("--cluster", "create"));
    masters.forEach(m -> create.add("127.0.0.1:" + m.port()));
    create.add("--cluster-yes");
    RedisCli.run(password, create.toArray(String[]::new));
    String masterId = nodeId(masters.get(0));
    RedisCli.run(
        password,
        "--cluster",
        "add-node",
        "127.0.0.1:" + replica.port(),
        "127.0.0.1:" + masters.get(0).port(),
        "--cluster-slave",
        "--cluster-master-id",
        masterId);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                masters.stream().allMatch(this::clusterOk)
                    && clusterOk(replica)
                    && info(replica, "replication").contains("master_link_status:up")
                    && (!proxied
                        || info(replica, "replication").contains("master_host:" + PROXY_IP))
                    && RedisCli.run(
                                password,
                                "-p",
                                Integer.toString(masters.get(0).port()),
                                "cluster",
                                "nodes")
                            .lines()
                            .filter(l -> l.contains("slave") && l.contains(masterId))
                            .count()
                        == 1);
  }

  /** A node; {@code behindProxies}: announcing {@link #PROXY_IP}, where proxies forward to it. */
  private RedisServerProcess node(boolean behindProxies) {
    int port = Ports.freeWithClusterBus();
    List<String> options =
        new ArrayList<>(
            List.of(
                "--cluster-enabled",
                "yes",
                "--dir",
                dir.toString(),
                "--cluster-config-file",
                "nodes-" + port + ".conf",
                "--cluster-node-timeout",
                Integer.toString(NODE_TIMEOUT_MILLIS),
                "--cluster-replica-validity-factor",
                "0"));
    if (password != null) {
      options.addAll(List.of("--masterauth", password));
    }
    if (proxied) {
      options.addAll(
          List.of(
              "--cluster-announce-hostname",
              "127.0.0.1",
              "--cluster-preferred-endpoint-type",
              "hostname"));
    }
    if (behindProxies) {
      options.addAll(List.of("--cluster-announce-ip", PROXY_IP));
      replicationProxy = FreezableProxy.listening(PROXY_IP, port, port);
      busForwarder = FreezableProxy.listening(PROXY_IP, port + 10000, port + 10000);
    }
    return RedisServerProcess.startWith(port, password, null, options);
  }

  /** Seed URLs of every node, comma-separated, as {@code REDIS_URL} takes them in Cluster mode. */
  public String seedUrls() {
    return all().stream().map(RedisServerProcess::url).collect(Collectors.joining(","));
  }

  /** The master of slots 0–5460: the one with a replica. */
  public RedisServerProcess masterWithReplica() {
    return masters.get(0);
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
    return ReplicationOffsets.lag(password, masterWithReplica(), replica);
  }

  /** Waits until the replica has applied every write its master had when called. */
  public void awaitReplicaCaughtUp(Duration atMost) {
    ReplicationOffsets.awaitCaughtUp(password, masterWithReplica(), replica, atMost);
  }

  /**
   * Whether {@code slot} is served by {@link #masterWithReplica()} (the first master given to
   * {@code --cluster create}).
   */
  public static boolean onMasterWithReplica(int slot) {
    return slot <= 5460;
  }

  public List<RedisServerProcess> masters() {
    return List.copyOf(masters);
  }

  /**
   * SIGKILLs the master with a replica; returns once the replica has taken over its slots and the
   * cluster serves every slot.
   */
  public void killMasterWithReplicaAndAwaitFailover(Duration atMost) {
    masterWithReplica().stop();
    awaitFailover(atMost);
  }

  /** Waits until the replica is a master and the surviving masters report the cluster OK. */
  public void awaitFailover(Duration atMost) {
    await()
        .atMost(atMost)
        .ignoreExceptions()
        .until(
            () ->
                info(replica, "replication").contains("role:master")
                    && clusterOk(replica)
                    && clusterOk(masters.get(1))
                    && clusterOk(masters.get(2)));
  }

  /**
   * The value of {@code key} from whichever live master holds it, following a MOVED answer once.
   */
  public String get(String key) {
    return RedisCli.run(password, "-c", "-p", Integer.toString(masters.get(1).port()), "GET", key)
        .trim();
  }

  /** FLUSHALL on every running master (a replica refuses it and follows its master). */
  public void flushAll() {
    for (RedisServerProcess node : all()) {
      if (node.running()) {
        try {
          node.command("FLUSHALL");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private boolean clusterOk(RedisServerProcess node) {
    return RedisCli.run(password, "-p", Integer.toString(node.port()), "cluster", "info")
        .contains("cluster_state:ok");
  }

  private String info(RedisServerProcess node, String section) {
    return RedisCli.run(password, "-p", Integer.toString(node.port()), "info", section);
  }

  private String nodeId(RedisServerProcess node) {
    return RedisCli.run(password, "-p", Integer.toString(node.port()), "cluster", "myid").trim();
  }

  private List<RedisServerProcess> all() {
    List<RedisServerProcess> all = new ArrayList<>(masters);
    if (replica != null) {
      all.add(replica);
    }
    return all;
  }

  @Override
  public void close() {
    all().forEach(RedisServerProcess::stop);
    for (FreezableProxy proxy : new FreezableProxy[] {replicationProxy, busForwarder}) {
      if (proxy != null) {
        proxy.close();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
