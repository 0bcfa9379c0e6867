package dev.ratelimiter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The e2e test classpath")
class ClasspathIT {

  @Test
  @DisplayName("holds the mock API server's Vert.x 4 and no Vert.x 5 (the agent runs as a process)")
  void noVertx5() throws Exception {
    String vertxCore =
        Class.forName("io.vertx.core.Vertx")
            .getProtectionDomain()
            .getCodeSource()
            .getLocation()
            .toString();
    assertThat(vertxCore).contains("vertx-core-4.");
    assertThat(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .noneMatch(entry -> entry.matches(".*vertx-[a-z-]+-5\\.[^/]*\\.jar"))
        .noneMatch(entry -> entry.contains("/agent/target/"));
  }
}
