package dev.ratelimiter.testsupport.code;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependencies of a module's main sources, read from their {@code package} and {@code
 * import} lines and fully qualified names: which of the project's packages each one uses, and the
 * cycles among them (a test holds a module to none).
 */
public final class PackageGraph {

  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(dev\\.ratelimiter(?:\\.[a-z]\\w*)+)\\.[A-Z]");

  private final Map<String, Set<String>> uses = new TreeMap<>();

  private PackageGraph() {}

  /**
   * The graph of every {@code .java} file under {@code sourceRoot} (e.g. {@code src/main/java}).
   */
  public static PackageGraph of(Path sourceRoot) {
    PackageGraph graph = new PackageGraph();
    List<String[]> references = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = Files.readString(file);
        Matcher p = PACKAGE.matcher(text);
        if (!p.find()) {
          continue;
        }
        String pkg = p.group(1);
        graph.uses.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher r = REFERENCE.matcher(text);
        while (r.find()) {
          references.add(new String[] {pkg, r.group(1)});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String[] ref : references) {
      if (!ref[0].equals(ref[1]) && graph.uses.containsKey(ref[1])) {
        graph.uses.get(ref[0]).add(ref[1]);
      }
    }
    return graph;
  }

  public Set<String> packages() {
    return uses.keySet();
  }

  /** The groups of packages that use each other in a circle (Tarjan's strongly connected sets). */
  public List<Set<String>> cycles() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    List<String> stack = new ArrayList<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String v : uses.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, index, low, stack, out, counter);
      }
    }
    return out;
  }

  private void connect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      List<String> stack,
      List<Set<String>> out,
      int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]);
    counter[0]++;
    stack.add(v);
    for (String w : uses.get(v)) {
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> group = new TreeSet<>();
      String w;
      do {
        w = stack.remove(stack.size() - 1);
        group.add(w);
      } while (!w.equals(v));
      if (group.size() > 1) {
        out.add(group);
      }
    }
  }
}
