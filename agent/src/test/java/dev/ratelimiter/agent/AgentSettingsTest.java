package dev.ratelimiter.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentSettingsTest {

  @Test
  @DisplayName("Connection guards have sane defaults and are read from the environment")
  void connectionGuards() {
    AgentSettings defaults = AgentSettings.fromEnv(Map.of());
    assertThat(defaults.httpIdleTimeoutSeconds()).isEqualTo(60);
    assertThat(defaults.httpHeaderTimeoutSeconds()).isEqualTo(30);
    assertThat(defaults.httpMaxConnections()).isEqualTo(10_000);
    assertThat(defaults.memoryMaxClients()).isEqualTo(1_000_000);
    assertThat(AgentSettings.fromEnv(Map.of("MEMORY_MAX_CLIENTS", "5000")).memoryMaxClients())
        .isEqualTo(5000);
    AgentSettings set =
        AgentSettings.fromEnv(
            Map.of(
                "HTTP_IDLE_TIMEOUT_SECONDS",
                "120",
                "HTTP_HEADER_TIMEOUT_SECONDS",
                "10",
                "HTTP_MAX_CONNECTIONS",
                "500"));
    assertThat(set.httpIdleTimeoutSeconds()).isEqualTo(120);
    assertThat(set.httpHeaderTimeoutSeconds()).isEqualTo(10);
    assertThat(set.httpMaxConnections()).isEqualTo(500);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "HTTP_IDLE_TIMEOUT_SECONDS, 0",
    "HTTP_HEADER_TIMEOUT_SECONDS, 3601",
    "HTTP_MAX_CONNECTIONS, many",
    "HTTP_MAX_CONNECTIONS, -1",
    "MEMORY_MAX_CLIENTS, 0",
    "GRPC_PORT, 65536",
    "GRPC_PORT, grpc"
  })
  @DisplayName("A bad setting is refused with a message naming it")
  void badSettingNamed(String name, String value) {
    assertThatThrownBy(() -> AgentSettings.fromEnv(Map.of(name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(name + "='" + value + "' is not a whole number in ");
  }

  @Test
  @DisplayName(
      "GRPC_PORT defaults to 8081, is read from the environment and may not reuse another port")
  void grpcPort() {
    assertThat(AgentSettings.fromEnv(Map.of()).grpcPort()).isEqualTo(8081);
    assertThat(AgentSettings.fromEnv(Map.of("GRPC_PORT", "9191")).grpcPort()).isEqualTo(9191);
    assertThat(AgentSettings.fromEnv(Map.of("GRPC_PORT", "0")).grpcPort()).isZero();
    assertThatThrownBy(() -> AgentSettings.fromEnv(Map.of("GRPC_PORT", "8080")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("GRPC_PORT=8080 is already HTTP_PORT or MANAGEMENT_PORT");
  }
}
