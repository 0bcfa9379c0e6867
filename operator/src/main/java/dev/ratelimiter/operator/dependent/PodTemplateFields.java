package dev.ratelimiter.operator.dependent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pod-template fields of a Deployment that the operator owns, compared exactly (as {@link
 * ServiceFields} does for a Service): the parts it renders in full and the API server never
 * defaults. JOSDK's generic matcher (SSA off) takes every field the live object has beyond the
 * desired one for a server default, so it misses what the operator stopped rendering: an env var of
 * a removed {@code spec.backend}, the resources of a removed {@code spec.agent.resources}.
 * Comparing the whole template instead would see the server's defaults (probe timeouts, {@code
 * terminationMessagePath}, volume modes...) as drift on every reconcile, so only these are
 * compared: the containers by name, each one's env and resources, the volume names, and the pod
 * template annotations of ours ({@link SecretHashes#PREFIX}; others' are left alone, and kept by
 * the update).
 */
final class PodTemplateFields {

  private PodTemplateFields() {}

  static boolean matches(Deployment desired, Deployment actual) {
    if (!ours(templateAnnotations(desired)).equals(ours(templateAnnotations(actual)))) {
      return false;
    }
    PodSpec want = podSpec(desired);
    PodSpec have = podSpec(actual);
    if (want == null || have == null) {
      return want == have;
    }
    List<Container> wanted = want.getContainers();
    List<Container> had = have.getContainers();
    if (!names(wanted, Container::getName).equals(names(had, Container::getName))
        || !names(want.getVolumes(), Volume::getName)
            .equals(names(have.getVolumes(), Volume::getName))) {
      return false;
    }
    for (int i = 0; i < wanted.size(); i++) {
      Container w = wanted.get(i);
      Container h = had.get(i);
      if (!orEmpty(w.getEnv()).equals(orEmpty(h.getEnv()))
          || !sameResources(w.getResources(), h.getResources())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Copies into {@code desired}'s pod template the annotations of {@code actual}'s that are not
   * ours.
   */
  static void keepForeignTemplateAnnotations(Deployment actual, Deployment desired) {
    Map<String, String> foreign = new TreeMap<>(templateAnnotations(actual));
    foreign.keySet().removeIf(k -> k.startsWith(SecretHashes.PREFIX));
    if (foreign.isEmpty() || desired.getSpec() == null || desired.getSpec().getTemplate() == null) {
      return;
    }
    var meta = desired.getSpec().getTemplate().getMetadata();
    if (meta == null) {
      meta = new ObjectMeta();
      desired.getSpec().getTemplate().setMetadata(meta);
    }
    Map<String, String> merged = new LinkedHashMap<>(foreign);
    merged.putAll(Objects.requireNonNullElse(meta.getAnnotations(), Map.of()));
    meta.setAnnotations(merged);
  }

  private static Map<String, String> templateAnnotations(Deployment d) {
    if (d.getSpec() == null
        || d.getSpec().getTemplate() == null
        || d.getSpec().getTemplate().getMetadata() == null) {
      return Map.of();
    }
    return Objects.requireNonNullElse(
        d.getSpec().getTemplate().getMetadata().getAnnotations(), Map.of());
  }

  private static Map<String, String> ours(Map<String, String> annotations) {
    Map<String, String> out = new TreeMap<>(annotations);
    out.keySet().removeIf(k -> !k.startsWith(SecretHashes.PREFIX));
    return out;
  }

  private static PodSpec podSpec(Deployment d) {
    return d.getSpec() == null || d.getSpec().getTemplate() == null
        ? null
        : d.getSpec().getTemplate().getSpec();
  }

  private static <T> List<String> names(
      List<T> items, java.util.function.Function<T, String> name) {
    return orEmpty(items).stream().map(name).toList();
  }

  /**
   * Absent and empty are the same ({@code resources: {}} is what the API server stores for none).
   */
  private static boolean sameResources(ResourceRequirements a, ResourceRequirements b) {
    return orEmpty(a == null ? null : a.getLimits())
            .equals(orEmpty(b == null ? null : b.getLimits()))
        && orEmpty(a == null ? null : a.getRequests())
            .equals(orEmpty(b == null ? null : b.getRequests()))
        && orEmpty(a == null ? null : a.getClaims())
            .equals(orEmpty(b == null ? null : b.getClaims()));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return Objects.requireNonNullElse(list, List.of());
  }

  private static Map<String, Quantity> orEmpty(Map<String, Quantity> map) {
    return Objects.requireNonNullElse(map, Map.of());
  }
}
