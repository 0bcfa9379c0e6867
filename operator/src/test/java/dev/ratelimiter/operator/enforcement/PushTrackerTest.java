package dev.ratelimiter.operator.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The push tracker")
class PushTrackerTest {

  static final AgentPod A = new AgentPod("api-agent-a", "10.0.0.1", 9090);
  static final AgentPod B = new AgentPod("api-agent-b", "10.0.0.2", 9090);
  static final ResourceID API = new ResourceID("api", "shop");
  static final String DOC = "generation: 3\n";

  final AtomicLong now = new AtomicLong();
  final PushTracker tracker = new PushTracker(now::get);

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  void answer(AgentPod pod, long generation, String doc, Outcome outcome) {
    tracker.completed(
        API,
        pod.name(),
        PushTracker.Target.of(pod, generation, doc),
        new PushResult(
            pod,
            outcome,
            outcome == Outcome.CONFIRMED ? generation : null,
            outcome == Outcome.CONFIRMED ? null : "x"));
  }

  @Test
  @DisplayName(
      "sends a new target to every pod at once, and nothing more while the pushes are on their way")
  void newTargetGoesToEveryPodOnce() {
    assertThat(tracker.due(API, List.of(A, B), 3, DOC)).containsExactly(A, B);
    assertThat(tracker.due(API, List.of(A, B), 3, DOC)).isEmpty();
    assertThat(tracker.latest(API, List.of(A, B), 3))
        .extracting(PushResult::outcome)
        .containsExactly(Outcome.IN_FLIGHT, Outcome.IN_FLIGHT);
    assertThat(tracker.nextDue(API)).as("answers, not a timer, end an in-flight push").isEmpty();

    answer(A, 3, DOC, Outcome.CONFIRMED);
    assertThat(tracker.latest(API, List.of(A, B), 3))
        .extracting(PushResult::outcome)
        .containsExactly(Outcome.CONFIRMED, Outcome.IN_FLIGHT);
    assertThat(tracker.nextDue(API)).contains(Duration.ofSeconds(30));
  }

  @Test
  @DisplayName(
      "retries a pod that did not confirm after 0.5 s, doubling to 30 s, and starts over for a new generation")
  void backoff() {
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      assertThat(tracker.due(API, List.of(A), 3, DOC)).containsExactly(A);
      answer(A, 3, DOC, Outcome.UNREACHABLE);
      Duration wait = tracker.nextDue(API).orElseThrow();
      waits.add(wait.toMillis());
      advance(wait.minusMillis(1));
      assertThat(tracker.due(API, List.of(A), 3, DOC)).as("not due before its backoff").isEmpty();
      advance(Duration.ofMillis(1));
    }
    assertThat(waits)
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);

    assertThat(tracker.due(API, List.of(A), 4, "generation: 4\n"))
        .as("a new generation goes at once")
        .containsExactly(A);
    answer(A, 4, "generation: 4\n", Outcome.REJECTED);
    assertThat(tracker.nextDue(API)).contains(Duration.ofMillis(500));
  }

  @Test
  @DisplayName("re-pushes a confirmed pod after 30 s, and a pod at a new address at once")
  void resyncAndNewAddress() {
    tracker.due(API, List.of(A), 3, DOC);
    answer(A, 3, DOC, Outcome.CONFIRMED);
    advance(Duration.ofSeconds(29));
    assertThat(tracker.due(API, List.of(A), 3, DOC)).isEmpty();
    advance(Duration.ofSeconds(1));
    assertThat(tracker.due(API, List.of(A), 3, DOC)).containsExactly(A);
    assertThat(tracker.latest(API, List.of(A), 3))
        .extracting(PushResult::outcome)
        .as("the re-push keeps the confirmation it refreshes")
        .containsExactly(Outcome.CONFIRMED);

    AgentPod moved = new AgentPod(A.name(), "10.0.0.9", 9090);
    assertThat(tracker.due(API, List.of(moved), 3, DOC)).containsExactly(moved);
    assertThat(tracker.latest(API, List.of(moved), 3))
        .extracting(PushResult::outcome, PushResult::running)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Outcome.IN_FLIGHT, 3L));
  }

  @Test
  @DisplayName(
      "ignores a late answer for a generation the pod has moved past, and forgets a deleted policy")
  void lateAnswersAndForgetting() {
    tracker.due(API, List.of(A), 3, DOC);
    tracker.due(API, List.of(A), 4, "generation: 4\n");
    answer(A, 3, DOC, Outcome.CONFIRMED);
    assertThat(tracker.latest(API, List.of(A), 4))
        .extracting(PushResult::outcome)
        .containsExactly(Outcome.IN_FLIGHT);

    tracker.forget(API);
    assertThat(tracker.nextDue(API)).isEqualTo(Optional.empty());
    assertThat(tracker.due(API, List.of(A), 4, "generation: 4\n")).containsExactly(A);
  }
}
