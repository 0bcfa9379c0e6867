package dev.ratelimiter.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.contract.AgentContract;
import dev.ratelimiter.settings.Setting;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The agent keeps its side of the operator-agent contract")
class AgentContractTest {

  @Test
  @DisplayName("Every environment variable the operator writes is a setting the agent declares")
  void everyOperatorNameIsASetting() {
    List<String> declared = AgentEnvironment.ALL.stream().map(Setting::name).toList();
    assertThat(declared).containsAll(AgentContract.Env.ALL);
  }

  @Test
  @DisplayName("The agent's default ports are the contract's")
  void ports() {
    assertThat(AgentEnvironment.HTTP_PORT.defaultValue()).isEqualTo(AgentContract.HTTP_PORT);
    assertThat(AgentEnvironment.GRPC_PORT.defaultValue()).isEqualTo(AgentContract.GRPC_PORT);
    assertThat(AgentEnvironment.MANAGEMENT_PORT.defaultValue())
        .isEqualTo(AgentContract.MANAGEMENT_PORT);
  }
}
