package dev.ratelimiter.agent;

import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyManifest;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Entry point of {@code agent.jar}: settings from the environment, then serve until SIGTERM. */
public final class AgentMain {

  static final long DRAIN_MILLIS = 10_000;

  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    // before the first logger exists: logback reads its configuration once, when first used
    if ("json".equals(System.getenv().getOrDefault("LOG_FORMAT", "").trim())) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    if (args.length > 0) {
      System.exit(AgentCommands.run(List.of(args), System.out, System.err));
      return;
    }
    AgentSettings settings;
    Policy policy;
    PolicyManifest.Read read;
    try {
      settings = AgentSettings.fromEnv(System.getenv());
      read = settings.loadPolicy();
      policy = read.policy();
    } catch (InvalidPolicyException e) {
      exit(
          "invalid policy in "
              + "POLICY_FILE "
              + System.getenv("POLICY_FILE")
              + ": "
              + e.getMessage());
      return;
    } catch (IllegalArgumentException | IOException e) {
      exit(e.getMessage());
      return;
    }
    Agent agent;
    try {
      agent =
          Agent.start(settings, policy)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      exit("cannot start: " + cause.getMessage());
      return;
    }
    Logger log = LoggerFactory.getLogger(AgentMain.class);
    if (!read.leftAside().isEmpty()) {
      log.info("POLICY_FILE {} is {}", settings.policyFile(), AgentCommands.leftAsideNote(read));
    }
    log.info(
        "ratelimiter agent {} serving /api and /check on {}:{}, Envoy's rate limit service (gRPC) on {}:{} and management on {}:{};"
            + " policy {} generation {} ({} limit(s)); store {}; {}",
        AgentCommands.version(),
        settings.bindAddress(),
        agent.httpPort(),
        settings.bindAddress(),
        agent.grpcPort(),
        settings.bindAddress(),
        agent.managementPort(),
        policy.id(),
        policy.generation(),
        policy.limits().size(),
        agent.store().describe(),
        settings.backend() == null
            ? "no backend (/api answers itself)"
            : "proxying /api/** to "
                + settings.backend().describe()
                + " (timeout "
                + settings.backendTimeoutMillis()
                + " ms)");

    CountDownLatch signalled = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), sig -> signalled.countDown());
    Signal.handle(new Signal("INT"), sig -> signalled.countDown());
    signalled.await();
    log.info(
        "Signal received: no new connections; draining in-flight requests (at most {} ms), then exiting",
        DRAIN_MILLIS);
    try {
      agent.stop(DRAIN_MILLIS).get(DRAIN_MILLIS + 5_000, TimeUnit.MILLISECONDS);
      log.info("Stopped");
    } catch (TimeoutException e) {
      log.warn("Shutdown took longer than {} ms; exiting anyway", DRAIN_MILLIS + 5_000);
    }
    System.exit(0);
  }

  private static void exit(String message) {
    System.err.println("ratelimiter-agent: " + message);
    System.exit(2);
  }
}
