package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.testsupport.code.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The operator module's packages")
class PackageCyclesTest {

  @Test
  @DisplayName("use each other in one direction only: no cycle")
  void noCycles() {
    PackageGraph graph = PackageGraph.of(Path.of("src/main/java"));
    assertThat(graph.packages()).isNotEmpty();
    assertThat(graph.cycles()).isEmpty();
  }
}
