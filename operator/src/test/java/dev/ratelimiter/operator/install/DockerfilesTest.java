package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.dependent.AgentDeploymentDependentResource;
import dev.ratelimiter.operator.spec.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Dockerfile.agent and Dockerfile.operator, read as text: nothing here can run a Docker build, so
 * this checks what a build would use against what Maven produces. {@link BuildOutputsIT} checks,
 * after {@code package}, that those jars exist.
 */
@DisplayName("The Dockerfiles")
class DockerfilesTest {

  /** Module, jar name, and the ports its image must expose. */
  static final Map<String, Set<Integer>> PORTS =
      Map.of(
          "agent",
              Set.of(Names.AGENT_HTTP_PORT, Names.AGENT_GRPC_PORT, Names.AGENT_MANAGEMENT_PORT),
          "operator", Set.of(8081));

  /** A Dockerfile's instructions, continuation lines joined, comments dropped. */
  record Dockerfile(List<String[]> instructions) {
    static Dockerfile of(String module) {
      String text =
          Install.read(Install.ROOT.resolve("Dockerfile." + module)).replaceAll("\\\\\\n", " ");
      List<String[]> out = new ArrayList<>();
      for (String line : text.split("\n")) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        String[] kv = l.split("\\s+", 2);
        out.add(new String[] {kv[0].toUpperCase(), kv.length > 1 ? kv[1].strip() : ""});
      }
      return new Dockerfile(out);
    }

    List<String> all(String instruction) {
      return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
    }

    /** Instructions of the last stage (the image that ships). */
    Dockerfile runtime() {
      int last = 0;
      for (int i = 0; i < instructions.size(); i++) {
        if (instructions.get(i)[0].equals("FROM")) {
          last = i;
        }
      }
      return new Dockerfile(instructions.subList(last, instructions.size()));
    }

