package dev.ratelimiter.testsupport.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("PackageGraph")
class PackageGraphTest {

  static void write(Path root, String pkg, String cls, String body) throws Exception {
    Path dir = root.resolve(pkg.replace('.', '/'));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(cls + ".java"), "package " + pkg + ";\n" + body);
  }

  @Test
  @DisplayName(
      "finds the packages that use each other by import or by full name, and no cycle where uses go one way")
  void findsCycles(@TempDir Path root) throws Exception {
    write(root, "dev.ratelimiter.a", "A", "import dev.ratelimiter.b.B;\nclass A {}\n");
    write(root, "dev.ratelimiter.b", "B", "class B { dev.ratelimiter.c.C c; }\n");
    write(root, "dev.ratelimiter.c", "C", "class C {}\n");
    assertThat(PackageGraph.of(root).cycles()).isEmpty();
    write(root, "dev.ratelimiter.c", "D", "import dev.ratelimiter.a.A;\nclass D {}\n");
    assertThat(PackageGraph.of(root).cycles())
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .containsExactly(
                        "dev.ratelimiter.a", "dev.ratelimiter.b", "dev.ratelimiter.c"));
  }
}
