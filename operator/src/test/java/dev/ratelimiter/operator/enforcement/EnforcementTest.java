package dev.ratelimiter.operator.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Enforcement")
class EnforcementTest {

  static final AgentPod A = new AgentPod("api-agent-a", "10.0.0.1", 9090);
  static final AgentPod B = new AgentPod("api-agent-b", "10.0.0.2", 9090);

  @Nested
  @DisplayName("reads an agent's answer to a push:")
  class Answers {
    @Test
    @DisplayName("200 with the pushed generation confirms it")
    void confirmed() {
      assertThat(PolicyPusher.answer(A, 3, 200, "{\"applied\":true,\"generation\":3}"))
          .isEqualTo(new PushResult(A, Outcome.CONFIRMED, 3L, null));
    }

    @Test
    @DisplayName("200 with another generation does not")
    void otherGeneration() {
      assertThat(PolicyPusher.answer(A, 3, 200, "{\"applied\":true,\"generation\":2}").outcome())
          .isEqualTo(Outcome.ERROR);
      assertThat(PolicyPusher.answer(A, 3, 200, "not json").outcome()).isEqualTo(Outcome.ERROR);
    }

    @Test
    @DisplayName("400 is a rejection carrying the agent's detail and the generation it keeps")
    void rejected() {
      assertThat(
              PolicyPusher.answer(
                  A,
                  3,
                  400,
                  "{\"detail\":\"limits[0].window: bad\",\"field\":\"limits[0].window\",\"generation\":2}"))
          .isEqualTo(
              new PushResult(
                  A, Outcome.REJECTED, 2L, "rejected generation 3: limits[0].window: bad"));
    }

    @Test
    @DisplayName("409 means the agent runs a newer generation; 401 is an error")
    void newerAndUnauthorized() {
      assertThat(PolicyPusher.answer(A, 3, 409, "{\"generation\":4}"))
          .isEqualTo(
              new PushResult(A, Outcome.NEWER, 4L, "already runs a newer generation than 3"));
      assertThat(PolicyPusher.answer(A, 3, 401, "{\"detail\":\"needs a token\"}"))
          .isEqualTo(new PushResult(A, Outcome.ERROR, null, "answered HTTP 401: needs a token"));
    }
  }

  @Nested
  @DisplayName("sets Enforced")
  class Conditions {
    @Test
    @DisplayName("True only when every ready pod confirmed")
    void allConfirmed() {
      Enforcement e =
          Enforcement.of(
              3,
              List.of(
                  new PushResult(A, Outcome.CONFIRMED, 3L, null),
                  new PushResult(B, Outcome.CONFIRMED, 3L, null)));
      Condition c = e.condition();
      assertThat(List.of(c.getStatus(), c.getReason(), c.getMessage()))
          .containsExactly(
              "True", "AllAgentsEnforce", "all 2 ready agent pod(s) enforce generation 3");
      assertThat(c.getObservedGeneration()).isEqualTo(3L);
      assertThat(e.enforcing()).isEqualTo(2);
    }

    @Test
    @DisplayName("False without any ready pod, and without the admin token")
    void nothingToConfirm() {
      Enforcement none = Enforcement.blocked(1, 0, null);
      assertThat(List.of(none.condition().getStatus(), none.condition().getReason()))
          .containsExactly("False", "NoReadyAgents");
      Enforcement noToken =
          Enforcement.blocked(1, 2, "Secret api-agent-admin with the admin token not found");
      assertThat(
              List.of(
                  noToken.condition().getStatus(),
                  noToken.condition().getReason(),
                  noToken.condition().getMessage()))
          .containsExactly(
              "False",
              "Pending",
              "generation 1 not pushed yet: Secret api-agent-admin with the admin token not found");
    }

    @Test
    @DisplayName("False naming each pod behind, what it runs and why, with the most telling reason")
    void someBehind() {
      Enforcement e =
          Enforcement.of(
              3,
              List.of(
                  new PushResult(
                      A,
                      Outcome.UNREACHABLE,
                      null,
                      "unreachable at 10.0.0.1:9090: connection refused"),
                  new PushResult(B, Outcome.REJECTED, 2L, "rejected generation 3: bad")));
      assertThat(
              List.of(
                  e.condition().getStatus(), e.condition().getReason(), e.condition().getMessage()))
          .containsExactly(
              "False",
              "AgentRejectedPolicy",
              "0 of 2 ready agent pod(s) enforce generation 3; not yet: api-agent-a (generation unknown; unreachable at 10.0.0.1:9090: connection refused), "
                  + "api-agent-b (runs generation 2; rejected generation 3: bad)");
      assertThat(
              Enforcement.of(3, List.of(new PushResult(A, Outcome.NEWER, 4L, "x")))
                  .condition()
                  .getReason())
          .isEqualTo("Pending");
    }
  }

  @Test
  @DisplayName(
      "reports a pod whose push is on its way as Pending, with the generation it last said it runs")
  void inFlight() {
    Enforcement e =
        Enforcement.of(
            4,
            List.of(PushResult.inFlight(A, 4, 3L), new PushResult(B, Outcome.CONFIRMED, 4L, null)));
    assertThat(
            List.of(
                e.condition().getStatus(), e.condition().getReason(), e.condition().getMessage()))
        .containsExactly(
            "False",
            "Pending",
            "1 of 2 ready agent pod(s) enforce generation 4; not yet: api-agent-a (runs generation 3; push of generation 4 in flight)");
  }
}
