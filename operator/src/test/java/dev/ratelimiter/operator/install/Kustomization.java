package dev.ratelimiter.operator.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Java-side reading of a kustomization's {@code resources} (files, and directories that hold a
 * kustomization of their own), so the manifests are checked even where kubectl is missing. It
 * applies no transformers: the files must already say what kustomize would render, which {@link
 * InstallManifestsTest} compares when kubectl is there. Like kustomize, it leaves out objects
 * marked {@value #LOCAL_CONFIG} (inputs of replacements, never applied).
 */
final class Kustomization {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> FILE_NAMES =
      List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  static final String LOCAL_CONFIG = "config.kubernetes.io/local-config";

  private Kustomization() {}

  static Path kustomizationFile(Path dir) {
    return FILE_NAMES.stream()
        .map(dir::resolve)
        .filter(Files::isRegularFile)
        .findFirst()
        .orElseThrow(() -> new AssertionError(dir + " holds no kustomization file " + FILE_NAMES));
  }

  /** The manifest files a kustomization includes, recursively, as absolute paths. */
  static List<Path> files(Path dir) {
    List<Path> out = new ArrayList<>();
    try {
      JsonNode k = YAML.readTree(kustomizationFile(dir).toFile());
      for (JsonNode r : k.path("resources")) {
        Path p = dir.resolve(r.asText()).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
          out.addAll(files(p));
        } else if (Files.isRegularFile(p)) {
          out.add(p);
        } else {
          throw new AssertionError(
              kustomizationFile(dir) + " lists " + r.asText() + ", which does not exist");
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read the kustomization in " + dir, e);
    }
    return out;
  }

  static List<HasMetadata> objects(Path dir) {
    List<HasMetadata> out = new ArrayList<>();
    for (Path f : files(dir)) {
      Install.parse(Install.read(f)).stream().filter(o -> !isLocalConfig(o)).forEach(out::add);
    }
    return out;
  }

  static boolean isLocalConfig(HasMetadata o) {
    var annotations = o.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(LOCAL_CONFIG));
  }
}
