package dev.ratelimiter.operator.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A push answer's report about the agent's Redis")
class PushAnswerStoreTest {

  static final AgentPod POD = new AgentPod("api-agent-a", "10.0.0.1", 9090);

  @Test
  @DisplayName("is read from storeReachable and storeError of a confirming answer")
  void read() {
    PushResult down =
        PolicyPusher.answer(
            POD,
            3,
            200,
            "{\"applied\":true,\"generation\":3,\"storeReachable\":false,\"storeError\":\"Connection refused\"}");
    assertThat(down.confirmed()).isTrue();
    assertThat(down.storeReachable()).isFalse();
    assertThat(down.storeError()).isEqualTo("Connection refused");
    PushResult up =
        PolicyPusher.answer(
            POD, 3, 200, "{\"applied\":true,\"generation\":3,\"storeReachable\":true}");
    assertThat(up.storeReachable()).isTrue();
    assertThat(up.storeError()).isNull();
  }

  @Test
  @DisplayName("is absent when the agent did not say (an older agent)")
  void absent() {
    assertThat(
            PolicyPusher.answer(POD, 3, 200, "{\"applied\":true,\"generation\":3}")
                .storeReachable())
        .isNull();
  }
}
