package dev.ratelimiter.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.settings.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("docs/configuration.md's agent table is AgentEnvironment's: names, order and defaults")
class AgentEnvironmentDocsTest {

  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\| ([^|]+) \\|");

  @Test
  void tableIsTheDeclarations() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    String agentTable = doc.substring(doc.indexOf("## The agent"), doc.indexOf("## The operator"));
    List<String> rows = new ArrayList<>();
    Matcher m = ROW.matcher(agentTable);
    while (m.find()) {
      rows.add(m.group(1) + " " + m.group(2).trim());
    }
    List<String> declared = new ArrayList<>();
    for (Setting<?> setting : AgentEnvironment.ALL) {
      String shown =
          setting.defaultText().equals("none") ? "none" : "`" + setting.defaultText() + "`";
      declared.add(setting.name() + " " + shown);
    }
    assertThat(rows).isEqualTo(declared);
  }

  @Test
  @DisplayName("Every setting's default is what fromEnv gives for an empty environment")
  void defaultsAreTheDefaults() {
    AgentSettings defaults = AgentSettings.fromEnv(java.util.Map.of());
    assertThat(defaults.bindAddress()).isEqualTo(AgentEnvironment.BIND_ADDRESS.defaultText());
    assertThat(defaults.httpPort()).hasToString(AgentEnvironment.HTTP_PORT.defaultText());
    assertThat(defaults.grpcPort()).hasToString(AgentEnvironment.GRPC_PORT.defaultText());
    assertThat(defaults.managementPort())
        .hasToString(AgentEnvironment.MANAGEMENT_PORT.defaultText());
    assertThat(defaults.redisTimeoutMillis())
        .hasToString(AgentEnvironment.REDIS_TIMEOUT_MS.defaultText());
    assertThat(defaults.warmUpSeconds())
        .hasToString(AgentEnvironment.WARM_UP_SECONDS.defaultText());
    assertThat(defaults.backendTimeoutMillis())
        .hasToString(AgentEnvironment.BACKEND_TIMEOUT_MS.defaultText());
    assertThat(defaults.httpMaxConnections())
        .hasToString(AgentEnvironment.HTTP_MAX_CONNECTIONS.defaultText());
    assertThat(defaults.memoryMaxClients())
        .hasToString(AgentEnvironment.MEMORY_MAX_CLIENTS.defaultText());
    assertThat(defaults.memoryFullRefuses()).isFalse();
  }
}
