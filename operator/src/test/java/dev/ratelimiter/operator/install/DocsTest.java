package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.settings.OperatorEnvironment;
import dev.ratelimiter.settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README and {@code docs/} against the repository: every link lands, every page is on the
 * README's map, every example is mentioned, the settings tables list exactly the settings the code
 * reads, and the README's install line is the one CI runs.
 */
@DisplayName("The README and docs/ say what the repository holds")
class DocsTest {

  private static final Path ROOT = Install.ROOT;
  private static final Path DOCS = ROOT.resolve("docs");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern SETTING_ROW =
      Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\| ([^|]+) \\|");

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> files = Files.list(DOCS)) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  @Test
  @DisplayName(
      "Every relative link in the README and docs/ names a file that exists, and a heading")
  void linksLand() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher m = LINK.matcher(Files.readString(page));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
        } else if (target.contains("#") && resolved.toString().endsWith(".md")) {
          String anchor = target.substring(target.indexOf('#') + 1);
          if (!anchors(resolved).contains(anchor)) {
            broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
          }
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  @DisplayName("Every page of docs/ is on the README's map")
  void everyPageOnTheMap() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    for (Path page : pages().subList(1, pages().size())) {
      assertThat(readme)
          .as("README links docs/" + page.getFileName())
          .contains("(docs/" + page.getFileName() + ")");
    }
  }

  @Test
  @DisplayName("Every example in deploy/examples/ is named in the docs")
  void everyExampleNamed() throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path page : pages()) {
      all.append(Files.readString(page));
    }
    List<String> examples;
    try (Stream<Path> files = Files.walk(ROOT.resolve("deploy/examples"))) {
      examples =
          files
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".conf"))
              .map(p -> ROOT.relativize(p).toString())
              .sorted()
              .toList();
    }
    assertThat(examples).hasSizeGreaterThan(10);
    List<String> unnamed = examples.stream().filter(e -> !all.toString().contains(e)).toList();
    assertThat(unnamed).as("examples the docs never name").isEmpty();
  }

  @Test
  @DisplayName(
      "The count of example policies docs/install.md gives is the count in deploy/examples/")
  void exampleCount() throws IOException {
    Matcher said =
        Pattern.compile("`deploy/examples/` holds (\\w+) policies")
            .matcher(Files.readString(DOCS.resolve("install.md")));
    assertThat(said.find()).isTrue();
    List<String> words =
        List.of(
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");
    long files;
    try (Stream<Path> list = Files.list(ROOT.resolve("deploy/examples"))) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).count();
    }
    assertThat(words.indexOf(said.group(1))).as("'" + said.group(0) + "'").isEqualTo((int) files);
  }

  @Test
  @DisplayName(
      "docs/configuration.md's operator table is OperatorEnvironment's: names, order and defaults (the agent's: AgentEnvironmentDocsTest)")
  void operatorSettingsTable() throws IOException {
    String doc = Files.readString(DOCS.resolve("configuration.md"));
    int operatorAt = doc.indexOf("## The operator");
    assertThat(operatorAt).isPositive();
    Matcher m = SETTING_ROW.matcher(doc.substring(operatorAt));
    List<String> rows = new ArrayList<>();
    List<String> defaults = new ArrayList<>();
    while (m.find()) {
      rows.add(m.group(1));
      defaults.add(m.group(2));
    }
    assertThat(rows).isEqualTo(OperatorEnvironment.ALL.stream().map(Setting::name).toList());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(defaults.get(i))
          .as(rows.get(i) + "'s default")
          .contains(OperatorEnvironment.ALL.get(i).defaultText());
    }
  }

  @Test
  @DisplayName("The README's install line installs what .ci/run installs")
  void installLine() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher line = Pattern.compile("sudo apt-get install -y ([a-z0-9 .+-]+?)\\s*#").matcher(readme);
    assertThat(line.find()).as("an apt-get line in the README").isTrue();
    Set<String> documented = new TreeSet<>(List.of(line.group(1).trim().split("\\s+")));
    Matcher ci =
        Pattern.compile("missing\\+=\\(([a-z0-9.+-]+)\\)")
            .matcher(Files.readString(ROOT.resolve(".ci/run")));
    Set<String> installed = new TreeSet<>();
    while (ci.find()) {
      installed.add(ci.group(1));
    }
    assertThat(documented).isEqualTo(installed);
  }

  /** GitHub's anchors for the headings of a Markdown page. */
  private static Set<String> anchors(Path page) throws IOException {
    Set<String> anchors = new LinkedHashSet<>();
    boolean fence = false;
    for (String line : Files.readAllLines(page)) {
      if (line.startsWith("```")) {
        fence = !fence;
      }
      if (!fence && line.startsWith("#")) {
        String title = line.replaceFirst("^#+\\s*", "");
        anchors.add(
            title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }
}