    /** Instructions of the stage named {@code name}. */
    Dockerfile stage(String name) {
      List<String[]> out = new ArrayList<>();
      boolean in = false;
      for (String[] i : instructions) {
        if (i[0].equals("FROM")) {
          in = i[1].matches("(?i).*\\s+AS\\s+" + Pattern.quote(name) + "$");
        }
        if (in) {
          out.add(i);
        }
      }
      return new Dockerfile(out);
    }
  }

  /**
   * Where Maven puts the runnable jar of a module: the parent's shade configuration names it {@code
   * ${runnable.jar}}, a property each module's POM sets.
   */
  static Path builtJar(String module) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    Document parent = f.newDocumentBuilder().parse(Install.ROOT.resolve("pom.xml").toFile());
    NodeList shadeNames = parent.getElementsByTagName("finalName");
    assertThat(shadeNames.getLength())
        .as("the parent's shade configuration names the jar")
        .isEqualTo(1);
    assertThat(shadeNames.item(0).getTextContent().strip()).isEqualTo("${runnable.jar}");
    Document pom =
        f.newDocumentBuilder().parse(Install.ROOT.resolve(module).resolve("pom.xml").toFile());
    NodeList names = pom.getElementsByTagName("runnable.jar");
    assertThat(names.getLength()).as("%s/pom.xml sets runnable.jar", module).isEqualTo(1);
    return Path.of(module, "target", names.item(0).getTextContent().strip() + ".jar");
  }

  private static String text(Element e, String child) {
    NodeList n = e.getElementsByTagName(child);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent().strip();
  }

  static List<String> entrypoint(Dockerfile runtime) {
    List<String> eps = runtime.all("ENTRYPOINT");
    assertThat(eps).hasSize(1);
    String ep = eps.get(0);
    assertThat(ep).as("exec form, so java is PID 1 and gets SIGTERM").startsWith("[").endsWith("]");
    List<String> args = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(ep);
    while (m.find()) {
      args.add(m.group(1));
    }
    return args;
  }

  @ParameterizedTest(name = "Dockerfile.{0}")
  @ValueSource(strings = {"agent", "operator"})
  @DisplayName("build the module's jar in a pinned Maven stage and run it on a pinned JRE 17")
  void multiStage(String module) {
    Dockerfile d = Dockerfile.of(module);
    List<String> froms = d.all("FROM");
    assertThat(froms).hasSize(2);
    assertThat(froms.get(0)).matches("maven:3\\.9\\.\\d+-eclipse-temurin-17 AS build");
    assertThat(froms.get(1)).matches("eclipse-temurin:17\\.0\\.\\d+_\\d+-jre");
    assertThat(d.stage("build").all("RUN"))
        .anySatisfy(
            run -> assertThat(run).contains("mvn -B -pl " + module + " -am package -DskipTests"));
    assertThat(d.stage("build").all("WORKDIR")).containsExactly("/src");
  }

  @ParameterizedTest(name = "Dockerfile.{0}")
  @ValueSource(strings = {"agent", "operator"})
  @DisplayName(
      "copy exactly the jar Maven builds into the image, and run that jar with container-aware JVM flags")
  void copiesTheBuiltJarAndRunsIt(String module) throws Exception {
    Dockerfile runtime = Dockerfile.of(module).runtime();
    List<String> copies = runtime.all("COPY");
    assertThat(copies).as("only the jar is copied into the runtime image").hasSize(1);
    String[] parts = copies.get(0).split("\\s+");
    assertThat(parts[0]).isEqualTo("--from=build");
    String source = parts[parts.length - 2];
    String target = parts[parts.length - 1];
    // the build stage works in /src, which holds the repository root
    assertThat(Path.of("/src").relativize(Path.of(source))).isEqualTo(builtJar(module));
    assertThat(target).isEqualTo("/app/" + module + ".jar");
    assertThat(entrypoint(runtime))
        .containsExactly(
            "java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", target);
  }

  @ParameterizedTest(name = "Dockerfile.{0}")
  @ValueSource(strings = {"agent", "operator"})
  @DisplayName("run as the fixed non-root uid 10001, the one the operator gives agent pods")
  void nonRoot(String module) {
    List<String> users = Dockerfile.of(module).runtime().all("USER");
    assertThat(users).hasSize(1);
    String uid = users.get(0).split(":")[0];
    assertThat(uid).as("numeric, so runAsNonRoot can verify it").matches("\\d+");
    assertThat(Long.parseLong(uid))
        .isNotZero()
        .isEqualTo(AgentDeploymentDependentResource.RUN_AS_USER);
  }

  @ParameterizedTest(name = "Dockerfile.{0}")
  @ValueSource(strings = {"agent", "operator"})
  @DisplayName("expose the module's ports and carry OCI labels with the project version")
  void portsAndLabels(String module) {
    Dockerfile d = Dockerfile.of(module);
    Set<Integer> exposed = new TreeSet<>();
    d.runtime()
        .all("EXPOSE")
        .forEach(
            e -> {
              for (String p : e.split("\\s+")) {
                exposed.add(Integer.parseInt(p.replace("/tcp", "")));
              }
            });
    assertThat(exposed).isEqualTo(new TreeSet<>(PORTS.get(module)));
    Map<String, String> labels = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("(org\\.opencontainers\\.image\\.[a-z.]+)=\"([^\"]*)\"")
            .matcher(String.join(" ", d.runtime().all("LABEL")));
    while (m.find()) {
      labels.put(m.group(1), m.group(2));
    }
    assertThat(labels)
        .containsKeys(
            "org.opencontainers.image.title",
            "org.opencontainers.image.description",
            "org.opencontainers.image.version",
            "org.opencontainers.image.revision",
            "org.opencontainers.image.source");
    assertThat(labels.get("org.opencontainers.image.version")).isEqualTo("${VERSION}");
    assertThat(d.all("ARG")).contains("VERSION=" + Install.projectVersion());
  }

  @Test
  @DisplayName(".dockerignore keeps build outputs and .git out, and every Maven module in")
  void dockerignore() throws Exception {
    List<String> ignored =
        Install.read(Install.ROOT.resolve(".dockerignore"))
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertThat(ignored).contains("**/target", ".git");
    Document parent =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Install.ROOT.resolve("pom.xml").toFile());
    NodeList modules = parent.getElementsByTagName("module");
    assertThat(modules.getLength()).isPositive();
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().strip();
      assertThat(ignored)
          .as("Maven reads every module's POM, even with -pl")
          .doesNotContain(module, module + "/", "/" + module);
    }
    assertThat(ignored).doesNotContain("pom.xml", "crds", "*");
  }
}
