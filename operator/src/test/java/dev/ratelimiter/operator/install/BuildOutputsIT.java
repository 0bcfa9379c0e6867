package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After {@code package} (failsafe, integration-test phase): the jars the Dockerfiles copy exist and
 * are runnable. From the root, {@code mvn -B verify} builds agent/ before operator/.
 */
@DisplayName("After the build, the jar each Dockerfile copies")
class BuildOutputsIT {

  @ParameterizedTest(name = "Dockerfile.{0}")
  @ValueSource(strings = {"agent", "operator"})
  @DisplayName("exists where the Dockerfile's COPY --from=build takes it, with a Main-Class")
  void jarExists(String module) throws Exception {
    Path jar = Install.ROOT.resolve(DockerfilesTest.builtJar(module));
    assertThat(Install.read(Install.ROOT.resolve("Dockerfile." + module)))
        .contains("/src/" + DockerfilesTest.builtJar(module).toString().replace('\\', '/') + " ");
    assertThat(jar)
        .as(
            "%s: build it with `mvn -B verify` from the repository root (agent/ builds before operator/)",
            jar)
        .isRegularFile();
    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isNotBlank();
    }
    assertThat(Files.size(jar)).as("a shaded jar with its dependencies").isGreaterThan(1_000_000);
  }
}
