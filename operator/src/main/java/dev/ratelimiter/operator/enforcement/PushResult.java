package dev.ratelimiter.operator.enforcement;

/**
 * One agent pod's answer to a push.
 *
 * @param running the generation the agent says it enforces, or null when it did not say
 * @param detail why it did not confirm (null when it did)
 * @param storeReachable whether the agent said it reaches its Redis when it answered (null: it did
 *     not say)
 * @param storeError the agent's reason when it does not reach its Redis
 */
public record PushResult(
    AgentPod pod,
    Outcome outcome,
    Long running,
    String detail,
    Boolean storeReachable,
    String storeError) {

  public PushResult(AgentPod pod, Outcome outcome, Long running, String detail) {
    this(pod, outcome, running, detail, null, null);
  }

  public enum Outcome {
    /** 200: the agent enforces the pushed generation. */
    CONFIRMED,
    /** 400: the agent refused the document and keeps its policy. */
    REJECTED,
    /** 409: the agent already runs a newer generation than the operator pushed. */
    NEWER,
    /** No answer: refused connection, timeout. */
    UNREACHABLE,
    /** Any other answer (401, 403, 5xx, an unexpected body). */
    ERROR,
    /** No answer yet: the push is on its way (a placeholder in status, never a push's outcome). */
    IN_FLIGHT
  }

  /** The placeholder for a pod whose push of {@code generation} has not answered yet. */
  public static PushResult inFlight(AgentPod pod, long generation, Long running) {
    return new PushResult(
        pod, Outcome.IN_FLIGHT, running, "push of generation " + generation + " in flight");
  }

  public boolean confirmed() {
    return outcome == Outcome.CONFIRMED;
  }

  /** e.g. {@code api-agent-1 (runs generation 3; rejected: limits[0].window: ...)} */
  public String describe() {
    String runs = running == null ? "generation unknown" : "runs generation " + running;
    return pod.name() + " (" + runs + "; " + detail + ")";
  }
}
