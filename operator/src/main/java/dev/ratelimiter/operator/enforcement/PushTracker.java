package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * What the operator knows about the pushes to each policy's agent pods: per pod, what was last
 * pushed (generation, document, address), whether that push is still on its way, its answer, and
 * when the pod is due again. A pod is due when it has never been sent the current target, when a
 * push that did not confirm has waited out its backoff (0.5 s, doubling up to 30 s, starting over
 * for a new target), or when its confirmation is older than the resync interval (30 s). Nothing
 * here blocks: pushes run elsewhere and report back through {@link #completed}.
 */
final class PushTracker {

  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);
  static final Duration RESYNC = Duration.ofSeconds(30);

  /** What one push sends where: a change of any part is a new push. */
  record Target(String uri, long generation, String document) {
    static Target of(AgentPod pod, long generation, String document) {
      return new Target(pod.adminPolicyUri().toString(), generation, document);
    }
  }

  private static final class PodState {
    Target target;
    boolean inFlight;
    PushResult result;
    long completedAt;
    int failures;

    /** The generation the pod said it runs, from any answer (also for an earlier target). */
    Long running;
  }

  private final LongSupplier nanoClock;
  private final Map<ResourceID, Map<String, PodState>> policies = new ConcurrentHashMap<>();

  PushTracker(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * The pods of {@code pods} to push to now, each marked in flight; forgets pods no longer listed.
   */
  synchronized List<AgentPod> due(
      ResourceID policy, List<AgentPod> pods, long generation, String document) {
    Map<String, PodState> states = policies.computeIfAbsent(policy, k -> new HashMap<>());
    Set<String> names = pods.stream().map(AgentPod::name).collect(Collectors.toSet());
    states.keySet().retainAll(names);
    long now = nanoClock.getAsLong();
    List<AgentPod> due = new ArrayList<>();
    for (AgentPod pod : pods) {
      Target target = Target.of(pod, generation, document);
      PodState s = states.computeIfAbsent(pod.name(), k -> new PodState());
      boolean push;
      if (!target.equals(s.target)) {
        s.target = target;
        s.result = null;
        s.failures = 0;
        push = true;
      } else if (s.inFlight) {
        push = false;
      } else {
        push = now - s.completedAt >= waitAfter(s).toNanos();
      }
      if (push) {
        s.inFlight = true;
        due.add(pod);
      }
    }
    return due;
  }

  /**
   * Records the answer to a push of {@code target}; false when the pod has moved on to another
   * target since.
   */
  synchronized boolean completed(ResourceID policy, String pod, Target target, PushResult result) {
    Map<String, PodState> states = policies.get(policy);
    PodState s = states == null ? null : states.get(pod);
    if (s == null || !target.equals(s.target)) {
      return false;
    }
    s.inFlight = false;
    s.result = result;
    s.completedAt = nanoClock.getAsLong();
    s.failures = result.confirmed() ? 0 : s.failures + 1;
    if (result.running() != null) {
      s.running = result.running();
    }
    return true;
  }

  /** The latest answer of each pod for the current target, or an in-flight placeholder. */
  synchronized List<PushResult> latest(ResourceID policy, List<AgentPod> pods, long generation) {
    Map<String, PodState> states = policies.getOrDefault(policy, Map.of());
    List<PushResult> out = new ArrayList<>();
    for (AgentPod pod : pods) {
      PodState s = states.get(pod.name());
      out.add(
          s == null || s.result == null
              ? PushResult.inFlight(pod, generation, s == null ? null : s.running)
              : s.result);
    }
    return out;
  }

  /** When the earliest pod of the policy that is not in flight is due again; empty when none. */
  synchronized Optional<Duration> nextDue(ResourceID policy) {
    long now = nanoClock.getAsLong();
    return policies.getOrDefault(policy, Map.of()).values().stream()
        .filter(s -> !s.inFlight && s.result != null)
        .map(s -> Math.max(0, s.completedAt + waitAfter(s).toNanos() - now))
        .min(Long::compare)
        .map(Duration::ofNanos);
  }

  synchronized void forget(ResourceID policy) {
    policies.remove(policy);
  }

  /**
   * The wait after {@code failures} (at least 1) pushes in a row that did not confirm: 0.5 s,
   * doubling up to 30 s.
   */
  static Duration backoff(int failures) {
    long millis = FIRST_RETRY.toMillis() << Math.min(failures - 1, 10);
    return Duration.ofMillis(Math.min(millis, MAX_RETRY.toMillis()));
  }

  /** The resync interval after a confirmation, else the backoff. */
  private static Duration waitAfter(PodState s) {
    return s.result != null && s.result.outcome() == Outcome.CONFIRMED
        ? RESYNC
        : backoff(Math.max(1, s.failures));
  }
}
