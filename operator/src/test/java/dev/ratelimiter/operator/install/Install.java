package dev.ratelimiter.operator.install;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where the install files are, and how the tests read them. */
final class Install {

  /**
   * The repository root: the parent of the committed {@code crds/} (surefire runs in operator/).
   */
  static final Path ROOT =
      Path.of(System.getProperty("crd.committed.dir", "../crds"))
          .toAbsolutePath()
          .normalize()
          .getParent();

  static final Path DEPLOY = ROOT.resolve("deploy");

  /** The least-privilege install: Roles in the watched namespaces only. */
  static final Path NAMESPACED = DEPLOY.resolve("namespaced");

  static final Path EXAMPLES = DEPLOY.resolve("examples");
  static final Path CRD = ROOT.resolve("crds/ratelimitpolicies.ratelimiter.dev-v1.yml");
  static final Path OVERRIDE_CRD = ROOT.resolve("crds/ratelimitoverrides.ratelimiter.dev-v1.yml");
  static final String NAMESPACE = "ratelimiter-system";
  static final String SERVICE_ACCOUNT = "ratelimiter-operator";
  static final String IMAGE_REPOSITORY = "ghcr.io/ratelimiter-dev/";

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static {
    SERIALIZATION.registerKubernetesResource(RateLimitPolicy.class);
  }

  private Install() {}

  static String projectVersion() {
    String v = System.getProperty("project.version");
    if (v == null) {
      throw new IllegalStateException("run under Maven: surefire sets project.version");
    }
    return v;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** All objects of a (multi-document) YAML text, as fabric8 types. */
  static List<HasMetadata> parse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    List<HasMetadata> out = new ArrayList<>();
    if (parsed instanceof Collection<?> many) {
      for (Object o : many) {
        out.add((HasMetadata) o);
      }
    } else if (parsed != null) {
      out.add((HasMetadata) parsed);
    }
    return out;
  }

  /**
   * What the typed parse could not place: objects fabric8 has no class for, and fields it kept in
   * {@code additionalProperties} because no model field has that name (a typo like {@code
   * livenesProbe} would otherwise pass unnoticed). Empty when every field is known.
   */
  static List<String> untyped(HasMetadata object) {
    List<String> out = new ArrayList<>();
    String where = object.getKind() + "/" + object.getMetadata().getName();
    if (object instanceof GenericKubernetesResource) {
      out.add(where + ": no fabric8 type for " + object.getApiVersion() + " " + object.getKind());
      return out;
    }
    walk(object, where, out);
    return out;
  }

  private static void walk(Object value, String path, List<String> out) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object o : c) {
        walk(o, path + "[" + i++ + "]", out);
      }
      return;
    }
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, out));
      return;
    }
    if (!(value instanceof KubernetesResource)
        && !value.getClass().getName().startsWith("dev.ratelimiter.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      String name = getter.getName();
      if (!name.startsWith("get") || name.equals("getClass")) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;
      }
      if (name.equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          out.add(path + ": unknown field(s) " + extra.keySet());
        }
        continue;
      }
      if (child instanceof Optional<?> || child == value) {
        continue;
      }
      walk(child, path + "." + decapitalize(name.substring(3)), out);
    }
  }

  private static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /** {@code kubectl} on the PATH, if any. */
  static Optional<Path> kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "kubectl");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code kubectl kustomize deploy/}: the rendered install, or an exception with kubectl's error.
   */
  static String kustomize(Path kubectl) {
    return kustomize(kubectl, DEPLOY);
  }

  /** {@code kubectl kustomize <dir>}. */
  static String kustomize(Path kubectl, Path dir) {
    try {
      Path err = Files.createTempFile("kustomize", ".err");
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
              .redirectError(err.toFile())
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kubectl kustomize did not finish in 60 s");
      }
      String stderr = Files.readString(err);
      Files.deleteIfExists(err);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "kubectl kustomize " + dir + " failed (" + p.exitValue() + "): " + stderr);
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
